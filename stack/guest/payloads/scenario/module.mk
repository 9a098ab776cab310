# The scenario payload (docs/RUNTIME.md, "The scenario payload"): its image is declared by
# stack/guest/payloads/module.mk (PAYLOADS); this adds its signed version and the
# host-testable script parser with its unit test. Included from that module.mk (the
# top-level Makefile reads module.mk files at most three directories deep).
PAYLOAD_VERSION_scenario := 1
LIBS += scenarioscript
scenarioscript_SRCS := stack/guest/payloads/scenario/script.c
$(call unit_tests,stack/guest/payloads/scenario,scenarioscript,-lcmocka)
