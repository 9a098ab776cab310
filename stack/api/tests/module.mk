# stack/api/tests: avfapi-check, libavf driven against a live avfd by
# harness/test_service.py and scripts/bench-service: many threads sharing connections
# (threads.c), RPC to a guest through the service (rpc.c), in-process timings (bench.c).
# Built in the usual flavours (san: ASan+UBSan);
# avfapi-check-tsan is the same program and libavf built with ThreadSanitizer.
PROGS += avfapi-check
avfapi-check_SRCS := $(call lib_srcs,stack/api/tests)
avfapi-check_LIBS := avfapi avfservice
avfapi-check_LDLIBS := -lpthread

# ThreadSanitizer cannot be mixed with ASan, so it is its own small build: the program,
# libavf and the protocol code compiled together with -fsanitize=thread.
# libavf needs only the protocol and state-name code of stack/service.
AVFAPI_TSAN_SRCS = $(avfapi-check_SRCS) $(avfapi_SRCS) stack/service/protocol.c \
  stack/service/lifecycle.c
$(BUILD)/tsan/bin/avfapi-check-tsan: $(AVFAPI_TSAN_SRCS) $(wildcard stack/api/*.h \
    stack/api/tests/*.h stack/service/*.h stack/guest/rtlib/*.h)
	@mkdir -p $(@D)
	$(if $(V),,@echo "  LD[tsan] $@";) $(CC_host) -std=gnu11 $(WARN) -D_GNU_SOURCE -I. -O1 -g -fsanitize=thread \
	  -o $@ $(AVFAPI_TSAN_SRCS) -lpthread
san: $(BUILD)/tsan/bin/avfapi-check-tsan
