# hyp-selftest: the hyp's guest-facing calls driven by real guest code, on any backend.
GUEST_IMAGES += hypguest
hypguest_SRCS := stack/hyp/selftest/guest/hyp_guest.S
hypguest_LDS := stack/hyp/selftest/guest/hyp_guest.lds

PROGS += hyp-selftest
hyp-selftest_SRCS := stack/hyp/selftest/hyp_selftest.c stack/hyp/selftest/blob.S
hyp-selftest_LIBS := hyp fault hal sim
hyp-selftest_LDLIBS := -lpthread

$(foreach f,$(HOST_FLAVOURS),$(eval \
  $(BUILD)/$(f)/obj/stack/hyp/selftest/blob.o: $(BUILD)/guest/img/hypguest.bin))
$(foreach f,$(HOST_FLAVOURS),$(eval \
  $(BUILD)/$(f)/obj/stack/hyp/selftest/blob.o: CFLAGS_EXTRA += -Wa,-I$(BUILD)/guest/img))
