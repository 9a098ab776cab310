# libFuzzer targets. Each fuzz/<name>.c defines LLVMFuzzerTestOneInput; its seed corpus is
# fuzz/corpus/<name>/ and its dictionary fuzz/<name>.dict (OSS-Fuzz layout).
FUZZERS += hyp_host_calls
hyp_host_calls_SRCS := fuzz/hyp_host_calls.c
hyp_host_calls_LIBS := hyp hal sim
hyp_host_calls_LDLIBS := -lpthread
