# stack/guest/payload: parsing and verification of signed payloads (docs/PAYLOAD.md).
# Freestanding C on guestcrypto, built for the host (avf-sign, the service, tests) and
# for the guest (the pvmfw-like firmware), so both give the same verdicts.
LIBS += guestpayload
GUEST_LIBS += guestpayload
guestpayload_SRCS := $(call lib_srcs,stack/guest/payload)
$(call unit_tests,stack/guest/payload,guestpayload guestcrypto,-lcmocka -lcrypto)
