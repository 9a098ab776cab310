# linux-io-check: a stock Linux guest's /init that drives virtio-blk, vsock and virtio-net,
# and the host side that serves and checks it (docs/VMM.md "Linux guests"). The cross build
# is what goes into the guest's initramfs and into the rig; the host build serves QEMU runs.
LIBS += lio
lio_SRCS := stack/tools/linux-io-check/lio_pattern.c stack/tools/linux-io-check/lio_util.c
PROGS += linux-io-check
linux-io-check_SRCS := stack/tools/linux-io-check/main.c \
  stack/tools/linux-io-check/lio_guest.c stack/tools/linux-io-check/lio_guest_bench.c \
  stack/tools/linux-io-check/lio_host.c
linux-io-check_LIBS := lio
linux-io-check_LDLIBS := -lpthread
$(call unit_tests,stack/tools/linux-io-check,lio,-lcmocka)
