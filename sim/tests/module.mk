# sim/tests: bare-metal test images that must print the same on QEMU's virt board and on
# `avf-sim run` (see sim/tests/README.md). The runtime is the guest library `simtest`;
# each image simtest-NAME is built from every .c/.S in sim/tests/NAME/. Which images
# the harness runs, and how, is in sim/tests/manifest.yaml.
GUEST_LIBS += simtest
simtest_SRCS := $(call lib_srcs,sim/tests/lib)

SIMTEST_IMAGES := selftest arith memory atomics atomics_lse fp exceptions el0 mmu gic timer smp
GUEST_IMAGES += $(addprefix simtest-,$(SIMTEST_IMAGES))
$(foreach i,$(SIMTEST_IMAGES),\
  $(eval simtest-$(i)_SRCS := $(call lib_srcs,sim/tests/$(i)))\
  $(eval simtest-$(i)_LIBS := simtest)\
  $(eval simtest-$(i)_LDS := sim/tests/lib/image.lds))

# Freestanding: __atomic builtins must become inline instructions, not calls to libgcc's
# outline helpers (which need getauxval). -fno-toplevel-reorder keeps TEST entries in
# source order in the .tests section (GCC otherwise emits them in reverse). The LSE
# image's code is Armv8.0 plus the Armv8.1 atomics (CAS, LDADD, SWP, ...), nothing else.
$(BUILD)/guest/obj/sim/tests/%.o: CFLAGS_EXTRA += -mno-outline-atomics -fno-toplevel-reorder
$(BUILD)/guest/obj/sim/tests/atomics_lse/%.o: CFLAGS_EXTRA += -mcpu=cortex-a72+lse

.PHONY: simtest-images
simtest-images: $(foreach i,$(SIMTEST_IMAGES),$(BUILD)/guest/img/simtest-$(i).elf)
