# stack/guest/payloads: payloads on the runtime (stack/guest/runtime), each a guest image
# payload-NAME from stack/guest/payloads/NAME, signed at build time with the development
# key into build/guest/img/payload-NAME.payload (docs/RUNTIME.md).
PAYLOADS := hello scenario drm compile ml
PAYLOAD_VERSION_hello := 1
include stack/guest/payloads/scenario/module.mk
GUEST_IMAGES += $(addprefix payload-,$(PAYLOADS))
$(foreach p,$(PAYLOADS),\
  $(eval payload-$(p)_SRCS := $(call lib_srcs,stack/guest/payloads/$(p)))\
  $(eval payload-$(p)_LIBS = $$(RT_LIBS))\
  $(eval payload-$(p)_LDS = $$(RT_LDS)))

PAYLOAD_SIGNING_KEY ?= stack/guest/keys/dev.key
$(BUILD)/guest/img/payload-%.payload: $(BUILD)/guest/img/payload-%.bin \
    $(BUILD)/host/bin/avf-sign $(PAYLOAD_SIGNING_KEY)
	$(if $(V),,@echo "  SIGN $@";) $(BUILD)/host/bin/avf-sign sign \
	  --key $(PAYLOAD_SIGNING_KEY) --version $(PAYLOAD_VERSION_$*) \
	  --mem-size $(RT_MEM_SIZE) $< $@ >/dev/null
guest: $(addprefix $(BUILD)/guest/img/payload-,$(addsuffix .payload,$(PAYLOADS)))
# The use-case payloads: their versions and extra libraries (after the loop above).
include $(foreach p,drm compile ml,stack/guest/payloads/$(p)/module.mk)
