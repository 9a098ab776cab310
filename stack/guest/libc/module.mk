# stack/guest/libc: the few C library functions bare-metal guest images need, because
# GCC may emit calls to them (struct copies and zeroing) even with -ffreestanding.
GUEST_LIBS += guestlibc
guestlibc_SRCS := $(call lib_srcs,stack/guest/libc)
