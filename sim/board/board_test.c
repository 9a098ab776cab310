// SPDX-License-Identifier: MIT
/*
 * The whole board (board.c, run.c) on the sim: tiny guests, hand-assembled below, run
 * to one of the exit statuses, and what the board left in RAM and registers is checked.
 * Each guest is a raw image at RAM + 512 KiB unless said otherwise.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/image/test_util.h"
#include "sim/board/board_priv.h"
#include "sim/board/virt.h"

/* ---- a small A64 assembler ---- */

#define HVC0		0xd4000002u
#define SMC1		0xd4000023u
#define WFI		0xd503207fu
#define ISB		0xd5033fdfu
#define UDF0		0x00000000u
#define PSCI_CPU_ON64	0xc4000003u
#define PSCI_CPU_OFF	0x84000002u
#define PSCI_SYS_OFF	0x84000008u
#define PSCI_SYS_RESET	0x84000009u

#define PROG_WORDS 1024

struct prog {
	uint32_t w[PROG_WORDS];
	unsigned n;
};

static void emit(struct prog *p, uint32_t insn)
{
	assert_true(p->n < PROG_WORDS);
	p->w[p->n++] = insn;
}

/* Pad with zeros (UDF #0) up to byte offset off of the image. */
static void org(struct prog *p, unsigned off)
{
	assert_true(off % 4 == 0 && off / 4 >= p->n && off / 4 <= PROG_WORDS);
	while (p->n < off / 4)
		p->w[p->n++] = 0;
}

/* mov xd, #v (movz + movk as needed). */
static void mov64(struct prog *p, unsigned rd, uint64_t v)
{
	emit(p, 0xd2800000u | (uint32_t)(v & 0xffff) << 5 | rd);
	for (unsigned hw = 1; hw < 4; hw++)
		if ((v >> (16 * hw)) & 0xffff)
			emit(p, 0xf2800000u | hw << 21 | (uint32_t)((v >> (16 * hw)) & 0xffff) << 5 | rd);
}

static uint32_t sysreg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	return (op0 - 2) << 19 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5;
}

#define MSR(sr, rt)	(0xd5100000u | (sr) | (rt))
#define MRS(rt, sr)	(0xd5300000u | (sr) | (rt))
#define VBAR_EL1	sysreg(3, 0, 12, 0, 0)
#define CNTVCT_EL0	sysreg(3, 3, 14, 0, 2)
#define CNTV_CTL_EL0	sysreg(3, 3, 14, 3, 1)
#define CNTV_CVAL_EL0	sysreg(3, 3, 14, 3, 2)
#define ADD_IMM(rd, rn, imm)	(0x91000000u | (imm) << 10 | (rn) << 5 | (rd))
#define STRB(rt, rn)	(0x39000000u | (rn) << 5 | (rt))
#define LDR_W(rt, rn)	(0xb9400000u | (rn) << 5 | (rt))
#define BR(rn)		(0xd61f0000u | (rn) << 5)
#define B(words)	(0x14000000u | ((uint32_t)(words) & 0x3ffffff))
#define CMN1(rn)	(0xb100041fu | (rn) << 5)	/* cmn xn, #1 */
#define BNE(words)	(0x54000001u | ((uint32_t)(words) & 0x7ffff) << 5)

static void psci(struct prog *p, uint32_t fn)
{
	mov64(p, 0, fn);
	emit(p, HVC0);
}

static void putc_uart(struct prog *p, char ch)
{
	mov64(p, 1, VIRT_UART_BASE);
	mov64(p, 2, (uint8_t)ch);
	emit(p, STRB(2, 1));
}

/* ---- running ---- */

/* Defaults with 16 MiB of RAM: RAM is calloc'ed, keep the tests light. */
static void small_config(struct board_config *cfg)
{
	board_config_defaults(cfg);
	cfg->mem_size = 16 << 20;
}

struct run {
	struct board *b;
	FILE *console;
	char *text;
	size_t len;
	struct img_error err;
	enum board_status status;
	struct board_stats st;
};

static void run_close(struct run *r)
{
	board_destroy(r->b);
	fclose(r->console);
	free(r->text);
}

/* Create a board from cfg (defaults if NULL) and load the program as a raw image. */
static void run_load(struct run *r, const struct board_config *cfg, const struct prog *p)
{
	struct board_config def;
	uint8_t bytes[sizeof(p->w)];

	memset(r, 0, sizeof(*r));
	if (!cfg) {
		small_config(&def);
		cfg = &def;
	}
	r->console = open_memstream(&r->text, &r->len);
	assert_non_null(r->console);
	if (board_create(cfg, r->console, NULL, &r->b, &r->err))
		fail_msg("board_create: %s", r->err.msg);
	for (unsigned i = 0; i < p->n; i++)
		put_le32(bytes + 4 * i, p->w[i]);
	if (board_load(r->b, bytes, p->n * 4, false, NULL, 0, &r->err))
		fail_msg("board_load: %s", r->err.msg);
}

static void run_go(struct run *r)
{
	r->status = board_run(r->b, &r->err);
	board_get_stats(r->b, &r->st);
	fflush(r->console);
}

static void run_prog(struct run *r, const struct board_config *cfg, const struct prog *p)
{
	run_load(r, cfg, p);
	run_go(r);
}

static void assert_msg_contains(const struct img_error *err, const char *needle)
{
	if (!strstr(err->msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err->msg, needle);
}

/* ---- tests ---- */

static void system_off(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	psci(&p, PSCI_SYS_OFF);
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_POWEROFF);
	assert_int_equal(r.st.retired, 3);	/* movz, movk, hvc */
	assert_int_equal(r.len, 0);
	run_close(&r);
}

static void console_output(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	putc_uart(&p, 'h');
	putc_uart(&p, 'i');
	putc_uart(&p, '\n');
	psci(&p, PSCI_SYS_OFF);
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_POWEROFF);
	assert_int_equal(r.len, 3);
	assert_memory_equal(r.text, "hi\n", 3);
	assert_int_equal(r.st.console_bytes, 3);
	run_close(&r);
}

static void system_reset(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	psci(&p, PSCI_SYS_RESET);
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_RESET);
	assert_msg_contains(&r.err, "system reset (PSCI SYSTEM_RESET)");
	run_close(&r);
}

static void hung_in_wfi(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	emit(&p, WFI);
	emit(&p, B(-1));
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_GUEST);
	assert_string_equal(r.err.msg, "the guest is hung: every powered CPU is waiting for an "
			    "interrupt (WFI), none is pending and no timer is armed (cpu0 PC "
			    "0x40080004)");
	run_close(&r);
}

static void max_insns(void **state)
{
	struct board_config cfg;
	struct prog p = { .n = 0 };
	struct run r;

	emit(&p, B(0));
	small_config(&cfg);
	cfg.max_insns = 12345;
	run_prog(&r, &cfg, &p);
	assert_int_equal(r.status, BOARD_EXIT_MAX_INSNS);
	assert_int_equal(r.st.retired, 12345);
	assert_string_equal(r.err.msg, "instruction limit reached: 12345 instructions retired "
			    "(--max-insns) without PSCI SYSTEM_OFF");
	run_close(&r);
}

/*
 * A guest spinning over several quanta right after reset (VBAR_EL1, ELR_EL1 and ESR_EL1
 * all 0) is not looping on exceptions: only --max-insns stops it.
 */
static void spinning_is_not_a_fault_loop(void **state)
{
	struct board_config cfg;
	struct prog p = { .n = 0 };
	struct run r;

	emit(&p, B(0));
	small_config(&cfg);
	cfg.max_insns = 5u << 20;	/* five quanta */
	run_prog(&r, &cfg, &p);
	assert_int_equal(r.status, BOARD_EXIT_MAX_INSNS);
	assert_int_equal(r.st.retired, 5u << 20);
	run_close(&r);
}

/*
 * A jump to unassigned space with VBAR_EL1 = 0: the sim raises the instruction aborts
 * itself, the vector fetch faults forever.
 */
static void fetch_fault_loop(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	mov64(&p, 1, 0x0a000000);
	emit(&p, BR(1));
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_GUEST);
	assert_msg_contains(&r.err, "cpu0: the guest is looping on exceptions: an exception "
			    "taken from its own vector table (ELR_EL1 0x200, ESR_EL1 0x86000010");
	run_close(&r);
}

/*
 * A load from unassigned space whose handler (at the vector) does the same load: each
 * abort is injected by the board, at the same PC and address, again and again.
 */
static void data_fault_loop_at_vector(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	mov64(&p, 1, 0x0a000000);
	mov64(&p, 2, 0x40080800);
	emit(&p, MSR(VBAR_EL1, 2));
	emit(&p, ISB);
	emit(&p, LDR_W(0, 1));
	org(&p, 0xa00);		/* VBAR + 0x200: current EL with SP_ELx, synchronous */
	emit(&p, LDR_W(0, 1));
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_GUEST);
	assert_string_equal(r.err.msg, "cpu0: the guest is looping on faults: 16 external "
			    "aborts in a row at PC 0x40080a00 for address 0xa000000, inside the "
			    "exception vector table (VBAR_EL1 0x40080800)");
	run_close(&r);
}

/* The same handler, but it skips the load (ELR += 4): the guest goes on and powers off. */
static void data_fault_handled(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	mov64(&p, 1, 0x0a000000);
	mov64(&p, 2, 0x40080800);
	emit(&p, MSR(VBAR_EL1, 2));
	emit(&p, ISB);
	emit(&p, LDR_W(0, 1));
	psci(&p, PSCI_SYS_OFF);
	org(&p, 0xa00);
	emit(&p, MRS(3, sysreg(3, 0, 4, 0, 1)));	/* mrs x3, elr_el1 */
	emit(&p, ADD_IMM(3, 3, 4));
	emit(&p, MSR(sysreg(3, 0, 4, 0, 1), 3));
	emit(&p, 0xd69f03e0u);				/* eret */
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_POWEROFF);
	run_close(&r);
}

/* Vectors in zeroed RAM: an undefined instruction at the vector, taken forever. */
static void exception_loop_at_vectors(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	mov64(&p, 1, 0x40010000);
	emit(&p, MSR(VBAR_EL1, 1));
	emit(&p, ISB);
	emit(&p, UDF0);
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_GUEST);
	assert_msg_contains(&r.err, "cpu0: the guest is looping on exceptions: an exception "
			    "taken from its own vector table (ELR_EL1 0x40010200, ESR_EL1 "
			    "0x2000000");
	run_close(&r);
}

/*
 * Unknown hypercalls answer -1 (SMCCC NOT_SUPPORTED) and the guest goes on. (SMC is
 * UNDEFINED on this board, as on QEMU's virt: the exceptions image checks that against
 * QEMU.)
 */
static void unknown_calls(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	mov64(&p, 0, 0xc6000002);
	emit(&p, HVC0);
	emit(&p, CMN1(0));
	emit(&p, BNE(3));	/* to the reset below */
	psci(&p, PSCI_SYS_OFF);
	psci(&p, PSCI_SYS_RESET);
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_POWEROFF);
	run_close(&r);
}

/* CPU 0 starts CPU 1, which powers the system off; CPU 0 sleeps meanwhile. */
static void secondary_cpu(void **state)
{
	struct board_config cfg;
	struct prog p = { .n = 0 };
	unsigned second;
	struct run r;

	small_config(&cfg);
	cfg.smp = 2;
	mov64(&p, 0, PSCI_CPU_ON64);
	mov64(&p, 1, 1);
	mov64(&p, 2, 0x40080000 + 4 * 32);
	mov64(&p, 3, 0);
	emit(&p, HVC0);
	emit(&p, WFI);
	emit(&p, B(-1));
	second = p.n;
	while (p.n < 32)
		emit(&p, 0xd503201fu);	/* nop up to the entry of CPU 1 */
	(void)second;
	putc_uart(&p, '1');
	psci(&p, PSCI_SYS_OFF);
	run_load(&r, &cfg, &p);
	assert_false(sim_cpu_is_on(r.b->cpus[1]));	/* secondaries start off */
	run_go(&r);
	assert_int_equal(r.status, BOARD_EXIT_POWEROFF);
	assert_int_equal(r.len, 1);
	assert_int_equal(r.text[0], '1');
	run_close(&r);
}

static void all_cpus_off(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	psci(&p, PSCI_CPU_OFF);
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_GUEST);
	assert_string_equal(r.err.msg, "every CPU is powered off (PSCI CPU_OFF) and none is "
			    "left to call SYSTEM_OFF");
	run_close(&r);
}

/*
 * WFI with the virtual timer armed (its PPI not enabled in the GIC): time jumps to the
 * deadline, the CPU wakes; a second WFI can never end: hung.
 */
static void timer_wakes_wfi(void **state)
{
	struct prog p = { .n = 0 };
	struct run r;

	emit(&p, MRS(1, CNTVCT_EL0));
	emit(&p, ADD_IMM(1, 1, 1000));
	emit(&p, MSR(CNTV_CVAL_EL0, 1));
	mov64(&p, 2, 1);
	emit(&p, MSR(CNTV_CTL_EL0, 2));
	emit(&p, WFI);
	putc_uart(&p, 'w');
	emit(&p, WFI);
	psci(&p, PSCI_SYS_OFF);
	run_prog(&r, NULL, &p);
	assert_int_equal(r.status, BOARD_EXIT_GUEST);
	assert_msg_contains(&r.err, "the guest is hung");
	assert_int_equal(r.len, 1);
	/* 1000 ticks of 62.5 MHz are 16 us; the guest retired far fewer instructions. */
	assert_true(r.st.virtual_ns >= 16000);
	assert_true(r.st.retired < 100);
	run_close(&r);
}

/* Linux-style boot: x0 = DTB (at 0x44000000 with 128 MiB), x4 = entry, stub in RAM. */
static void linux_boot_state(void **state)
{
	struct board_config cfg;
	struct prog p = { .n = 0 };
	uint64_t x0, x4, pc;
	uint32_t magic, stub0;
	struct run r;

	psci(&p, PSCI_SYS_OFF);
	board_config_defaults(&cfg);	/* QEMU's 128 MiB */
	run_load(&r, &cfg, &p);
	assert_int_equal(sim_cpu_get_reg(r.b->cpus[0], SIM_REG_X0, &x0), 0);
	assert_int_equal(sim_cpu_get_reg(r.b->cpus[0], SIM_REG_X0 + 4, &x4), 0);
	assert_int_equal(sim_cpu_get_reg(r.b->cpus[0], SIM_REG_PC, &pc), 0);
	assert_int_equal(x0, 0x44000000);
	assert_int_equal(x4, 0x40080000);
	assert_int_equal(pc, 0x40080000);
	assert_int_equal(sim_phys_read(r.b->m, x0, &magic, 4), 0);
	assert_int_equal(magic, 0xedfe0dd0);	/* 0xd00dfeed, big endian */
	assert_int_equal(sim_phys_read(r.b->m, VIRT_RAM_BASE, &stub0, 4), 0);
	assert_int_equal(stub0, 0x580000c0);
	assert_true(board_boot_info(r.b)->has_dtb);
	run_close(&r);
}

/* A bare ELF at RAM + 512 KiB: no DTB anywhere, x0 = 0, as on QEMU. */
static void elf_boot_state(void **state)
{
	static uint8_t elf[0x1000 + 16];
	struct telf_seg s = {
		.type = 1, .flags = 5, .offset = 0x1000, .vaddr = 0x40080000,
		.paddr = 0x40080000, .filesz = 16, .memsz = 16,
	};
	struct board_config cfg;
	struct prog p = { .n = 0 };
	uint32_t word = 1;
	uint64_t x0;
	struct run r;

	psci(&p, PSCI_SYS_OFF);
	telf_build(elf, 0x40080000, &s, 1);
	for (unsigned i = 0; i < p.n; i++)
		put_le32(elf + 0x1000 + 4 * i, p.w[i]);
	small_config(&cfg);
	memset(&r, 0, sizeof(r));
	r.console = open_memstream(&r.text, &r.len);
	assert_int_equal(board_create(&cfg, r.console, NULL, &r.b, &r.err), 0);
	assert_int_equal(board_load(r.b, elf, sizeof(elf), false, NULL, 0, &r.err), 0);
	assert_int_equal(sim_cpu_get_reg(r.b->cpus[0], SIM_REG_X0, &x0), 0);
	assert_int_equal(x0, 0);
	assert_int_equal(sim_phys_read(r.b->m, VIRT_RAM_BASE, &word, 4), 0);
	assert_int_equal(word, 0);
	assert_false(board_boot_info(r.b)->has_dtb);
	run_go(&r);
	assert_int_equal(r.status, BOARD_EXIT_POWEROFF);
	/* A second load is refused. */
	assert_int_equal(board_load(r.b, elf, sizeof(elf), false, NULL, 0, &r.err), -EBUSY);
	run_close(&r);
}

static void load_errors(void **state)
{
	static const uint8_t junk[16] = { 0x7f, 'E', 'L', 'F', 1 };
	struct board_config cfg;
	struct run r;

	small_config(&cfg);
	memset(&r, 0, sizeof(r));
	r.console = open_memstream(&r.text, &r.len);
	assert_int_equal(board_create(&cfg, r.console, NULL, &r.b, &r.err), 0);
	assert_int_equal(board_load(r.b, junk, sizeof(junk), false, NULL, 0, &r.err), -EINVAL);
	assert_string_equal(r.err.msg, "ELF truncated: 16 bytes, the ELF header alone is 64");
	/* Not loaded: running is refused. */
	assert_int_equal(board_run(r.b, &r.err), BOARD_EXIT_INTERNAL);
	run_close(&r);
	cfg.smp = 0;
	assert_int_equal(board_create(&cfg, stdout, NULL, &r.b, &r.err), -EINVAL);
	assert_string_equal(r.err.msg, "0 CPUs: between 1 and 64 are supported");
}

/*
 * Two CPUs print 'a' and 'b' 3000 times each (several quanta each); the first to finish
 * powers off. Same seed: same bytes, instruction count and virtual time. The seed
 * chooses the quanta, so another seed interleaves differently.
 */
static void deterministic_smp(void **state)
{
	struct board_config cfg;
	struct prog p = { .n = 0 };
	struct run a, b, c;

	small_config(&cfg);
	cfg.smp = 2;
	cfg.seed = 7;
	/* CPU 0 starts CPU 1 at the same code with x0 = 1; each prints 'a' + x0. */
	mov64(&p, 0, PSCI_CPU_ON64);
	mov64(&p, 1, 1);
	mov64(&p, 2, 0x40080000 + 4 * 16);
	mov64(&p, 3, 1);
	emit(&p, HVC0);
	mov64(&p, 0, 0);
	while (p.n < 16)
		emit(&p, 0xd503201fu);
	emit(&p, ADD_IMM(2, 0, 'a'));		/* 16: w2 = 'a' + x0 */
	mov64(&p, 1, VIRT_UART_BASE);
	mov64(&p, 3, 3000);
	emit(&p, STRB(2, 1));			/* loop */
	emit(&p, 0xf1000463u);			/* subs x3, x3, #1 */
	emit(&p, BNE(-2));
	psci(&p, PSCI_SYS_OFF);
	run_prog(&a, &cfg, &p);
	run_prog(&b, &cfg, &p);
	cfg.seed = 8;
	run_prog(&c, &cfg, &p);
	assert_int_equal(a.status, BOARD_EXIT_POWEROFF);
	assert_int_equal(b.status, BOARD_EXIT_POWEROFF);
	assert_true(a.len >= 3000 && a.len < 6000);
	assert_non_null(memchr(a.text, 'a', a.len));
	assert_non_null(memchr(a.text, 'b', a.len));
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.text, b.text, a.len);
	assert_int_equal(a.st.retired, b.st.retired);
	assert_int_equal(a.st.virtual_ns, b.st.virtual_ns);
	assert_true(c.len != a.len || memcmp(a.text, c.text, a.len) != 0);
	run_close(&a);
	run_close(&b);
	run_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(system_off),
		cmocka_unit_test(console_output),
		cmocka_unit_test(system_reset),
		cmocka_unit_test(hung_in_wfi),
		cmocka_unit_test(max_insns),
		cmocka_unit_test(spinning_is_not_a_fault_loop),
		cmocka_unit_test(fetch_fault_loop),
		cmocka_unit_test(data_fault_loop_at_vector),
		cmocka_unit_test(data_fault_handled),
		cmocka_unit_test(exception_loop_at_vectors),
		cmocka_unit_test(unknown_calls),
		cmocka_unit_test(secondary_cpu),
		cmocka_unit_test(all_cpus_off),
		cmocka_unit_test(timer_wakes_wfi),
		cmocka_unit_test(linux_boot_state),
		cmocka_unit_test(elf_boot_state),
		cmocka_unit_test(load_errors),
		cmocka_unit_test(deterministic_smp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
