# Coverage replay of the fuzz targets (make coverage, scripts/coverage): each target's
# sources and libraries built with the cov flavour (gcc --coverage) and linked with
# fuzz/replay/main.c instead of libFuzzer, as $(BUILD)/cov/fuzz-replay/<target>.
# Not a module.mk: scripts/coverage reads it after the Makefile (make -f Makefile -f
# fuzz/replay/replay.mk), when every module has declared its FUZZERS.
FUZZ_REPLAYS := $(addprefix $(BUILD)/cov/fuzz-replay/,$(FUZZERS))
$(foreach z,$(FUZZERS),$(eval $(z)_SRCS += fuzz/replay/main.c)\
$(eval $(call prog_rules,cov,$(z),fuzz-replay)))
# Fuzz targets are written for clang; gcc's extra warnings must not stop coverage.
$(BUILD)/cov/obj/fuzz/%.o: CFLAGS_EXTRA += -Wno-error
.PHONY: fuzz-replays
fuzz-replays: $(FUZZ_REPLAYS)
