# The HAL conformance kit: `hal-conformance --backend NAME` (the port-conformance suite)
# and its guest image, built once and embedded in every flavour of the program.
GUEST_IMAGES += halkit
halkit_SRCS := stack/hal/conformance/guest/kit_guest.S
halkit_LDS := stack/hal/conformance/guest/kit_guest.lds

PROGS += hal-conformance
hal-conformance_SRCS := $(wildcard stack/hal/conformance/*.c) stack/hal/conformance/blob.S
hal-conformance_LIBS := hal sim
hal-conformance_LDLIBS := -lpthread

# blob.S includes the guest binary: find it, and rebuild when it changes.
$(foreach f,$(HOST_FLAVOURS),$(eval \
  $(BUILD)/$(f)/obj/stack/hal/conformance/blob.o: $(BUILD)/guest/img/halkit.bin))
$(foreach f,$(HOST_FLAVOURS),$(eval \
  $(BUILD)/$(f)/obj/stack/hal/conformance/blob.o: CFLAGS_EXTRA += -Wa,-I$(BUILD)/guest/img))
