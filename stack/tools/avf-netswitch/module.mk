# avf-netswitch: the user-space L2 switch (stack/vmm/net_switch.c) as a process, for VMs
# run as separate avf-vmm processes (docs/VIRTIO.md).
PROGS += avf-netswitch
avf-netswitch_SRCS := stack/tools/avf-netswitch/main.c
avf-netswitch_LIBS := vmm fault
avf-netswitch_LDLIBS += -lpthread
