# stack/guest/arch: aarch64 support shared by our bare-metal guest images (pvmfw, the
# runtime): SMCCC over HVC, the identity map of the VM layout, cache maintenance.
GUEST_LIBS += guestarch
guestarch_SRCS := $(call lib_srcs,stack/guest/arch)
