# sim/bench: compute-bound bare-metal images for `make bench` (scripts/bench), which runs
# each on avf-sim, on qemu-system-aarch64 (TCG) and on QEMU with -icount shift=0. They
# use the guest test runtime (simtest: console, MMU on with the identity map, PSCI off)
# and print one checksum, also checked on the host by the unit test kernels_test.c.
BENCH_IMAGES := crc sort matmul memcpy tlbi
GUEST_IMAGES += $(addprefix bench-,$(BENCH_IMAGES))
$(foreach i,$(BENCH_IMAGES),\
  $(eval bench-$(i)_SRCS := sim/bench/$(i).c sim/bench/kernels.c)\
  $(eval bench-$(i)_LIBS := simtest)\
  $(eval bench-$(i)_LDS := sim/tests/lib/image.lds))
$(call unit_tests,sim/bench,,-lcmocka)
# kernels_test.c runs the kernels themselves on the host.
sim_bench_kernels_test_SRCS += sim/bench/kernels.c
