# avf-sign: make and check signed payloads (docs/PAYLOAD.md). OpenSSL's libcrypto signs;
# the firmware's own verifier (guestpayload) checks. The cross flavour leaves it out:
# there is no static arm64 libcrypto in the rig's sysroot, and the rig does not need it.
PROGS += avf-sign
avf-sign_SRCS := $(call lib_srcs,stack/tools/avf-sign)
avf-sign_LIBS := pvmfwcore guestpayload guestfdt guestcrypto
avf-sign_LDLIBS := -lcrypto
CROSS_EXCLUDE += avf-sign
