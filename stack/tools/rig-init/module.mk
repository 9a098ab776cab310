# The KVM test rig's guest-side programs (docs/RIG.md): its /init and a probe the rig's
# own tests run. Both are aarch64 Linux programs, so only the cross flavour builds them.
CROSS_ONLY += rig-init rig-probe
rig-init_SRCS := stack/tools/rig-init/rig_init.c
rig-probe_SRCS := stack/tools/rig-init/rig_probe.c
