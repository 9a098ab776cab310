# vmm: the crosvm-like VMM (library `vmm`). The virtio transport and devices live here;
# the VMM core adds its files to the same library (every non-test .c of this directory).
LIBS += vmm
vmm_SRCS := $(call lib_srcs,stack/vmm)
$(call unit_tests,stack/vmm,vmm fault hyp fault hal sim,-lcmocka -lfdt -lpthread)
