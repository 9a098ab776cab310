# stack/guest/crypto: the guest's freestanding SHA-256/512, HMAC, HKDF, Ed25519 signing and
# verification. One source set, two builds: a host library for the unit tests (which
# cross-check it against OpenSSL's libcrypto) and a bare-metal guest library
# (build/guest/lib/libguestcrypto.a) for the firmware images.
LIBS += guestcrypto
GUEST_LIBS += guestcrypto
guestcrypto_SRCS := $(call lib_srcs,stack/guest/crypto)
$(call unit_tests,stack/guest/crypto,guestcrypto,-lcmocka -lcrypto)
