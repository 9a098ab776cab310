# One Makefile, one dependency graph. Each directory that builds something has a
# module.mk fragment that only *declares* what it builds (libraries, programs, unit
# tests, fuzzers, guest images); the templates below expand every declaration for
# every flavour. Nothing here recurses into another make.
#
# Flavours (output under build/<flavour>/):
#   host   gcc, C11 + GNU, -O2 -g, -Werror            (the default `make`)
#   san    gcc, ASan + UBSan, -O1 -g                  (what `make test` runs)
#   cross  aarch64-linux-gnu-gcc -static              (programs for the KVM rig)
#   cov    gcc --coverage -O0                         (`make coverage`)
#   fuzz   clang -fsanitize=fuzzer,address,undefined  (`make fuzz-build`)
#   guest  aarch64-linux-gnu-gcc -ffreestanding       (bare-metal guest images)

.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/bash

BUILD   ?= build
PYTHON  ?= /usr/bin/python3
AVF_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/avf
ARM64_SYSROOT := $(AVF_CACHE)/arm64-sysroot

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter -Wno-missing-field-initializers
COMMON  := -std=gnu11 $(WARN) -D_GNU_SOURCE -Iinclude -I. -MMD -MP

CC_host   := gcc
CF_host   := $(COMMON) -O2 -g
LD_host   :=
CC_san    := gcc
CF_san    := $(COMMON) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=all
LD_san    := -fsanitize=address,undefined
CC_cross  := aarch64-linux-gnu-gcc
CF_cross  := $(COMMON) -O2 -g -I$(ARM64_SYSROOT)/usr/include
LD_cross  := -static -L$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu
CC_cov    := gcc
CF_cov    := $(COMMON) -O0 -g --coverage
LD_cov    := --coverage
CC_fuzz   := clang
CF_fuzz   := $(filter-out -Wshadow,$(COMMON)) -O1 -g -fno-omit-frame-pointer \
             -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
             -DAVF_FUZZING=1 $(if $(filter x86_64,$(shell uname -m)),-mcx16)
LD_fuzz   := -fsanitize=fuzzer,address,undefined
CC_guest  := aarch64-linux-gnu-gcc
# Guest images are freestanding: no libc, no host headers, their own linker scripts.
CF_guest  := -std=gnu11 $(WARN) -O2 -g -ffreestanding -fno-builtin -nostdinc \
             -isystem $(shell aarch64-linux-gnu-gcc -print-file-name=include) \
             -fno-stack-protector -fno-pic -mstrict-align -mcpu=cortex-a72 \
             -Iinclude -I. -Istack/guest/include -MMD -MP
LD_guest  := -nostdlib -static -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments
AR_guest  := aarch64-linux-gnu-ar

HOST_FLAVOURS := host san cross cov fuzz

# ---- declarations -------------------------------------------------------------------
LIBS :=
PROGS :=
TESTS :=
FUZZERS :=
GUEST_LIBS :=
GUEST_IMAGES :=
# Programs only the cross flavour builds (aarch64 Linux only: the KVM rig's, docs/RIG.md).
CROSS_ONLY :=
# $(call unit_tests,DIR,LIBS,LDLIBS): one cmocka binary per DIR/*_test.c, named after its
# path (sim/decode_test.c -> sim_decode_test). Tests are discovered, never listed by hand.
test_name = $(subst /,_,$(basename $(1)))
define unit_tests
$(foreach t,$(wildcard $(1)/*_test.c),$(eval TESTS += $(call test_name,$(t)))\
$(eval $(call test_name,$(t))_SRCS := $(t))$(eval $(call test_name,$(t))_LIBS := $(2))\
$(eval $(call test_name,$(t))_LDLIBS := $(3)))
endef
# Library sources of DIR: every .c and .S that is not a test.
lib_srcs = $(filter-out %_test.c,$(wildcard $(1)/*.c $(1)/*.S))

MODULES := $(sort $(wildcard */module.mk */*/module.mk */*/*/module.mk))
include $(MODULES)

# ---- templates --------------------------------------------------------------------
objs = $(patsubst %.c,$(BUILD)/$(1)/obj/%.o,$(patsubst %.S,$(BUILD)/$(1)/obj/%.o,$(2)))

# $(1) flavour
define flavour_rules
$(BUILD)/$(1)/obj/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $$(@D)
	$$(if $$(V),,@echo "  CC[$(1)] $$<";) $$(CC_$(1)) $$(CF_$(1)) $$(CFLAGS_EXTRA) -c $$< -o $$@
$(BUILD)/$(1)/obj/%.o: %.S | $(BUILD)/.deps-ok
	@mkdir -p $$(@D)
	$$(if $$(V),,@echo "  AS[$(1)] $$<";) $$(CC_$(1)) $$(CF_$(1)) $$(CFLAGS_EXTRA) -c $$< -o $$@
endef

# $(1) flavour, $(2) library name
# NAME_SRCS_<flavour> adds sources for one flavour only (e.g. the kvm backend: cross).
define lib_rules
$(BUILD)/$(1)/lib/lib$(2).a: $(call objs,$(1),$($(2)_SRCS) $($(2)_SRCS_$(1)))
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(if $$(V),,@echo "  AR[$(1)] $$@";) $$(or $$(AR_$(1)),ar) rcs $$@ $$^
-include $(patsubst %.o,%.d,$(call objs,$(1),$($(2)_SRCS) $($(2)_SRCS_$(1))))
endef

libfiles = $(foreach l,$(2),$(BUILD)/$(1)/lib/lib$(l).a)

# $(1) flavour, $(2) program, $(3) output dir
define prog_rules
$(BUILD)/$(1)/$(3)/$(2): $(call objs,$(1),$($(2)_SRCS)) $(call libfiles,$(1),$($(2)_LIBS))
	@mkdir -p $$(@D)
	$$(if $$(V),,@echo "  LD[$(1)] $$@";) $$(CC_$(1)) $$(LD_$(1)) -o $$@ \
	  $(call objs,$(1),$($(2)_SRCS)) $(call libfiles,$(1),$($(2)_LIBS)) $($(2)_LDLIBS) $$(LDLIBS_$(1))
-include $(patsubst %.o,%.d,$(call objs,$(1),$($(2)_SRCS)))
endef

# $(1) guest image name
define guest_rules
$(BUILD)/guest/img/$(1).elf: $(call objs,guest,$($(1)_SRCS)) $(call libfiles,guest,$($(1)_LIBS)) $($(1)_LDS)
	@mkdir -p $$(@D)
	$$(if $$(V),,@echo "  LD[guest] $$@";) $$(CC_guest) $$(CF_guest) $$(LD_guest) -T $($(1)_LDS) -o $$@ \
	  $(call objs,guest,$($(1)_SRCS)) $(call libfiles,guest,$($(1)_LIBS)) -lgcc
$(BUILD)/guest/img/$(1).bin: $(BUILD)/guest/img/$(1).elf
	aarch64-linux-gnu-objcopy -O binary $$< $$@
-include $(patsubst %.o,%.d,$(call objs,guest,$($(1)_SRCS)))
endef

$(foreach f,$(HOST_FLAVOURS) guest,$(eval $(call flavour_rules,$(f))))
$(foreach f,$(HOST_FLAVOURS),$(foreach l,$(LIBS),$(eval $(call lib_rules,$(f),$(l)))))
$(foreach l,$(GUEST_LIBS),$(eval $(call lib_rules,guest,$(l))))
$(foreach f,host san cross cov,$(foreach p,$(PROGS),$(eval $(call prog_rules,$(f),$(p),bin))))
$(foreach f,san cov,$(foreach t,$(TESTS),$(eval $(call prog_rules,$(f),$(t),tests))))
$(foreach z,$(FUZZERS),$(eval $(call prog_rules,fuzz,$(z),fuzz)))
$(foreach g,$(GUEST_IMAGES),$(eval $(call guest_rules,$(g))))

# Programs the cross flavour leaves out (they link a library with no static arm64 build).
CROSS_PROGS := $(filter-out $(CROSS_EXCLUDE),$(PROGS))

host_bins   := $(addprefix $(BUILD)/host/bin/,$(PROGS))
san_bins    := $(addprefix $(BUILD)/san/bin/,$(PROGS))
cross_bins  := $(addprefix $(BUILD)/cross/bin/,$(CROSS_PROGS))
cov_bins    := $(addprefix $(BUILD)/cov/bin/,$(PROGS))
san_tests   := $(addprefix $(BUILD)/san/tests/,$(TESTS))
cov_tests   := $(addprefix $(BUILD)/cov/tests/,$(TESTS))
fuzz_bins   := $(addprefix $(BUILD)/fuzz/fuzz/,$(FUZZERS))
guest_imgs  := $(foreach g,$(GUEST_IMAGES),$(BUILD)/guest/img/$(g).elf $(BUILD)/guest/img/$(g).bin)

# ---- user-facing targets ----------------------------------------------------------------
.PHONY: all deps host san cross cov-build fuzz-build guest test unit harness run coverage \
        fuzz clean help bench
all: host guest

help:
	@echo "make            host build of every program, plus guest images"
	@echo "make run        the main job on the sim backend (see README)"
	@echo "make test       install deps, build every flavour, run every test suite"
	@echo "make coverage   lcov HTML report under coverage/html"
	@echo "make fuzz       run every fuzz target for FUZZ_SECONDS each"
	@echo "make bench      benchmarks (ratios against QEMU)"
	@echo "V=1             show full compiler command lines"

# The dependency script is idempotent and fast when nothing is missing; the stamp only
# saves re-running it within one build tree.
deps $(BUILD)/.deps-ok: scripts/deps.sh
	@scripts/deps.sh
	@mkdir -p $(BUILD) && touch $(BUILD)/.deps-ok

host: $(host_bins)
san: $(san_bins) $(san_tests)
cross: $(cross_bins)
cov-build: $(cov_bins) $(cov_tests)
fuzz-build: $(fuzz_bins)
guest: $(guest_imgs)

# Unit tests: every cmocka binary, under ASan+UBSan.
unit: $(san_tests)
	@scripts/run-unit-tests $(san_tests)

# Everything `make test` runs: every flavour that has code is built (a flavour that does
# not build is a failure), then the unit tests, then the pytest harness.
test: deps
	@$(MAKE) --no-print-directory host san cross guest fuzz-build cov-build
	@scripts/run-unit-tests $(san_tests)
	@$(MAKE) --no-print-directory harness

harness: host san guest
	@mkdir -p $(BUILD)/reports
	$(PYTHON) -m pytest -q harness --junitxml=$(BUILD)/reports/harness.xml \
	  -p no:cacheprovider $(PYTEST_ARGS)

# The main job on the default (sim) backend.
run: deps
	@$(MAKE) --no-print-directory host guest
	@scripts/make-run $(BUILD)

coverage: deps
	@$(MAKE) --no-print-directory cov-build guest
	@scripts/coverage $(BUILD) $(cov_tests)

FUZZ_SECONDS ?= 60
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@scripts/fuzz-campaign $(BUILD) $(FUZZ_SECONDS) $(FUZZERS)

bench: deps
	@$(MAKE) --no-print-directory host guest
	@scripts/bench $(BUILD)
	@echo "== hyp: hypercall round trips and stage-2 costs (sim backend)"
	@$(BUILD)/host/bin/hyp-bench
	@scripts/bench-vmm $(BUILD)
	@$(MAKE) --no-print-directory cross rig-prep
	@scripts/bench-io $(BUILD)

clean:
	rm -rf $(BUILD) coverage/html coverage/*.info

# ---- KVM test rig (docs/RIG.md) ---------------------------------------------------------
# Real arm64 KVM inside qemu-system-aarch64 (TCG, virtualization=on). CROSS_ONLY programs
# (declared by module.mk fragments) get cross-flavour rules only and join `make cross`.
$(foreach p,$(CROSS_ONLY),$(eval $(call prog_rules,cross,$(p),bin)))
rig_bins := $(addprefix $(BUILD)/cross/bin/,$(CROSS_ONLY))
cross: $(rig_bins)

RIG_INITRD := $(BUILD)/rig/initramfs.cpio
.PHONY: rig-prep rig-smoke
# rig-prep: the rig's programs, the cached kernel (fetched once) and the base initramfs.
rig-prep: $(RIG_INITRD)
	@scripts/rig/fetch-kernel >/dev/null
$(RIG_INITRD): $(rig_bins) scripts/rig/mkinitramfs
	$(if $(V),,@echo "  CPIO $@";) scripts/rig/mkinitramfs $@ $(BUILD)/cross/bin/rig-init \
	  $(filter-out %/rig-init,$(rig_bins))
# rig-smoke: kvm-smoke inside the rig, plain KVM then pKVM; PASS/FAIL per mode.
rig-smoke: deps
	@$(MAKE) --no-print-directory rig-prep
	@scripts/rig/smoke $(RIG_INITRD)
# The harness runs the rig's tests (harness/test_rig.py).
harness: rig-prep

-include mk/local.mk
