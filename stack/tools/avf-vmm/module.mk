# avf-vmm: the VMM as a program, one process per VM (stack/vmm does the work). Library
# `avfvmmcli` is the option parser, so its unit test links it without main.c.
LIBS += avfvmmcli
avfvmmcli_SRCS := stack/tools/avf-vmm/options.c
PROGS += avf-vmm
avf-vmm_SRCS := stack/tools/avf-vmm/main.c
avf-vmm_LIBS := avfvmmcli vmm fault image hypspec hyp fault hal sim
avf-vmm_LDLIBS := -lfdt -lpthread
$(call unit_tests,stack/tools/avf-vmm,avfvmmcli image,-lcmocka)

# harness/test_vmm.py runs the cross-built avf-vmm in the KVM rig.
harness: $(BUILD)/cross/bin/avf-vmm
