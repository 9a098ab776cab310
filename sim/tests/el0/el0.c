// SPDX-License-Identifier: MIT
/*
 * el0: dropping to EL0 and coming back. System calls through SVC; EL0 denied what is
 * EL1's: EL1-only pages (read, write, execute), EL1 system registers (UNDEFINED), and
 * the EL0 accesses that SCTLR_EL1/CNTKCTL_EL1 trap (EC 0x18, with the ISS naming the
 * register); unprivileged loads and stores (LDTR/STTR) from EL1.
 */
#include "sim/tests/lib/arch.h"
#include "sim/tests/lib/el0.h"
#include "sim/tests/lib/mmu.h"
#include "sim/tests/lib/test.h"

TEST_IMAGE("el0");

enum { SYS_ADD = 1, SYS_PUTS = 2, SYS_GET_SPSR = 3 };

static char el0_message[] EL0_DATA = "hello from EL0";
static uint64_t el0_scratch[4] EL0_DATA;
/* DC ZVA target: the block size may be up to 2 KiB; keep it off everything else. */
static uint8_t el0_zva_area[2048] EL0_DATA __attribute__((aligned(2048)));
static uint64_t el1_secret = 0x5ec7e7;

static EL0_TEXT uint64_t el0_triple_plus_one(uint64_t x)
{
	return x * 3 + 1;
}

/* Three system calls; returns sum of results. */
static EL0_TEXT uint64_t el0_syscalls(uint64_t msg)
{
	register uint64_t x0 asm("x0");
	register uint64_t x1 asm("x1");
	register uint64_t x8 asm("x8");
	uint64_t sum;

	x0 = 40;
	x1 = 2;
	x8 = SYS_ADD;
	asm volatile("svc #0x10" : "+r"(x0) : "r"(x1), "r"(x8) : "memory");
	sum = x0;
	x0 = msg;
	x8 = SYS_PUTS;
	asm volatile("svc #0x11" : "+r"(x0) : "r"(x8) : "memory");
	x8 = SYS_GET_SPSR;
	asm volatile("svc #0x12" : "=r"(x0) : "r"(x8) : "memory");
	return sum << 32 | x0;
}

static unsigned svc_imms[4], svc_count;

static bool syscall_hook(struct except_frame *f)
{
	if (f->kind != VEC_LOW64_SYNC || ESR_EC(f->esr) != ESR_EC_SVC64)
		return false;
	if (svc_count < ARRAY_SIZE(svc_imms))
		svc_imms[svc_count++] = f->esr & 0xffff;
	switch (f->x[8]) {
	case SYS_ADD:
		f->x[0] = f->x[0] + f->x[1];
		return true;
	case SYS_PUTS:
		printf("  EL0 says: %s\n", (const char *)f->x[0]);
		f->x[0] = 0;
		return true;
	case SYS_GET_SPSR:
		f->x[0] = f->spsr & 0x3cf;
		return true;
	default:
		return false;
	}
}

TEST(call_and_return)
{
	EXPECT_SHOW("el0 result", el0_call(el0_triple_plus_one, 10), 31);
	EXPECT_SHOW("back at EL", current_el(), 1);
}

TEST(system_calls)
{
	uint64_t r;

	svc_count = 0;
	except_set_sync_hook(syscall_hook);
	r = el0_call(el0_syscalls, (uint64_t)el0_message);
	EXPECT_SHOW("sum", r >> 32, 42);
	/* EL0t with DAIF all masked, as el0_call() enters it. */
	EXPECT_SHOW("caller spsr", r & 0xffffffff, PSR_MODE_EL0t | PSR_DAIF);
	EXPECT_SHOW("svc count", svc_count, 3);
	EXPECT_SHOW("svc imms", svc_imms[0] << 16 | svc_imms[1] << 8 | svc_imms[2], 0x101112);
}

/* EL0 bodies that fault: a load, a store, a branch to the address in x. */
static EL0_TEXT uint64_t el0_load(uint64_t addr)
{
	return *(volatile uint64_t *)addr;
}

static EL0_TEXT uint64_t el0_store(uint64_t addr)
{
	*(volatile uint64_t *)addr = 1;
	return 0;
}

static EL0_TEXT uint64_t el0_jump(uint64_t addr)
{
	return ((uint64_t (*)(void))addr)();
}

static struct caught fault;

/* Record the fault from EL0 and end the EL0 call with 0xdead. */
static bool kill_hook(struct except_frame *f)
{
	if (f->kind != VEC_LOW64_SYNC)
		return false;
	fault = (struct caught){ .taken = true, .kind = (unsigned)f->kind, .esr = f->esr,
				 .far = f->far, .elr = f->elr, .spsr = f->spsr };
	el0_kill(f, 0xdead);
	return true;
}

static void expect_el0_fault(const char *label, el0_fn fn, uint64_t addr, unsigned ec,
			     unsigned wnr)
{
	uint64_t r;

	fault.taken = false;
	except_set_sync_hook(kill_hook);
	r = el0_call(fn, addr);
	except_set_sync_hook(NULL);
	printf("  %s: returned 0x%lx EC=0x%02lx WnR=%lu FSC=0x%02lx FAR=0x%lx SPSR.M=%lu\n",
	       label, r, ESR_EC(fault.esr), ESR_WNR(fault.esr), ESR_xFSC(fault.esr), fault.far,
	       fault.spsr & 0xf);
	if (!fault.taken || r != 0xdead || ESR_EC(fault.esr) != ec ||
	    ESR_WNR(fault.esr) != wnr || ESR_xFSC(fault.esr) != FSC_PERMISSION(3) ||
	    fault.far != addr || (fault.spsr & 0xf) != PSR_MODE_EL0t)
		FAIL("%s: expected EC=0x%02x WnR=%u permission fault at level 3", label, ec, wnr);
}

TEST(el1_pages_are_protected_from_el0)
{
	/* An EL0 read of its own data works. */
	el0_scratch[0] = 77;
	EXPECT_SHOW("el0 reads el0 data", el0_call(el0_load, (uint64_t)el0_scratch), 77);
	expect_el0_fault("read EL1 data", el0_load, (uint64_t)&el1_secret,
			 ESR_EC_DABT_LOWER, 0);
	expect_el0_fault("write EL0 text", el0_store, (uint64_t)&el0_load, ESR_EC_DABT_LOWER, 1);
	expect_el0_fault("run EL1 text", el0_jump, (uint64_t)&el0_call, ESR_EC_IABT_LOWER, 0);
	expect_el0_fault("run EL0 data", el0_jump, (uint64_t)el0_scratch, ESR_EC_IABT_LOWER, 0);
	EXPECT_SHOW("secret intact", el1_secret, 0x5ec7e7);
}

/*
 * EL0 body: six instructions that EL1 may forbid; a trap handler records each ESR and
 * skips the instruction. Rt is x0 throughout so the expected ISS is fixed.
 */
static EL0_TEXT uint64_t el0_privileged_ops(uint64_t unused)
{
	asm volatile("mrs x0, sctlr_el1\n\t"	/* always UNDEFINED at EL0 */
		     "mrs x0, cntvct_el0\n\t"	/* CNTKCTL_EL1.EL0VCTEN */
		     "mrs x0, ctr_el0\n\t"	/* SCTLR_EL1.UCT */
		     "mov x0, %0\n\t"
		     "dc zva, x0\n\t"		/* SCTLR_EL1.DZE */
		     "msr daifset, #2\n\t"	/* SCTLR_EL1.UMA */
		     "wfi"			/* SCTLR_EL1.nTWI */
		     :: "r"(el0_zva_area) : "x0", "memory");
	return 0;
}

static uint64_t trap_esr[8];
static unsigned trap_count;

static bool skip_trap_hook(struct except_frame *f)
{
	if (f->kind != VEC_LOW64_SYNC || ESR_EC(f->esr) == ESR_EC_SVC64)
		return false;
	if (trap_count < ARRAY_SIZE(trap_esr))
		trap_esr[trap_count] = f->esr;
	trap_count++;
	f->elr += 4;
	return true;
}

TEST(el0_access_to_system_state)
{
	static const struct {
		const char *what;
		uint64_t esr;
	} want[] = {
		{ "mrs sctlr_el1", 0x02000000 },		/* EC 0x00 */
		{ "mrs cntvct_el0", 0x6234f801 },	/* EC 0x18 op0 3 op1 3 CRn 14 op2 2 read */
		{ "mrs ctr_el0", 0x6232c001 },		/* EC 0x18 op0 3 op1 3 CRn 0 op2 1 read */
		{ "dc zva", 0x6212dc08 },		/* EC 0x18 op0 1 op1 3 CRn 7 CRm 4 op2 1 */
	};
	uint64_t sctlr = read_sysreg(sctlr_el1);

	write_sysreg(sctlr_el1, sctlr & ~(SCTLR_UCT | SCTLR_DZE | SCTLR_UMA | SCTLR_nTWI));
	write_sysreg(cntkctl_el1, 0);
	isb();
	trap_count = 0;
	except_set_sync_hook(skip_trap_hook);
	el0_call(el0_privileged_ops, 0);
	EXPECT_SHOW("traps", trap_count, 6);
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		printf("  %s: ESR=0x%08lx\n", want[i].what, trap_esr[i]);
		EXPECT_EQ(trap_esr[i], want[i].esr);
	}
	/*
	 * MSR DAIFSet: only the class is checked, because QEMU 7.2 reports op1 and op2
	 * swapped in the ISS. WFI: its ISS holds condition fields whose AArch64 value
	 * changed between Arm ARM issues.
	 */
	EXPECT_SHOW("msr daifset EC", ESR_EC(trap_esr[4]), ESR_EC_SYS64);
	EXPECT_SHOW("wfi EC", ESR_EC(trap_esr[5]), ESR_EC_WFX);

	/* Allowed now, except the two that cannot be (SCTLR read; WFI stays trapped). */
	write_sysreg(sctlr_el1, (sctlr | SCTLR_UCT | SCTLR_DZE | SCTLR_UMA) & ~SCTLR_nTWI);
	write_sysreg(cntkctl_el1, 3);	/* EL0PCTEN | EL0VCTEN */
	isb();
	trap_count = 0;
	el0_call(el0_privileged_ops, 0);
	except_set_sync_hook(NULL);
	EXPECT_SHOW("traps when allowed", trap_count, 2);
	EXPECT_SHOW("first", trap_esr[0], 0x02000000);
	EXPECT_SHOW("second EC", ESR_EC(trap_esr[1]), ESR_EC_WFX);
}

TEST(unprivileged_load_store_from_el1)
{
	struct caught c;
	uint64_t v;

	el0_scratch[1] = 0x1234;
	asm volatile("ldtr %0, [%1]" : "=r"(v) : "r"(&el0_scratch[1]) : "memory");
	EXPECT_SHOW("ldtr el0 page", v, 0x1234);
	asm volatile("sttr %0, [%1]" :: "r"(0x5678ull), "r"(&el0_scratch[1]) : "memory");
	EXPECT_SHOW("sttr el0 page", el0_scratch[1], 0x5678);
	/* LDTR checks EL0 permissions: an EL1-only page faults at EL1. */
	except_catch(&c, CATCH_SKIP);
	asm volatile("ldtr %0, [%1]" : "=r"(v) : "r"(&el1_secret) : "memory");
	except_catch_end();
	EXPECT_TRUE(c.taken);
	printf("  ldtr el1 page: EC=0x%02lx WnR=%lu FSC=0x%02lx\n", ESR_EC(c.esr),
	       ESR_WNR(c.esr), ESR_xFSC(c.esr));
	EXPECT_EQ(ESR_EC(c.esr), ESR_EC_DABT_CUR);
	EXPECT_EQ(ESR_xFSC(c.esr), FSC_PERMISSION(3));
	EXPECT_EQ(c.far, (uint64_t)&el1_secret);
}
