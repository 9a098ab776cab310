# HAL: the interface (hal.h), its front (hal.c) and the backends of this build.
# The kvm backend (stack/hal/kvm/) is only compiled for aarch64 (cross flavour): the
# x86-64 host has no arm64 KVM headers to build it against.
LIBS += hal
hal_SRCS := $(call lib_srcs,stack/hal) $(call lib_srcs,stack/hal/sim)
$(call unit_tests,stack/hal,hal sim,-lcmocka)
