# The VMM's test guest (stack/vmm/testguest/): a bare-metal payload that prints through
# the 16550 UART found in the DT and powers off, and a stand-in pvmfw that enters it in
# protected VMs. Built with the guest flavour; avf-vmm loads build/guest/img/*.elf/.bin,
# and the end-to-end unit test embeds them (blob.S).
GUEST_IMAGES += vmm-testguest vmm-testfw
VMM_TESTGUEST_COMMON := $(addprefix stack/vmm/testguest/,start.S hvc.c fdt.c uart.c)
vmm-testguest_SRCS := $(VMM_TESTGUEST_COMMON) $(addprefix stack/vmm/testguest/,payload.c gic.c irq.c virtio_irq.c)
vmm-testguest_LDS := stack/vmm/testguest/payload.lds
vmm-testfw_SRCS := $(VMM_TESTGUEST_COMMON) stack/vmm/testguest/firmware.c
vmm-testfw_LDS := stack/vmm/testguest/firmware.lds

# The VMM core uses the image loaders (lib/image): every unit test of stack/vmm links
# them. (stack/vmm/module.mk, which declares those tests, belongs to the virtio part.)
$(foreach t,$(wildcard stack/vmm/*_test.c),$(eval $(call test_name,$(t))_LIBS += image))

# The end-to-end test boots the embedded images.
stack_vmm_e2e_test_SRCS += stack/vmm/testguest/blob.S
$(foreach f,san cov,$(eval \
  $(BUILD)/$(f)/obj/stack/vmm/testguest/blob.o: $(BUILD)/guest/img/vmm-testguest.elf \
    $(BUILD)/guest/img/vmm-testfw.bin))
$(foreach f,san cov,$(eval \
  $(BUILD)/$(f)/obj/stack/vmm/testguest/blob.o: CFLAGS_EXTRA += -Wa,-I$(BUILD)/guest/img))
