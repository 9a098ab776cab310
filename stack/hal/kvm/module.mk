# The kvm backend (stack/hal/kvm/). Its sources join the hal library in the cross
# flavour only (stack/hal/module.mk: hal_SRCS_cross); what follows is its testing.

# The logic that needs no KVM (stage 2 -> memslots, the guest instruction behind an MMIO
# load) is pure C, so it is unit tested on the build host like everything else.
LIBS += halkvmlogic
halkvmlogic_SRCS := stack/hal/kvm/kvm_s2map.c stack/hal/kvm/kvm_guest_insn.c
$(call unit_tests,stack/hal/kvm,halkvmlogic,-lcmocka)

# hal-kvm-selftest: what the conformance kit cannot reach in this backend, on real KVM.
# An aarch64 Linux program, so cross only; as a CROSS_ONLY program it is in the rig's
# initramfs (docs/RIG.md), and harness/test_hal_conformance.py runs it there.
CROSS_ONLY += hal-kvm-selftest
hal-kvm-selftest_SRCS := stack/hal/kvm/selftest/kvm_selftest.c \
                         stack/hal/kvm/selftest/selftest_guest.S
hal-kvm-selftest_LIBS := hal sim
hal-kvm-selftest_LDLIBS := -lpthread

# The harness runs the kit in the rig with the cross-built program, which it adds to
# the rig's initramfs for that run.
harness: $(BUILD)/cross/bin/hal-conformance
