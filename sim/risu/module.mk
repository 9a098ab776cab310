# sim/risu: sim-risu, the random-instruction differential tester (sim against QEMU user
# mode), and risu-runner, the static aarch64 Linux program it drives under qemu-aarch64.
# Library `simrisu` is everything but risu_main.c, so the unit tests link it.
LIBS += simrisu
simrisu_SRCS := $(filter-out sim/risu/risu_main.c,$(call lib_srcs,sim/risu))
PROGS += sim-risu
sim-risu_SRCS := sim/risu/risu_main.c
sim-risu_LIBS := simrisu sim
$(call unit_tests,sim/risu,simrisu sim,-lcmocka)

# The runner is an aarch64 Linux program whatever the flavour of sim-risu, so it has a
# rule of its own (not PROGS: the cross flavour would build a second copy, and not
# CROSS_ONLY: that would put it in the KVM rig's initramfs).
RISU_RUNNER := $(BUILD)/cross/risu/risu-runner
$(RISU_RUNNER): sim/risu/runner/risu_runner.c sim/risu/risu_abi.h | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(if $(V),,@echo "  LD[cross] $@";) $(CC_cross) -std=gnu11 $(WARN) -O2 -I. -static -o $@ $<
cross: $(RISU_RUNNER)
harness: $(RISU_RUNNER)

# `make risu`: a long campaign (RISU_SEED, RISU_COUNT, RISU_LENGTH, RISU_GROUPS). The
# default seed is fixed (nothing here reads the clock): pass a new RISU_SEED for new tests.
RISU_SEED ?= 1
RISU_COUNT ?= 100000
RISU_LENGTH ?= 24
RISU_GROUPS ?= all
.PHONY: risu
risu: deps
	@$(MAKE) --no-print-directory $(BUILD)/host/bin/sim-risu $(RISU_RUNNER)
	$(BUILD)/host/bin/sim-risu --seed $(RISU_SEED) --count $(RISU_COUNT) \
	  --length $(RISU_LENGTH) --groups $(RISU_GROUPS) --keep-going
