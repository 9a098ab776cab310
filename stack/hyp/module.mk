# hyp: the pKVM-like hypervisor core (library `hyp`), on the HAL.
LIBS += hyp
hyp_SRCS := $(call lib_srcs,stack/hyp)
$(call unit_tests,stack/hyp,hyp fault hal sim,-lcmocka -lpthread)
