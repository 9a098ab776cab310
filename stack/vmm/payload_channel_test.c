// SPDX-License-Identifier: MIT
/*
 * The VM-to-host channel (payload_channel.c), the scenario hooks and the host's access to
 * guest memory (vmm.h), and the VMM's injected crashes, on the sim with the real hyp.
 *
 * The guests are a few hand-encoded A64 instructions (a raw image at the RAM base): set
 * x0..x6, HVC #0, repeat, PSCI SYSTEM_OFF. The hooks record what they saw; the
 * assertions run after the VM ended, on the test's thread.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/fault/fault.h"
#include "stack/guest/include/avf_hvc.h"
#include "stack/vmm/vmm_internal.h"

#define RAM		VMM_RAM_BASE
#define SCRATCH		(RAM + 0x10000)		/* a page the guests share and use */
#define MAX_INSNS	512

/* ---- a tiny A64 assembler ---- */

struct prog {
	uint32_t insn[MAX_INSNS];
	unsigned n;
};

static void emit(struct prog *p, uint32_t insn)
{
	assert_true(p->n < MAX_INSNS);
	p->insn[p->n++] = insn;
}

/* MOVZ + MOVK: xN = val. */
static void mov64(struct prog *p, unsigned reg, uint64_t val)
{
	emit(p, 0xd2800000u | (uint32_t)(val & 0xffff) << 5 | reg);
	for (unsigned hw = 1; hw < 4; hw++)
		if ((val >> (16 * hw)) & 0xffff)
			emit(p, 0xf2800000u | hw << 21 |
				(uint32_t)((val >> (16 * hw)) & 0xffff) << 5 | reg);
}

/* x0 = fn, x1..x6 = args[0..5], HVC #0. */
static void hvc(struct prog *p, uint32_t fn, unsigned nargs, const uint64_t *args)
{
	mov64(p, 0, fn);
	for (unsigned i = 0; i < nargs; i++)
		mov64(p, 1 + i, args[i]);
	emit(p, 0xd4000002u);
}

static void hvc1(struct prog *p, uint32_t fn, uint64_t a1)
{
	hvc(p, fn, 1, &a1);
}

/* MARK with x1 = the previous call's x0 (mov x1, x0 first). */
static void mark_result(struct prog *p)
{
	emit(p, 0xaa0003e1u);			/* mov x1, x0 */
	mov64(p, 0, AVF_HVC_TEST_MARK);
	emit(p, 0xd4000002u);
}

/* ERROR_TEXT calls for text, then ERROR(code, strlen(text)). */
static void error_report(struct prog *p, int32_t code, const char *text)
{
	size_t len = strlen(text);

	for (size_t off = 0; off < len; off += 40) {
		uint64_t a[6] = { off };

		for (size_t i = 0; i < 40 && off + i < len; i++)
			a[1 + i / 8] |= (uint64_t)(uint8_t)text[off + i] << (8 * (i % 8));
		hvc(p, AVF_HVC_PAYLOAD_ERROR_TEXT, 6, a);
	}
	hvc(p, AVF_HVC_PAYLOAD_ERROR, 2, (uint64_t[]){ (uint64_t)(int64_t)code, len });
}

static void system_off(struct prog *p)
{
	mov64(p, 0, AVF_PSCI_SYSTEM_OFF);
	emit(p, 0xd4000002u);
	emit(p, 0x14000000u);			/* b . */
}

/* ---- running one VM ---- */

struct seen {
	struct vmm_payload_event ev[8];
	unsigned nr_ev;
	uint64_t marks[16];
	unsigned nr_marks;
	unsigned waits;			/* WAIT calls seen */
	unsigned hold_waits;		/* answer WAIT with 1 this many times */
	bool take_other;		/* answer BASE + 0x20 with 0x77 */
	/* memory probes, by mark number (mark 1..4) */
	int probe_err[8][3];
	uint8_t probe_byte[8];
};

static void on_payload(void *ctx, struct vmm *v, const struct vmm_payload_event *ev)
{
	struct seen *s = ctx;

	if (s->nr_ev < 8)
		s->ev[s->nr_ev++] = *ev;
}

/* At a mark, probe the host's access to guest memory. */
static void probe_memory(struct seen *s, struct vmm *v, uint64_t mark)
{
	uint8_t b = 0;

	if (mark >= 8)
		return;
	s->probe_err[mark][0] = vmm_read_guest(v, SCRATCH, &b, 1);
	s->probe_byte[mark] = b;
	s->probe_err[mark][1] = vmm_write_guest(v, SCRATCH + 8, "host", 4);
	/* Outside the VM's memory, in front of RAM and across its end. */
	s->probe_err[mark][2] = vmm_read_guest(v, 0x1000, &b, 1) == -EFAULT &&
				vmm_read_guest(v, RAM + (16ull << 20) - 4, &b, 8) == -EFAULT &&
				vmm_write_guest(v, UINT64_MAX - 2, &b, 4) == -EFAULT;
}

static int on_hypercall(void *ctx, struct vmm *v, unsigned vcpu, uint32_t fn, uint64_t a1,
			uint64_t a2, uint64_t a3, uint64_t *x0)
{
	struct seen *s = ctx;

	if (fn == AVF_HVC_TEST_MARK) {
		if (s->nr_marks < 16)
			s->marks[s->nr_marks++] = a1;
		probe_memory(s, v, a1);
		return 0;	/* declined: the default answer (0) */
	}
	if (fn == AVF_HVC_TEST_WAIT) {
		s->waits++;
		if (s->hold_waits) {
			s->hold_waits--;
			*x0 = 1;
			return 1;
		}
		return 0;
	}
	if (fn == AVF_HVC_BASE + 0x20 && s->take_other) {
		*x0 = 0x77;
		return 1;
	}
	return 0;
}

static char image_path[] = "/tmp/vmm-payload-test-XXXXXX";

struct result {
	enum vmm_end end;
	char error[512];
	struct vmm_stats st;
};

static struct result run_prog(const struct prog *p, bool protected_vm, struct seen *s,
			      const char *vsock_uds)
{
	struct vmm_host_config hc = { .phys_mib = 48, .seed = 3 };
	struct vmm_config c = { .name = "pc", .nr_vcpus = 1, .mem_mib = 16,
				.protected_vm = protected_vm, .kernel = image_path,
				.kind = VMM_IMAGE_RAW, .console_out = "/dev/null",
				.hook_ctx = s, .on_payload = on_payload,
				.on_hypercall = s ? on_hypercall : NULL,
				.vsock_cid = vsock_uds ? 3 : 0, .vsock_uds = vsock_uds };
	struct vmm_host *host;
	struct result r = { 0 };
	struct vmm *v;
	FILE *f = fopen(image_path, "wb");

	if (!s)
		c.on_payload = NULL;
	assert_non_null(f);
	assert_int_equal(fwrite(p->insn, 4, p->n, f), p->n);
	fclose(f);
	assert_int_equal(vmm_host_create(&hc, &host), 0);
	assert_int_equal(vmm_create(host, &c, &v), 0);
	vmm_run(v, &r.end);
	snprintf(r.error, sizeof(r.error), "%s", vmm_error(v));
	vmm_get_stats(v, &r.st);
	vmm_destroy(v);
	vmm_host_destroy(host);
	return r;
}

static int teardown_group(void **state)
{
	unlink(image_path);
	return 0;
}

static int setup_group(void **state)
{
	int fd = mkstemp(image_path);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* ---- the runtime's reports ---- */

/* READY, an error whose text spans two ERROR_TEXT calls, FINISHED(-3). */
static void build_reports(struct prog *p)
{
	hvc(p, AVF_HVC_PAYLOAD_READY, 0, NULL);
	error_report(p, 7, "boom\nthis message is longer than forty bytes, really");
	hvc1(p, AVF_HVC_PAYLOAD_FINISHED, (uint64_t)-3);
	system_off(p);
}

#define BOOM "boom?this message is longer than forty bytes, really"

static void assert_reports(const struct seen *s)
{
	assert_int_equal(s->nr_ev, 3);
	assert_int_equal(s->ev[0].kind, VMM_PAYLOAD_READY);
	assert_int_equal(s->ev[0].code, 0);
	assert_string_equal(s->ev[0].message, "");
	assert_int_equal(s->ev[1].kind, VMM_PAYLOAD_ERROR);
	assert_int_equal(s->ev[1].code, 7);
	assert_string_equal(s->ev[1].message, BOOM);	/* the newline sanitised */
	assert_int_equal(s->ev[2].kind, VMM_PAYLOAD_FINISHED);
	assert_int_equal(s->ev[2].code, -3);
}

static void reports_reach_the_hook(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };
	struct result r;

	build_reports(&p);
	r = run_prog(&p, false, &s, NULL);
	assert_int_equal(r.end, VMM_END_SHUTDOWN);
	assert_reports(&s);
	assert_int_equal(r.st.payload_events, 3);
	assert_int_equal(r.st.hypercall_exits, 5);	/* READY, 2 TEXT, ERROR, FINISHED */
}

static void reports_of_a_protected_vm(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };

	build_reports(&p);
	assert_int_equal(run_prog(&p, true, &s, NULL).end, VMM_END_SHUTDOWN);
	assert_reports(&s);
}

/* A text piece out of order is ignored; the length bounds the message; a longer length
 * than what arrived is cut to what arrived; the text restarts after each ERROR. */
static void error_text_is_checked(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };

	/* Every text call sets all of x1..x6 (the rest of the 40 bytes NUL). */
	hvc(&p, AVF_HVC_PAYLOAD_ERROR_TEXT, 6, (uint64_t[6]){ 40, 0x4141414141414141ull });
	hvc(&p, AVF_HVC_PAYLOAD_ERROR_TEXT, 6, (uint64_t[6]){ 0, 0x6867666564636261ull });
	hvc(&p, AVF_HVC_PAYLOAD_ERROR, 2, (uint64_t[]){ 1, 3 });
	hvc(&p, AVF_HVC_PAYLOAD_ERROR_TEXT, 6, (uint64_t[6]){ 0, 0x7a79ull });
	hvc(&p, AVF_HVC_PAYLOAD_ERROR, 2, (uint64_t[]){ (uint64_t)-1, 1000 });
	hvc(&p, AVF_HVC_PAYLOAD_ERROR, 2, (uint64_t[]){ 2, 5 });
	system_off(&p);
	assert_int_equal(run_prog(&p, false, &s, NULL).end, VMM_END_SHUTDOWN);
	assert_int_equal(s.nr_ev, 3);
	assert_string_equal(s.ev[0].message, "abc");
	assert_int_equal(s.ev[1].code, -1);
	assert_string_equal(s.ev[1].message, "yz");
	assert_int_equal(s.ev[2].code, 2);
	assert_string_equal(s.ev[2].message, "");
}

/* The relay: the same events as lines on <vsock_uds>_5000, as the service reads them. */
static void reports_are_relayed(void **state)
{
	char dir[] = "/tmp/vmm-relay-XXXXXX", uds[64], port[80], buf[512];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct prog p = { 0 };
	struct seen s = { 0 };
	size_t got = 0;
	ssize_t n;
	int l, c;

	assert_non_null(mkdtemp(dir));
	snprintf(uds, sizeof(uds), "%s/vsock", dir);
	snprintf(port, sizeof(port), "%s_5000", uds);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", port);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l, 1), 0);
	build_reports(&p);
	assert_int_equal(run_prog(&p, false, &s, uds).end, VMM_END_SHUTDOWN);
	assert_reports(&s);
	c = accept(l, NULL, NULL);	/* connected during the run, closed at teardown */
	assert_true(c >= 0);
	while ((n = read(c, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	assert_string_equal(buf, "ready\nerror 7 " BOOM "\nfinished -3\n");
	close(c);
	close(l);
	unlink(port);
	rmdir(dir);
}

/* Nobody listening: the VM is not affected, the hook still hears everything. */
static void relay_without_listener(void **state)
{
	char dir[] = "/tmp/vmm-relay-XXXXXX", uds[64];
	struct prog p = { 0 };
	struct seen s = { 0 };

	assert_non_null(mkdtemp(dir));
	snprintf(uds, sizeof(uds), "%s/vsock", dir);
	build_reports(&p);
	assert_int_equal(run_prog(&p, false, &s, uds).end, VMM_END_SHUTDOWN);
	assert_reports(&s);
	rmdir(dir);
}

/* ---- test calls ---- */

static void build_test_calls(struct prog *p)
{
	unsigned loop;

	hvc1(p, AVF_HVC_TEST_MARK, 5);
	mark_result(p);				/* MARK's own answer */
	loop = p->n;
	hvc1(p, AVF_HVC_TEST_WAIT, 9);
	emit(p, 0xb5000000u | ((uint32_t)(loop - p->n) & 0x7ffff) << 5);	/* cbnz x0 */
	mark_result(p);				/* WAIT's final answer */
	hvc1(p, AVF_HVC_BASE + 0x20, 1);
	mark_result(p);				/* another call of the block */
	hvc1(p, AVF_HVC_BASE + 0x100, 1);
	mark_result(p);				/* outside the block */
	system_off(p);
}

static void test_calls_with_hook(void **state)
{
	struct prog p = { 0 };
	struct seen s = { .hold_waits = 2, .take_other = true };

	build_test_calls(&p);
	assert_int_equal(run_prog(&p, false, &s, NULL).end, VMM_END_SHUTDOWN);
	assert_int_equal(s.waits, 3);		/* held twice, released the third time */
	assert_int_equal(s.nr_marks, 5);
	assert_int_equal(s.marks[0], 5);
	assert_int_equal(s.marks[1], 0);
	assert_int_equal(s.marks[2], 0);
	assert_int_equal(s.marks[3], 0x77);
	assert_int_equal(s.marks[4], AVF_SMCCC_NOT_SUPPORTED);
}

/* With a hook that declines everything: MARK 0, WAIT released at once, others
 * NOT_SUPPORTED. Without any hook the guest runs the same way to its end. */
static void test_calls_defaults(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };

	build_test_calls(&p);
	assert_int_equal(run_prog(&p, false, &s, NULL).end, VMM_END_SHUTDOWN);
	assert_int_equal(s.waits, 1);
	assert_int_equal(s.nr_marks, 5);
	assert_int_equal(s.marks[1], 0);
	assert_int_equal(s.marks[2], 0);
	assert_int_equal(s.marks[3], AVF_SMCCC_NOT_SUPPORTED);
	assert_int_equal(s.marks[4], AVF_SMCCC_NOT_SUPPORTED);
	assert_int_equal(run_prog(&p, false, NULL, NULL).end, VMM_END_SHUTDOWN);
}

/* ---- the host's access to guest memory ---- */

/* Guest: MARK 1; MEM_SHARE(SCRATCH); MARK 2; x1 = [SCRATCH + 8]; MARK(x1);
 * MEM_UNSHARE(SCRATCH); MARK 3; SYSTEM_OFF. */
static void build_memory_guest(struct prog *p)
{
	mov64(p, 2, SCRATCH);
	mov64(p, 1, 0x5a);
	emit(p, 0x39000041u);			/* strb w1, [x2] */
	hvc1(p, AVF_HVC_TEST_MARK, 1);
	hvc1(p, AVF_HVC_PKVM_MEM_SHARE, SCRATCH);
	hvc1(p, AVF_HVC_TEST_MARK, 2);
	mov64(p, 2, SCRATCH + 8);
	emit(p, 0xb9400041u);			/* ldr w1, [x2] */
	mov64(p, 0, AVF_HVC_TEST_MARK);
	emit(p, 0xd4000002u);
	hvc1(p, AVF_HVC_PKVM_MEM_UNSHARE, SCRATCH);
	hvc1(p, AVF_HVC_TEST_MARK, 3);
	system_off(p);
}

static void host_access_protected_vm(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };

	build_memory_guest(&p);
	assert_int_equal(run_prog(&p, true, &s, NULL).end, VMM_END_SHUTDOWN);
	assert_int_equal(s.nr_marks, 4);
	/* Private: the hyp keeps the host out. */
	assert_int_equal(s.probe_err[1][0], -EPERM);
	assert_int_equal(s.probe_err[1][1], -EPERM);
	assert_true(s.probe_err[1][2]);
	/* Shared by the guest: the host reads its byte and writes where the guest reads. */
	assert_int_equal(s.probe_err[2][0], 0);
	assert_int_equal(s.probe_byte[2], 0x5a);
	assert_int_equal(s.probe_err[2][1], 0);
	assert_int_equal(s.marks[2], 0x74736f68);	/* "host", as the guest read it */
	/* Unshared again: out of reach. */
	assert_int_equal(s.probe_err[3][0], -EPERM);
	assert_int_equal(s.probe_err[3][1], -EPERM);
}

static void host_access_normal_vm(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };

	build_memory_guest(&p);
	assert_int_equal(run_prog(&p, false, &s, NULL).end, VMM_END_SHUTDOWN);
	assert_int_equal(s.nr_marks, 4);
	assert_int_equal(s.probe_err[1][0], 0);		/* shared from the start */
	assert_int_equal(s.probe_byte[1], 0x5a);
	assert_int_equal(s.probe_err[1][1], 0);
	assert_true(s.probe_err[1][2]);
	assert_int_equal(s.marks[2], 0x74736f68);
}

/* ---- injected crashes ---- */

static void crash_boot(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };
	struct result r;

	build_reports(&p);
	assert_int_equal(fault_configure("vmm.crash.boot:vm=pc", NULL, 0), 0);
	r = run_prog(&p, false, &s, NULL);
	assert_int_equal(r.end, VMM_END_CRASH);
	assert_string_equal(r.error, "injected fault: vmm.crash.boot");
	assert_int_equal(s.nr_ev, 0);			/* the guest never ran */
	assert_int_equal(r.st.hypercall_exits, 0);
	/* A rule for another VM leaves this one alone. */
	assert_int_equal(fault_configure("vmm.crash.boot:vm=other", NULL, 0), 0);
	assert_int_equal(run_prog(&p, false, &s, NULL).end, VMM_END_SHUTDOWN);
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
}

static void crash_ready(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };
	struct result r;

	hvc1(&p, AVF_HVC_TEST_MARK, 1);
	build_reports(&p);
	assert_int_equal(fault_configure("vmm.crash.ready", NULL, 0), 0);
	r = run_prog(&p, false, &s, NULL);
	assert_int_equal(r.end, VMM_END_CRASH);
	assert_string_equal(r.error, "injected fault: vmm.crash.ready");
	assert_int_equal(s.nr_marks, 1);		/* it ran up to READY */
	assert_int_equal(s.nr_ev, 0);			/* READY was never reported */
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
}

static void crash_mmio(void **state)
{
	struct prog p = { 0 };
	struct seen s = { 0 };
	struct result r;

	hvc1(&p, AVF_HVC_TEST_MARK, 1);
	mov64(&p, 2, VMM_UART_BASE);
	emit(&p, 0x39000041u);				/* strb w1, [x2]: an MMIO exit */
	hvc1(&p, AVF_HVC_TEST_MARK, 2);
	system_off(&p);
	assert_int_equal(fault_configure("vmm.crash.mmio:at=1", NULL, 0), 0);
	r = run_prog(&p, false, &s, NULL);
	assert_int_equal(r.end, VMM_END_CRASH);
	assert_string_equal(r.error, "injected fault: vmm.crash.mmio");
	assert_int_equal(s.nr_marks, 1);
	assert_int_equal(r.st.mmio_exits, 1);
	assert_int_equal(fault_configure(NULL, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reports_reach_the_hook),
		cmocka_unit_test(reports_of_a_protected_vm),
		cmocka_unit_test(error_text_is_checked),
		cmocka_unit_test(reports_are_relayed),
		cmocka_unit_test(relay_without_listener),
		cmocka_unit_test(test_calls_with_hook),
		cmocka_unit_test(test_calls_defaults),
		cmocka_unit_test(host_access_protected_vm),
		cmocka_unit_test(host_access_normal_vm),
		cmocka_unit_test(crash_boot),
		cmocka_unit_test(crash_ready),
		cmocka_unit_test(crash_mmio),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
