# kvm-smoke: checks that a machine gives the arm64 KVM the kvm backend needs (docs/RIG.md).
# aarch64 Linux only (arm64 KVM UAPI, an A64 guest program), so only the cross flavour
# builds it; `make rig-smoke` runs it inside the rig in both KVM modes.
CROSS_ONLY += kvm-smoke
kvm-smoke_SRCS := stack/tools/kvm-smoke/kvm_smoke.c stack/tools/kvm-smoke/smoke_guest.S
