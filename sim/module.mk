# sim: the deterministic aarch64 machine (library `sim`), its unit tests.
LIBS += sim
sim_SRCS := $(call lib_srcs,sim)
$(call unit_tests,sim,sim,-lcmocka)
