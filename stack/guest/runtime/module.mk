# stack/guest/runtime: the Microdroid-like bare-metal runtime a payload links with
# (docs/RUNTIME.md). A payload image is its own sources + guestruntime and the libraries
# below, laid out by runtime.lds, and signed with mem_size RT_MEM_SIZE.
GUEST_LIBS += guestruntime
guestruntime_SRCS := $(call lib_srcs,stack/guest/runtime)
RT_LIBS := guestruntime guestrtlib guestfdt guestcrypto guestarch guestlibc
RT_LDS := stack/guest/runtime/runtime.lds
RT_MEM_SIZE := 0x400000
# The interrupt path saves only general-purpose registers (vectors.S).
$(BUILD)/guest/obj/stack/guest/runtime/%.o: CFLAGS_EXTRA += -mgeneral-regs-only
