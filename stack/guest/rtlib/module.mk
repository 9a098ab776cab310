# stack/guest/rtlib: the runtime's freestanding parts (heap, formatter, instance secret),
# built for the guest runtime and for the host, where they are unit-tested.
LIBS += guestrtlib
GUEST_LIBS += guestrtlib
guestrtlib_SRCS := $(call lib_srcs,stack/guest/rtlib)
$(call unit_tests,stack/guest/rtlib,guestrtlib guestcrypto,-lcmocka -lcrypto)
