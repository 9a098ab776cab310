# stack/guest/fdt: gfdt, a minimal strict FDT reader for freestanding guest code (the
# firmware, the runtime), built for the host too (tests check it against libfdt; fuzzing).
LIBS += guestfdt
GUEST_LIBS += guestfdt
guestfdt_SRCS := $(call lib_srcs,stack/guest/fdt)
$(call unit_tests,stack/guest/fdt,guestfdt,-lcmocka -lfdt)
