# HAL: the interface (hal.h), its front (hal.c) and the backends of this build.
# The kvm backend (stack/hal/kvm/, its tests in stack/hal/kvm/module.mk) is only compiled
# for aarch64 (cross flavour): it needs the arm64 KVM UAPI, and hal.c registers it under
# __aarch64__.
LIBS += hal
hal_SRCS := $(call lib_srcs,stack/hal) $(call lib_srcs,stack/hal/sim)
hal_SRCS_cross := $(call lib_srcs,stack/hal/kvm)
$(call unit_tests,stack/hal,hal sim,-lcmocka)
