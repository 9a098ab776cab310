# hyp-bench: hypercall round trips and stage-2 costs on the sim backend, as ratios
# against a no-op host call and a page copy measured in the same run.
PROGS += hyp-bench
hyp-bench_SRCS := stack/hyp/bench/hyp_bench.c
hyp-bench_LIBS := hypspec hyp fault hal sim
hyp-bench_LDLIBS := -lpthread
