# avf-sign: make and check signed payloads (docs/PAYLOAD.md). OpenSSL's libcrypto signs;
# the firmware's own verifier (guestpayload) checks. The cross build (libssl-dev:arm64's
# static libcrypto) signs payloads inside the KVM rig, where process-mode scenarios run.
PROGS += avf-sign
avf-sign_SRCS := $(call lib_srcs,stack/tools/avf-sign)
avf-sign_LIBS := pvmfwcore guestpayload guestfdt guestcrypto
avf-sign_LDLIBS := -lcrypto
