# The whole-VM fuzz target (fuzz/whole_vm/, docs/FUZZING.md): a protected VM with the
# agent guest booted once on the sim through the VMM library, snapshotted, and per input
# restored and driven by the input as guest-side actions.
GUEST_IMAGES += wvm-agent
wvm-agent_SRCS := fuzz/whole_vm/agent/start.S fuzz/whole_vm/agent/agent.c
wvm-agent_LDS := fuzz/whole_vm/agent/agent.lds

FUZZERS += whole_vm
WHOLE_VM_SRCS := $(addprefix fuzz/whole_vm/,whole_vm.c snapshot.c oracles.c host_ops.c blob.S)
whole_vm_SRCS := $(WHOLE_VM_SRCS)
whole_vm_LIBS := vmm hyp fault hal sim image
whole_vm_LDLIBS := -lfdt -lpthread
$(BUILD)/fuzz/obj/fuzz/whole_vm/blob.o: $(BUILD)/guest/img/wvm-agent.elf
$(BUILD)/fuzz/obj/fuzz/whole_vm/blob.o: CFLAGS_EXTRA += -Wa,-I$(BUILD)/guest/img
# The simulated CPU is the machine the fuzzers run on, not their subject: no comparison
# tracing in its objects (it made the interpreter's hot loop 40% of whole_vm's time and
# fed libFuzzer's value profile with the guest's arithmetic). Edge coverage stays.
$(BUILD)/fuzz/obj/sim/%.o: CFLAGS_EXTRA += -fno-sanitize-coverage=trace-cmp
# The coverage replay (fuzz/replay/replay.mk) builds the target with the cov flavour too.
$(BUILD)/cov/obj/fuzz/whole_vm/blob.o: $(BUILD)/guest/img/wvm-agent.elf
$(BUILD)/cov/obj/fuzz/whole_vm/blob.o: CFLAGS_EXTRA += -Wa,-I$(BUILD)/guest/img
