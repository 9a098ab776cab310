# stack/guest/pvmfw: the pvmfw-like firmware. Its logic (DT checks, config, DICE, the boot
# decision) is library `pvmfwcore`, freestanding and built for the host (unit tests,
# fuzzing) and the guest; the bare-metal image around it is in stack/guest/pvmfw/image.
LIBS += pvmfwcore
GUEST_LIBS += pvmfwcore
pvmfwcore_SRCS := $(call lib_srcs,stack/guest/pvmfw)
$(call unit_tests,stack/guest/pvmfw,pvmfwcore pvmfwdicecheck guestpayload guestfdt guestcrypto,\
  -lcmocka -lcrypto -lfdt)

# The bare-metal image (stack/guest/pvmfw/image; docs/PAYLOAD.md, "The firmware"):
# build/guest/img/pvmfw.bin is what the hyp loads into protected VMs once the platform
# has appended its config (avf_pvmfw_abi.h). PVMFW_TRUSTED_KEY is the raw Ed25519 public
# key built into it.
PVMFW_TRUSTED_KEY ?= stack/guest/keys/dev.pub
GUEST_IMAGES += pvmfw
pvmfw_SRCS := $(call lib_srcs,stack/guest/pvmfw/image)
pvmfw_LIBS := pvmfwcore guestpayload guestfdt guestcrypto guestarch guestlibc
pvmfw_LDS := stack/guest/pvmfw/image/pvmfw.lds
$(BUILD)/guest/obj/stack/guest/pvmfw/image/trusted_key.o: $(PVMFW_TRUSTED_KEY)
$(BUILD)/guest/obj/stack/guest/pvmfw/image/trusted_key.o: \
  CFLAGS_EXTRA += -DPVMFW_TRUSTED_KEY='"$(PVMFW_TRUSTED_KEY)"'
# pvmfw-dev.bin: the image with a development device's config appended (UDS from a fixed
# seed, rollback floor 0): what a VMM or the service hands the hyp on this project's
# simulated devices. A real platform appends its own (avf-sign fw-config --uds FILE).
PVMFW_DEV_UDS_SEED ?= avf development device
$(BUILD)/guest/img/pvmfw-dev.bin: $(BUILD)/guest/img/pvmfw.bin $(BUILD)/host/bin/avf-sign
	$(if $(V),,@echo "  FWCFG $@";) $(BUILD)/host/bin/avf-sign fw-config \
	  --uds-seed "$(PVMFW_DEV_UDS_SEED)" $< $@
guest: $(BUILD)/guest/img/pvmfw-dev.bin

# pvmfw-selftest (stack/guest/pvmfw/selftest): plays the VMM and the platform around the
# real hyp: boots protected VMs through pvmfw with good and bad payloads, DTs and
# configs, and checks console, reboot reasons, the handover and the wiping of secrets;
# then the runtime with its "hello" payload (stack/guest/payloads) and the payload
# channel. Its payloads are guest images signed at build time with the development key.
GUEST_IMAGES += pvmfw-testpayload
pvmfw-testpayload_SRCS := $(call lib_srcs,stack/guest/pvmfw/selftest/payload)
pvmfw-testpayload_LDS := stack/guest/pvmfw/selftest/payload/payload.lds
$(BUILD)/guest/obj/stack/guest/pvmfw/selftest/payload/%.o: CFLAGS_EXTRA += -mgeneral-regs-only
PVMFW_SIGNING_KEY ?= stack/guest/keys/dev.key
$(BUILD)/guest/img/pvmfw-testpayload.payload: $(BUILD)/guest/img/pvmfw-testpayload.bin \
    $(BUILD)/host/bin/avf-sign $(PVMFW_SIGNING_KEY)
	$(if $(V),,@echo "  SIGN $@";) $(BUILD)/host/bin/avf-sign sign --key $(PVMFW_SIGNING_KEY) \
	  --version 2 --mem-size 0x10000 $< $@ >/dev/null
guest: $(BUILD)/guest/img/pvmfw-testpayload.payload

PROGS += pvmfw-selftest
pvmfw-selftest_SRCS := $(call lib_srcs,stack/guest/pvmfw/selftest)
pvmfw-selftest_LIBS := pvmfwcore pvmfwdicecheck guestrtlib guestpayload guestfdt guestcrypto hyp fault hal sim
pvmfw-selftest_LDLIBS := -lfdt -lpthread
$(foreach f,$(HOST_FLAVOURS),$(eval \
  $(BUILD)/$(f)/obj/stack/guest/pvmfw/selftest/blob.o: $(BUILD)/guest/img/pvmfw.bin \
    $(BUILD)/guest/img/pvmfw-testpayload.payload $(BUILD)/guest/img/payload-hello.payload \
    stack/guest/keys/dev.pub))
$(foreach f,$(HOST_FLAVOURS),$(eval \
  $(BUILD)/$(f)/obj/stack/guest/pvmfw/selftest/blob.o: CFLAGS_EXTRA += -Wa,-I$(BUILD)/guest/img))

# The host-side DICE chain checker (stack/guest/pvmfw/dicecheck): an independent reader
# of the chain pvmfw hands the payload, used by the unit tests (with OpenSSL) and by
# pvmfw-selftest (with the guest verifier) on chains from real boots.
LIBS += pvmfwdicecheck
pvmfwdicecheck_SRCS := $(call lib_srcs,stack/guest/pvmfw/dicecheck)

# pvmfw-selftest's "dice" payload on the runtime (stack/guest/pvmfw/selftest/dicepayload):
# prints its DICE chain and a signature by the leaf key for the dice-runtime scenario.
GUEST_IMAGES += pvmfw-dicepayload
pvmfw-dicepayload_SRCS := $(call lib_srcs,stack/guest/pvmfw/selftest/dicepayload)
pvmfw-dicepayload_LIBS = $(RT_LIBS)
pvmfw-dicepayload_LDS = $(RT_LDS)
$(BUILD)/guest/img/pvmfw-dicepayload.payload: $(BUILD)/guest/img/pvmfw-dicepayload.bin \
    $(BUILD)/host/bin/avf-sign $(PVMFW_SIGNING_KEY)
	$(if $(V),,@echo "  SIGN $@";) $(BUILD)/host/bin/avf-sign sign --key $(PVMFW_SIGNING_KEY) \
	  --version 3 --mem-size $(RT_MEM_SIZE) $< $@ >/dev/null
guest: $(BUILD)/guest/img/pvmfw-dicepayload.payload
$(foreach f,$(HOST_FLAVOURS),$(eval \
  $(BUILD)/$(f)/obj/stack/guest/pvmfw/selftest/blob.o: $(BUILD)/guest/img/pvmfw-dicepayload.payload))
