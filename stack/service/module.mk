# stack/service: the VirtualizationService-like layer (docs/SERVICE.md): the wire
# protocol shared with libavf, the lifecycle and policy tables, and the daemon's parts
# (avfd's main is stack/tools/avfd). Payload verification is the firmware's own code.
LIBS += avfservice
avfservice_SRCS := $(call lib_srcs,stack/service)
$(call unit_tests,stack/service,avfservice guestpayload guestcrypto fault,-lcmocka -lpthread)

# scripts/bench-service (docs/SERVICE.md, "Benchmarks"): the service against avf-vmm
# started directly; part of `make bench` (a prerequisite, so it runs first).
.PHONY: bench-service
bench-service: deps
	@$(MAKE) --no-print-directory host guest
	@scripts/bench-service $(BUILD)
bench: bench-service
