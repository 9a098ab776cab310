# stack/scenario: the scenario format's parser and the runner (docs/SCENARIOS.md), and
# avf-scenario (stack/scenario/tool/), which `avf scenario` hands over to. Det mode
# embeds the VMM library; process mode drives avfd through libavf.
LIBS += scenario
scenario_SRCS := $(call lib_srcs,stack/scenario)
SCENARIO_LIBS := scenario avfapi avfservice guestpayload guestcrypto vmm image hypspec hyp fault hal sim
SCENARIO_LDLIBS := -lyaml -lfdt -lpthread
$(call unit_tests,stack/scenario,$(SCENARIO_LIBS),-lcmocka $(SCENARIO_LDLIBS))
PROGS += avf-scenario
avf-scenario_SRCS := $(call lib_srcs,stack/scenario/tool)
avf-scenario_LIBS := $(SCENARIO_LIBS)
avf-scenario_LDLIBS := $(SCENARIO_LDLIBS)
# The cross build runs the suites inside the KVM rig (scripts/rig/scenarios; libyaml-dev:arm64).
# The parser on arbitrary bytes (fuzz/scenario_parser.c; corpus: the scenario suites).
FUZZERS += scenario_parser
scenario_parser_SRCS := fuzz/scenario_parser.c
scenario_parser_LIBS := scenario fault
scenario_parser_LDLIBS := -lyaml -lpthread
