# stack/guest/usecase: the freestanding cores of the use-case payloads (drm, compile, ml;
# docs/PAYLOADS.md). One source set, two builds: a host library for the unit tests (and
# the compiler's fuzz target) and a bare-metal guest library the payloads link with.
LIBS += guestusecase
GUEST_LIBS += guestusecase
guestusecase_SRCS := $(call lib_srcs,stack/guest/usecase)
$(call unit_tests,stack/guest/usecase,guestusecase guestcrypto,-lcmocka -lcrypto)
# The drm payload's key against everything the host can read of its VM (in-process VMM
# on the sim; needs `make guest` for the pvmfw and the signed payload).
$(call unit_tests,stack/guest/usecase/vmtest,vmm fault image hyp fault hal sim guestusecase guestcrypto,-lcmocka -lfdt -lpthread -lcrypto)
# It reads the firmware and the signed payload at run time: build them first, so that
# `make unit` alone works too.
$(foreach f,san cov,$(BUILD)/$(f)/tests/stack_guest_usecase_vmtest_drm_scan_test): \
  $(BUILD)/guest/img/payload-drm.payload $(BUILD)/guest/img/pvmfw-dev.bin
# usecase-check: the payloads' host side as one program, for the KVM rig (no Python
# there); the harness runs it on the sim and on pKVM and compares the output.
PROGS += usecase-check
usecase-check_SRCS := stack/guest/usecase/rigcheck/usecase_check.c
usecase-check_LIBS := guestusecase guestrtlib guestcrypto
