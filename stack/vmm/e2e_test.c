// SPDX-License-Identifier: MIT
/*
 * End to end on the sim: the VMM's test guest (stack/vmm/testguest/, embedded by
 * testguest/blob.S) boots through the whole stack (vmm -> hyp -> HAL -> sim), finds the
 * UART through its DT, prints, brings CPUs up and down with PSCI and ends. Checked:
 * the exact console bytes, how the VM ended and why, for normal and protected VMs (with
 * and without firmware); determinism per seed; several VMs interleaved on one host; and
 * the guest taking the UART's and a virtio device's interrupts (HYP_HOST_SET_IRQ).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stack/vmm/vmm_internal.h"

extern const uint8_t vmm_testguest_elf[], vmm_testguest_elf_end[];
extern const uint8_t vmm_testfw_bin[], vmm_testfw_bin_end[];

static char guest_path[] = "/tmp/vmm-e2e-guest-XXXXXX";
static char out_path[] = "/tmp/vmm-e2e-out-XXXXXX";
static char out2_path[] = "/tmp/vmm-e2e-out2-XXXXXX";

static int make_file(char *path, const void *data, size_t len)
{
	int fd = mkstemp(path);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
		return -1;
	close(fd);
	return 0;
}

static int setup_group(void **state)
{
	return make_file(guest_path, vmm_testguest_elf,
			 (size_t)(vmm_testguest_elf_end - vmm_testguest_elf)) ||
	       make_file(out_path, NULL, 0) || make_file(out2_path, NULL, 0);
}

static int teardown_group(void **state)
{
	unlink(guest_path);
	unlink(out_path);
	unlink(out2_path);
	return 0;
}

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

struct run {
	enum vmm_end end;
	struct vmm_stats st;
	char error[512];
	uint64_t hash;
	uint64_t payload_size;
	const char *out;
};

static struct vmm_host *host_for(bool fw, uint64_t seed)
{
	struct vmm_host_config hc = { .phys_mib = 64, .seed = seed };
	struct vmm_host *host;

	if (fw) {
		hc.pvmfw = vmm_testfw_bin;
		hc.pvmfw_size = (size_t)(vmm_testfw_bin_end - vmm_testfw_bin);
	}
	assert_int_equal(vmm_host_create(&hc, &host), 0);
	return host;
}

static struct vmm_config config(unsigned cpus, bool protected_vm, const char *args)
{
	return (struct vmm_config){ .name = "e2e", .nr_vcpus = cpus, .mem_mib = 16,
				    .protected_vm = protected_vm, .kernel = guest_path,
				    .bootargs = args, .console_out = out_path,
				    .instance_id = 0x42 };
}

/* Create, run and destroy one VM on a fresh host. */
static struct run run_vm(const struct vmm_config *cfg, bool fw, uint64_t seed)
{
	struct vmm_host *host = host_for(fw, seed);
	struct run r;
	struct vmm *v;
	int err;

	memset(&r, 0, sizeof(r));
	assert_int_equal(vmm_create(host, cfg, &v), 0);
	err = vmm_run(v, &r.end);
	assert_int_equal(err, r.end == VMM_END_ERROR ? err : 0);
	vmm_get_stats(v, &r.st);
	snprintf(r.error, sizeof(r.error), "%s", vmm_error(v));
	r.payload_size = v->boot.image.high - v->boot.image.low;
	assert_int_equal(hal_machine_state_hash(host->m, &r.hash), 0);
	vmm_destroy(v);
	vmm_host_destroy(host);
	r.out = slurp(cfg->console_out);
	return r;
}

#define HELLO "testguest: hello from the VMM's test guest\n"
/* The virtio console, always there, seen by the guest through the VMM's MMIO bus. */
#define CONSOLE_PROBE "testguest: virtio-mmio 0x2000000: magic ok, version 2, device 3\n"

static void normal_vm(void **state)
{
	struct vmm_config cfg = config(1, false, "console=ttyS0");
	struct run r = run_vm(&cfg, false, 0);

	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_string_equal(r.out,
		HELLO
		"testguest: normal VM\n"
		"testguest: cpus 1, memory 0x80000000 size 0x1000000\n"
		"testguest: bootargs 'console=ttyS0'\n"
		"testguest: avf vm-name 'e2e' instance-id 0x42\n"
		"testguest: PSCI 1.1\n"
		CONSOLE_PROBE
		"testguest: bye\n");
	assert_string_equal(r.error, "");
	assert_int_equal(r.st.console_bytes, strlen(r.out));
	assert_int_equal(r.st.unclaimed_mmio, 0);
	assert_true(r.st.mmio_exits >= r.st.console_bytes);	/* one THR write per byte */
	assert_true(r.st.insns > 1000);
	assert_int_equal(r.st.ram_pages, 4096);
	assert_int_equal(r.st.firmware_pages, 0);
}

#define SMP_LINES(n) \
	"testguest: CPU_ON cpu" #n ": ok\n" \
	"testguest: cpu" #n " up\n" \
	"testguest: cpu" #n " off again\n"

static void smp_vm(void **state)
{
	struct vmm_config cfg = config(3, false, NULL);
	struct run r = run_vm(&cfg, false, 7);

	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_string_equal(r.out,
		HELLO
		"testguest: normal VM\n"
		"testguest: cpus 3, memory 0x80000000 size 0x1000000\n"
		"testguest: bootargs ''\n"
		"testguest: avf vm-name 'e2e' instance-id 0x42\n"
		"testguest: PSCI 1.1\n"
		CONSOLE_PROBE
		SMP_LINES(1) SMP_LINES(2)
		"testguest: bye\n");
}

/* Every kind of device, in the documented order, found by the guest through its DT and
 * answering on the MMIO bus (the transports of docs/VIRTIO.md). */
static void all_devices(void **state)
{
	char dir[] = "/tmp/vmm-e2e-dev-XXXXXX", disk[64], sock[64], sw_path[64];
	struct vmm_config cfg = config(1, false, NULL);
	struct net_switch *sw;
	struct run r;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(disk, sizeof(disk), "%s/disk.img", dir);
	snprintf(sock, sizeof(sock), "%s/vsock", dir);
	snprintf(sw_path, sizeof(sw_path), "%s/switch", dir);
	f = fopen(disk, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 1 << 20), 0);
	fclose(f);
	assert_int_equal(net_switch_create(sw_path, NULL, &sw), 0);
	cfg.disks[0] = (struct vmm_disk){ disk, true };
	cfg.disks[1] = (struct vmm_disk){ disk, true };
	cfg.nr_disks = 2;
	cfg.vsock_cid = 7;
	cfg.vsock_uds = sock;
	cfg.net_switch = sw_path;
	cfg.rng = true;
	r = run_vm(&cfg, false, 0);
	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_non_null(strstr(r.out,
		"testguest: PSCI 1.1\n"
		CONSOLE_PROBE
		"testguest: virtio-mmio 0x2001000: magic ok, version 2, device 2\n"
		"testguest: virtio-mmio 0x2002000: magic ok, version 2, device 2\n"
		"testguest: virtio-mmio 0x2003000: magic ok, version 2, device 19\n"
		"testguest: virtio-mmio 0x2004000: magic ok, version 2, device 1\n"
		"testguest: virtio-mmio 0x2005000: magic ok, version 2, device 4\n"
		"testguest: bye\n"));
	net_switch_destroy(sw);
	unlink(disk);
	unlink(sw_path);
	rmdir(dir);
}

/*
 * Interrupts end to end: with testguest.irq=uart the guest enables its GIC and the
 * UART's THR-empty interrupt, and sends a line one byte per interrupt from its IRQ
 * handler while it sleeps in WFI. Every byte of that line went out because the VMM
 * raised INTID 32 through the hyp (SET_IRQ) and the guest took it; the count is exact:
 * one interrupt per byte plus the last one, which finds nothing to send.
 */
#define IRQ_MSG "testguest: this line was sent from the UART's interrupt handler, one " \
		"byte per THR-empty interrupt\n"
#define IRQ_LINES \
	"testguest: irq: UART on INTID 32, GIC ready\n" \
	IRQ_MSG \
	"testguest: irq: 99 interrupts on INTID 32 for 98 bytes, 0 other, 0 spurious\n"

static void uart_interrupts(void **state)
{
	struct vmm_config cfg = config(1, false, "testguest.irq=uart");
	struct run r = run_vm(&cfg, false, 3);

	assert_int_equal(strlen(IRQ_MSG), 98);
	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_string_equal(r.out,
		HELLO
		"testguest: normal VM\n"
		"testguest: cpus 1, memory 0x80000000 size 0x1000000\n"
		"testguest: bootargs 'testguest.irq=uart'\n"
		"testguest: avf vm-name 'e2e' instance-id 0x42\n"
		"testguest: PSCI 1.1\n"
		CONSOLE_PROBE
		IRQ_LINES
		"testguest: bye\n");
	assert_string_equal(r.error, "");
}

/*
 * A virtio device's interrupt: with testguest.irq=rng the guest drives the virtio-rng
 * (transport #1, SPI 17) with a minimal driver and sleeps in WFI until each request's
 * used-buffer interrupt; its handler reads InterruptStatus and ACKs it, which lowers the
 * line. Three requests, three interrupts, each with InterruptStatus = used buffer.
 */
static void virtio_interrupts(void **state)
{
	struct vmm_config cfg = config(1, false, "testguest.irq=rng");
	struct run r;

	cfg.rng = true;
	r = run_vm(&cfg, false, 4);
	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_non_null(strstr(r.out,
		CONSOLE_PROBE
		"testguest: virtio-mmio 0x2001000: magic ok, version 2, device 4\n"
		"testguest: irq: virtio-rng at 0x2001000 on INTID 49, GIC ready\n"
		"testguest: irq: request 1: 16 bytes, InterruptStatus 0x1\n"
		"testguest: irq: request 2: 16 bytes, InterruptStatus 0x1\n"
		"testguest: irq: request 3: 16 bytes, InterruptStatus 0x1\n"
		"testguest: irq: 3 interrupts on INTID 49 for 3 requests, 0 other, 0 spurious\n"
		"testguest: bye\n"));
	assert_string_equal(r.error, "");
}

/* The same in a protected VM with two vCPUs: the GIC is the hyp's, the UART the VMM's. */
static void uart_interrupts_protected(void **state)
{
	struct vmm_config cfg = config(2, true, "testguest.irq=uart");
	struct run r = run_vm(&cfg, false, 5);

	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_non_null(strstr(r.out, SMP_LINES(1) IRQ_LINES "testguest: bye\n"));
	assert_string_equal(r.error, "");
}

/* Protected, no firmware: the payload is entered directly, guards the UART's page. */
static void protected_vm(void **state)
{
	struct vmm_config cfg = config(2, true, NULL);
	struct run r = run_vm(&cfg, false, 0);

	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_string_equal(r.out,
		HELLO
		"testguest: protected VM (pKVM calls answered)\n"
		"testguest: cpus 2, memory 0x80000000 size 0x1000000\n"
		"testguest: bootargs ''\n"
		"testguest: avf vm-name 'e2e' instance-id 0x42 protected-vm\n"
		"testguest: PSCI 1.1\n"
		CONSOLE_PROBE
		SMP_LINES(1)
		"testguest: bye\n");
}

/* Protected with pvmfw: the hyp enters the firmware, which finds the payload in /avf. */
static void protected_vm_with_firmware(void **state)
{
	struct vmm_config cfg = config(1, true, "x=1");
	struct run r = run_vm(&cfg, true, 0);
	const char *second = strchr(r.out, '\n') + 1, *third = strchr(second, '\n') + 1;
	char payload[128];

	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_int_equal(strncmp(r.out, "testfw: firmware running at 0x7fc00000\n", 39), 0);
	/* The payload's size is the ELF's memory span: whatever the linker made it. */
	snprintf(payload, sizeof(payload), "testfw: payload 0x80000000 size 0x%llx, entering "
		 "it at 0x80000000\n", (unsigned long long)r.payload_size);
	assert_int_equal(strncmp(second, payload, strlen(payload)), 0);
	assert_string_equal(third,
		HELLO
		"testguest: protected VM (pKVM calls answered)\n"
		"testguest: cpus 1, memory 0x80000000 size 0x1000000\n"
		"testguest: bootargs 'x=1'\n"
		"testguest: avf vm-name 'e2e' instance-id 0x42 protected-vm\n"
		"testguest: PSCI 1.1\n"
		CONSOLE_PROBE
		"testguest: bye\n");
	assert_int_equal(r.st.firmware_pages, VMM_FW_SIZE / 4096);
}

static void ends(void **state)
{
	struct vmm_config cfg = config(1, false, "testguest.end=reset");
	struct run r = run_vm(&cfg, false, 0);

	assert_int_equal(r.end, VMM_END_REBOOT);
	assert_non_null(strstr(r.out, "testguest: SYSTEM_RESET\n"));
	assert_string_equal(r.error, "vcpu 0: the guest asked for a reset (PSCI SYSTEM_RESET)");

	cfg.bootargs = "testguest.end=crash";
	r = run_vm(&cfg, false, 0);
	assert_int_equal(r.end, VMM_END_CRASH);
	assert_string_equal(r.error, "vcpu 0: the guest faulted at IPA 0x10000000, where it has "
			    "neither memory nor a device the VMM can emulate");

	cfg.bootargs = "testguest.end=hang";
	r = run_vm(&cfg, false, 0);
	assert_int_equal(r.end, VMM_END_CRASH);
	assert_non_null(strstr(r.error, "the guest is hung"));

	cfg.bootargs = "testguest.end=spin";
	cfg.max_insns = 300000;
	r = run_vm(&cfg, false, 0);
	assert_int_equal(r.end, VMM_END_TIMEOUT);
	assert_int_equal(r.st.insns, 300000);
	assert_string_equal(r.error, "instruction limit reached: 300000 instructions");
}

/* A protected guest's fault is the hyp's business: the guest sees an abort, the VMM
 * nothing; the test guest then waits forever, which the sim reports as a hang. */
static void protected_fault_stays_inside(void **state)
{
	struct vmm_config cfg = config(1, true, "testguest.end=crash");
	struct run r = run_vm(&cfg, false, 0);

	assert_int_equal(r.end, VMM_END_CRASH);
	assert_non_null(strstr(r.out, "testguest: exception: ESR 0x86000010 FAR 0x10000000"));
	assert_non_null(strstr(r.error, "the guest is hung"));
}

/* Same images, configuration and seed: same bytes, same instruction count, same final
 * machine state. Another seed interleaves the vCPUs differently. */
static void deterministic(void **state)
{
	struct vmm_config cfg = config(2, false, NULL);
	struct run a = run_vm(&cfg, false, 11), b;
	char out_a[8192];

	snprintf(out_a, sizeof(out_a), "%s", a.out);
	b = run_vm(&cfg, false, 11);
	assert_string_equal(out_a, b.out);
	assert_int_equal(a.st.insns, b.st.insns);
	assert_int_equal(a.st.virtual_ns, b.st.virtual_ns);
	assert_int_equal(a.hash, b.hash);
	b = run_vm(&cfg, false, 12);
	assert_string_equal(out_a, b.out);	/* the guest serialises its output */
	assert_true(a.st.insns != b.st.insns || a.hash != b.hash);
}

static void stop_and_run_once(void **state)
{
	struct vmm_config cfg = config(1, false, "testguest.end=spin");
	struct vmm_host *host = host_for(false, 0);
	enum vmm_end end;
	struct vmm *v;

	assert_int_equal(vmm_create(host, &cfg, &v), 0);
	vmm_stop(v);
	assert_int_equal(vmm_run(v, &end), 0);
	assert_int_equal(end, VMM_END_KILLED);
	assert_int_equal(vmm_run(v, &end), -EBUSY);
	assert_int_equal(end, VMM_END_ERROR);
	assert_string_equal(vmm_end_name(VMM_END_KILLED), "killed");
	vmm_destroy(v);
	vmm_host_destroy(host);
}

/* Two VMs on one host, one thread, interleaved turn by turn (the scenario runner's
 * deterministic mode): both run to their end, each with its own console. */
static void two_vms_interleaved(void **state)
{
	struct vmm_config ca = config(2, false, NULL), cb = config(1, true, "b");
	struct vmm_host *host = host_for(false, 3);
	bool done_a = false, done_b = false, idle_a = false, idle_b = false;
	enum vmm_end end_a = VMM_END_ERROR, end_b = VMM_END_ERROR;
	struct vmm *a, *b;
	unsigned turns = 0;

	cb.console_out = out2_path;
	cb.name = "second";
	assert_int_equal(vmm_create(host, &ca, &a), 0);
	assert_int_equal(vmm_create(host, &cb, &b), 0);
	while (!(done_a && done_b) && turns++ < 100000) {
		if (!done_a)
			done_a = vmm_run_turn(a, &idle_a, &end_a) == 1;
		if (!done_b)
			done_b = vmm_run_turn(b, &idle_b, &end_b) == 1;
		if (!(done_a && done_b) && (done_a || idle_a) && (done_b || idle_b))
			assert_int_equal(vmm_host_advance_idle(host), 0);
	}
	assert_int_equal(end_a, VMM_END_SHUTDOWN);
	assert_int_equal(end_b, VMM_END_SHUTDOWN);
	assert_true(turns > 2);		/* they really were interleaved */
	assert_non_null(strstr(slurp(out_path), SMP_LINES(1) "testguest: bye\n"));
	assert_non_null(strstr(slurp(out2_path), "vm-name 'second' instance-id 0x42 "
					       "protected-vm\n"));
	vmm_destroy(a);
	vmm_destroy(b);
	vmm_host_destroy(host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normal_vm),
		cmocka_unit_test(smp_vm),
		cmocka_unit_test(all_devices),
		cmocka_unit_test(protected_vm),
		cmocka_unit_test(protected_vm_with_firmware),
		cmocka_unit_test(uart_interrupts),
		cmocka_unit_test(uart_interrupts_protected),
		cmocka_unit_test(virtio_interrupts),
		cmocka_unit_test(ends),
		cmocka_unit_test(protected_fault_stays_inside),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(stop_and_run_once),
		cmocka_unit_test(two_vms_interleaved),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
