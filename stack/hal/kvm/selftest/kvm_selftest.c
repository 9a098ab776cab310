// SPDX-License-Identifier: MIT
/*
 * hal-kvm-selftest: what the conformance kit cannot reach in the kvm backend, run on
 * real KVM (inside the rig, docs/RIG.md, or on any aarch64 host with /dev/kvm):
 *
 *   stage2-change-while-running  the hyp remaps pages next to the guest's own code and
 *                                data while its vCPU spins on another thread: the
 *                                backend stops the vCPU, replaces the memslots, lets it
 *                                go; the guest never sees a wrong value or an abort
 *   mmio-sign-extension-mmu-on   LDRSB/LDRSH/LDRSW from MMIO with the guest's stage 1
 *                                on (code at a VA that is not its IPA): the backend
 *                                finds the instruction and sign-extends (KVM does not)
 *   s2-no-read-and-no-af         a valid mapping without read permission is a
 *                                permission S2 abort; AF = 0 is a non-permission one
 *   smccc-routing                SMCCC_VERSION and PSCI stay in KVM; TRNG and KVM's own
 *                                vendor-hyp calls reach the caller, like on the sim
 *   refusals                     what the backend refuses, with the errno docs/HAL.md
 *                                gives
 *
 * Output: "PASS name" or "FAIL name: why" per check, then a summary line. Exit status 0
 * only if every check passed; 77 (skip) when the machine has no /dev/kvm.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stack/hal/hal.h"

extern const uint8_t selftest_guest_start[], selftest_guest_end[];

#define PHYS_BASE	0x40000000ull
#define PHYS_SIZE	(16ull << 20)
#define TABLES		PHYS_BASE			/* stage-2 tables: first 1 MiB */
#define GUEST_PA	(PHYS_BASE + (1ull << 20))	/* guest RAM: 1 MiB at GUEST_IPA */
#define GUEST_IPA	0x80000000ull
#define GUEST_PAGES	256
#define SPARE_PA(n)	(GUEST_PA + (GUEST_PAGES + (n)) * 4096ull)
#define MMIO_IPA	0x10000000ull
#define REPORT		0xc6001000u
/* VTCR: T0SZ 25 (39-bit IPA), SL0 1, inner shareable write-back, 4 KiB, PS 40 bits. */
#define VTCR		(25 | 1ull << 6 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 2ull << 16)

#define S2_VALID	(1ull << 0)
#define S2_TABLE	(1ull << 1)
#define S2_NORMAL	(0xfull << 2)
#define S2_R		(1ull << 6)
#define S2_W		(1ull << 7)
#define S2_AF		(1ull << 10)
#define S2_RW		(S2_NORMAL | S2_R | S2_W | S2_AF)

struct env {
	struct hal_machine *m;
	struct hal_vm *vm;
	struct hal_vcpu *v;
	uint64_t root;
	unsigned next_table;
};

static char why[256];

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		snprintf(why, sizeof(why), __VA_ARGS__); \
		return why; \
	} \
} while (0)

static uint64_t *phys(struct env *e, uint64_t pa)
{
	return hal_phys_ptr(e->m, hal_pa(pa), 8, true);
}

static uint64_t new_table(struct env *e)
{
	uint64_t pa = TABLES + e->next_table++ * 4096ull;

	memset(hal_phys_ptr(e->m, hal_pa(pa), 4096, true), 0, 4096);
	return pa;
}

/* Write the level-3 stage-2 descriptor for ipa (attrs 0: invalid) and invalidate it. */
static void s2_set(struct env *e, uint64_t ipa, uint64_t pa, uint64_t attrs)
{
	uint64_t t = e->root;

	for (int level = 1; level < 3; level++) {
		uint64_t *d = phys(e, t + ((ipa >> (39 - 9 * level)) & 511) * 8);

		if (!(*d & S2_VALID))
			*d = new_table(e) | S2_VALID | S2_TABLE;
		t = *d & 0x000000fffffff000ull;
	}
	*phys(e, t + ((ipa >> 12) & 511) * 8) = attrs ? pa | attrs | S2_VALID | S2_TABLE : 0;
	hal_vm_invalidate(e->vm, hal_ipa(ipa), 4096);
}

static void env_free(struct env *e)
{
	hal_machine_destroy(e->m);
	memset(e, 0, sizeof(*e));
}

/* A machine, a VM with the guest code mapped at GUEST_IPA, vCPU 0 at `test`. */
static const char *env_new(struct env *e, unsigned test)
{
	struct hal_machine_config mc = { .phys_base = PHYS_BASE, .phys_size = PHYS_SIZE };
	struct hal_vm_config vc = { .vmid = 1, .ipa_bits = 39, .gicd_base = 0x3fff0000,
				    .gicr_base = 0x3ff70000, .nr_spis = 32 };
	size_t len = (size_t)(selftest_guest_end - selftest_guest_start);

	memset(e, 0, sizeof(*e));
	CHECK(!hal_machine_create(hal_backend_find("kvm"), &mc, &e->m), "machine: %s",
	      hal_error(NULL));
	CHECK(!hal_vm_create(e->m, &vc, &e->vm), "VM: %s", hal_error(e->m));
	e->root = new_table(e);
	CHECK(!hal_vm_set_stage2(e->vm, hal_pa(e->root), VTCR), "stage 2: %s", hal_error(e->m));
	for (unsigned i = 0; i < GUEST_PAGES; i++)
		s2_set(e, GUEST_IPA + i * 4096ull, GUEST_PA + i * 4096ull, S2_RW);
	memcpy(hal_phys_ptr(e->m, hal_pa(GUEST_PA), len, true), selftest_guest_start, len);
	CHECK(!hal_vcpu_create(e->vm, 0, true, &e->v), "vcpu: %s", hal_error(e->m));
	CHECK(!hal_vcpu_set_reg(e->v, HAL_REG_PC, GUEST_IPA) &&
	      !hal_vcpu_set_reg(e->v, HAL_REG_X0, test), "registers: %s", hal_error(e->m));
	CHECK(!hal_vm_finalize(e->vm), "finalize: %s", hal_error(e->m));
	return NULL;
}

static const char *exit_name(const struct hal_exit *x)
{
	static const char *names[] = { "NONE", "MMIO", "HYPERCALL", "SYSTEM_EVENT",
				       "S2_ABORT", "IDLE", "PREEMPTED", "KICKED",
				       "INTERNAL_ERROR" };

	if (x->kind == HAL_EXIT_INTERNAL_ERROR) {
		static __thread char text[200];

		snprintf(text, sizeof(text), "INTERNAL_ERROR (%s)", x->internal.reason);
		return text;
	}
	return (unsigned)x->kind < 9 ? names[x->kind] : "?";
}

static const struct hal_exit *run(struct env *e)
{
	if (hal_vcpu_run(e->v))
		fprintf(stderr, "hal_vcpu_run: %s\n", hal_error(e->m));
	return hal_vcpu_exit(e->v);
}

static bool is_report(const struct hal_exit *x)
{
	return x->kind == HAL_EXIT_HYPERCALL && x->hypercall.func_id == REPORT;
}

/* ---- stage 2 changes while the vCPU runs ---------------------------------------------- */

struct runner {
	struct env *e;
	int rc;
};

static void *runner_main(void *arg)
{
	struct runner *r = arg;

	r->rc = hal_vcpu_run(r->e->v);
	return NULL;
}

/* Join t if it ends within `seconds`. */
static bool join_within(pthread_t t, unsigned seconds)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	return pthread_timedjoin_np(t, NULL, &until) == 0;
}

static const char *check_stage2_change_while_running(struct env *e)
{
	const uint64_t x = GUEST_IPA + (GUEST_PAGES << 12), flag = 0x80200000, magic = 0x5a5a1234;
	struct runner r = { .e = e };
	const struct hal_exit *ex = hal_vcpu_exit(e->v);
	pthread_t t;

	/* X continues the guest RAM run (same memslot as the code); the page after X is
	 * mapped and unmapped below, so that memslot is replaced again and again. */
	*phys(e, SPARE_PA(0)) = magic;
	s2_set(e, x, SPARE_PA(0), S2_RW);
	s2_set(e, flag, SPARE_PA(8), S2_RW);
	hal_vcpu_set_reg(e->v, HAL_REG_X0 + 9, x);
	hal_vcpu_set_reg(e->v, HAL_REG_X0 + 10, flag);
	hal_vcpu_set_reg(e->v, HAL_REG_X0 + 11, magic);
	CHECK(!pthread_create(&t, NULL, runner_main, &r), "thread");
	usleep(100 * 1000);
	for (unsigned i = 0; i < 100; i++) {
		s2_set(e, x + 4096, SPARE_PA(1), S2_RW);	/* contiguous: the run grows */
		s2_set(e, x + 4096, 0, 0);			/* and shrinks */
	}
	*phys(e, SPARE_PA(8)) = 1;
	if (!join_within(t, 30)) {
		/* The guest lost its way (an abort it has no handler for): stop it. */
		hal_vcpu_kick(e->v);
		pthread_join(t, NULL);
	}
	CHECK(r.rc == 0, "run failed: %s", hal_error(e->m));
	CHECK(is_report(ex), "the spinning guest stopped with %s", exit_name(ex));
	CHECK(ex->hypercall.args[1] == 1, "the guest read %#llx instead of %#llx",
	      (unsigned long long)ex->hypercall.args[2], (unsigned long long)magic);
	CHECK(ex->hypercall.args[3] > 0, "the guest never ran its loop");
	return NULL;
}

/* ---- sign-extending MMIO loads with the MMU on ------------------------------------------ */

/* Stage 1 in guest RAM: VA 0..1 GiB -> IPA 0 (Device), VA 1..2 GiB -> GUEST_IPA (Normal). */
static void build_stage1(struct env *e, uint64_t table_ipa)
{
	uint64_t *l1 = hal_phys_ptr(e->m, hal_pa(GUEST_PA + (table_ipa - GUEST_IPA)), 4096, true);
	const uint64_t af = 1ull << 10, inner = 3ull << 8, block = 1;

	memset(l1, 0, 4096);
	l1[0] = 0 | af | block | 0ull << 2;			/* AttrIndx 0: Device */
	l1[1] = GUEST_IPA | af | inner | block | 1ull << 2;	/* AttrIndx 1: Normal */
}

static const char *check_mmio_sign_extension_mmu_on(struct env *e)
{
	const uint64_t table_ipa = GUEST_IPA + 0x80000, va_code = 0x40000000;
	/* TCR: T0SZ 25, IRGN0/ORGN0 write-back, SH0 inner, TG0 4 KiB, EPD1, IPS 40 bits. */
	const uint64_t tcr = 25 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23 | 2ull << 32;
	static const struct { unsigned off, size; uint64_t reply; } loads[] = {
		{ 0, 1, 0x81 }, { 2, 2, 0x8002 }, { 4, 4, 0x80000004 },
	};
	struct hal_exit *w = hal_vcpu_exit(e->v);
	const struct hal_exit *ex;
	uint64_t sctlr;

	build_stage1(e, table_ipa);
	CHECK(!hal_vcpu_get_reg(e->v, HAL_REG_SCTLR_EL1, &sctlr), "SCTLR");
	CHECK(!hal_vcpu_set_reg(e->v, HAL_REG_MAIR_EL1, 0xff00) &&
	      !hal_vcpu_set_reg(e->v, HAL_REG_TCR_EL1, tcr) &&
	      !hal_vcpu_set_reg(e->v, HAL_REG_TTBR0_EL1, table_ipa) &&
	      !hal_vcpu_set_reg(e->v, HAL_REG_SCTLR_EL1, sctlr | 1 | 1 << 2 | 1 << 12) &&
	      !hal_vcpu_set_reg(e->v, HAL_REG_PC, va_code) &&
	      !hal_vcpu_set_reg(e->v, HAL_REG_X0 + 9, MMIO_IPA), "set up stage 1: %s",
	      hal_error(e->m));
	for (unsigned i = 0; i < 3; i++) {
		ex = run(e);
		CHECK(ex->kind == HAL_EXIT_MMIO && !ex->mmio.is_write &&
		      ex->mmio.ipa == MMIO_IPA + loads[i].off && ex->mmio.size == loads[i].size,
		      "load %u: %s at %#llx size %u", i, exit_name(ex),
		      (unsigned long long)ex->mmio.ipa, ex->mmio.size);
		w->mmio.data = loads[i].reply;
	}
	ex = run(e);
	CHECK(is_report(ex), "after the loads: %s", exit_name(ex));
	CHECK(ex->hypercall.args[1] == 0xffffffffffffff81ull &&
	      ex->hypercall.args[2] == 0xffff8002ull &&
	      ex->hypercall.args[3] == 0xffffffff80000004ull,
	      "ldrsb x / ldrsh w / ldrsw x gave %#llx %#llx %#llx",
	      (unsigned long long)ex->hypercall.args[1],
	      (unsigned long long)ex->hypercall.args[2],
	      (unsigned long long)ex->hypercall.args[3]);
	return NULL;
}

/* ---- stage-2 faults that are not MMIO ------------------------------------------------------- */

static const char *check_s2_no_read_and_no_af(struct env *e)
{
	const uint64_t p = 0x80200000, q = 0x80201000;
	const struct hal_exit *ex;

	s2_set(e, p, SPARE_PA(3), S2_NORMAL | S2_AF);		/* valid, S2AP = none */
	s2_set(e, q, SPARE_PA(4), S2_NORMAL | S2_R | S2_W);	/* AF = 0 */
	*phys(e, SPARE_PA(3)) = 0x600d;
	hal_vcpu_set_reg(e->v, HAL_REG_X0 + 9, p);
	hal_vcpu_set_reg(e->v, HAL_REG_X0 + 10, q);
	ex = run(e);
	CHECK(ex->kind == HAL_EXIT_S2_ABORT && ex->s2.ipa == p && ex->s2.is_permission &&
	      !ex->s2.is_write, "no-read page: %s perm %d write %d", exit_name(ex),
	      ex->s2.is_permission, ex->s2.is_write);
	s2_set(e, p, SPARE_PA(3), S2_RW);			/* the load is retried */
	ex = run(e);
	CHECK(is_report(ex) && ex->hypercall.args[1] == 0x600d, "after making it readable: %s",
	      exit_name(ex));
	ex = run(e);
	CHECK(ex->kind == HAL_EXIT_S2_ABORT && ex->s2.ipa == q && !ex->s2.is_permission,
	      "AF=0 page: %s perm %d", exit_name(ex), ex->s2.is_permission);
	return NULL;
}

/* ---- SMCCC routing ----------------------------------------------------------------------------- */

static const char *check_smccc_routing(struct env *e)
{
	static const struct { uint32_t fn; uint64_t reply; } forwarded[] = {
		{ 0x84000050, 0x77 },	/* TRNG_VERSION: KVM would answer; we forward */
		{ 0x86000000, 0x88 },	/* KVM's vendor-hyp service (SMC32) */
	};
	struct hal_exit *w = hal_vcpu_exit(e->v);
	const struct hal_exit *ex;

	for (unsigned i = 0; i < 2; i++) {
		ex = run(e);
		CHECK(ex->kind == HAL_EXIT_HYPERCALL && ex->hypercall.func_id == forwarded[i].fn,
		      "call %#x: got %s (func %#x)", forwarded[i].fn, exit_name(ex),
		      ex->hypercall.func_id);
		w->hypercall.ret[0] = forwarded[i].reply;
	}
	ex = run(e);
	CHECK(is_report(ex), "after the calls: %s", exit_name(ex));
	/* SMCCC 1.1+ and PSCI 1.0+ from KVM itself. */
	CHECK(ex->hypercall.args[1] >= 0x10001 && ex->hypercall.args[1] <= 0x1ffff,
	      "SMCCC_VERSION %#llx", (unsigned long long)ex->hypercall.args[1]);
	CHECK(ex->hypercall.args[2] >= 0x10000 && ex->hypercall.args[2] <= 0x1ffff,
	      "PSCI_VERSION %#llx", (unsigned long long)ex->hypercall.args[2]);
	CHECK(ex->hypercall.args[3] == 0x77 && ex->hypercall.args[4] == 0x88,
	      "forwarded calls returned %#llx %#llx", (unsigned long long)ex->hypercall.args[3],
	      (unsigned long long)ex->hypercall.args[4]);
	return NULL;
}

/* ---- refusals ------------------------------------------------------------------------------- */

static const char *check_refusals(struct env *e)
{
	struct hal_vm_config vc = { .vmid = 1, .ipa_bits = 39, .gicd_base = 0x3fff0000,
				    .gicr_base = 0x3ff70000, .nr_spis = 32 };
	struct hal_vm *other;
	struct hal_vcpu *late;
	uint64_t v, a, b;
	int rc;

	rc = hal_vm_set_stage2(e->vm, hal_pa(e->root), VTCR | 1ull << 14);
	CHECK(rc == -EINVAL && strstr(hal_error(e->m), "TG0"), "64K-granule VTCR: %d %s", rc,
	      hal_error(e->m));
	rc = hal_vm_set_stage2(e->vm, hal_pa(e->root), (VTCR & ~0x3full) | 24);
	CHECK(rc == -EINVAL, "40-bit VTCR on a 39-bit VM: %d", rc);
	CHECK(hal_vcpu_set_budget(e->v, 100) == -ENOSYS && hal_vcpu_set_budget(e->v, 0) == 0,
	      "budget");
	CHECK(hal_clock_advance(e->m, 1) == -ENOSYS && hal_clock_next_deadline(e->m, &v) ==
	      -ENOSYS, "virtual time");
	CHECK(hal_machine_snapshot(e->m) == -ENOSYS && hal_machine_restore(e->m) == -ENOSYS &&
	      hal_machine_state_hash(e->m, &v) == -ENOSYS, "snapshot / state hash");
	CHECK(hal_vm_create(e->m, &vc, &other) == -EEXIST, "duplicate vmid");
	vc.vmid = 2;
	vc.protected_vm = true;
	rc = hal_vm_create(e->m, &vc, &other);
	if (!hal_capability(e->m, HAL_CAP_PROTECTED_VM))
		CHECK(rc == -EOPNOTSUPP, "protected VM without PROTECTED_VM: %d", rc);
	else if (!rc)
		hal_vm_destroy(other);
	CHECK(hal_vcpu_create(e->vm, 1, false, &late) == -EINVAL, "vCPU after finalize");
	/* Two redistributors from 0x3ffd0000 run into the distributor at 0x3fff0000. */
	vc.vmid = 3;
	vc.protected_vm = false;
	vc.gicr_base = 0x3ffd0000;
	CHECK(!hal_vm_create(e->m, &vc, &other), "VM 3: %s", hal_error(e->m));
	CHECK(!hal_vcpu_create(other, 0, true, &late) && !hal_vcpu_create(other, 1, false, &late),
	      "VM 3 vCPUs: %s", hal_error(e->m));
	rc = hal_vm_finalize(other);
	CHECK(rc == -EINVAL && strstr(hal_error(e->m), "overlap the distributor"),
	      "overlapping GIC frames: %d %s", rc, hal_error(e->m));
	hal_vm_destroy(other);
	CHECK(hal_vcpu_get_reg(e->v, HAL_REG_SYS(3, 7, 15, 15, 7), &v) == -ENOENT,
	      "unknown system register");
	a = hal_clock_ns(e->m);
	b = hal_clock_ns(e->m);
	CHECK(b >= a, "clock went back");
	v = 0;
	CHECK(!hal_entropy(e->m, &v, sizeof(v)) && v != 0, "entropy");
	CHECK(hal_vm_set_irq(e->vm, 40, true) == 0 && hal_vm_set_irq(e->vm, 40, false) == 0,
	      "SPI line");
	return NULL;
}

static const struct {
	const char *name;
	unsigned test;		/* the guest's x0 */
	const char *(*run)(struct env *e);
} checks[] = {
	{ "stage2-change-while-running", 0, check_stage2_change_while_running },
	{ "mmio-sign-extension-mmu-on", 1, check_mmio_sign_extension_mmu_on },
	{ "s2-no-read-and-no-af", 2, check_s2_no_read_and_no_af },
	{ "smccc-routing", 3, check_smccc_routing },
	{ "refusals", 0, check_refusals },
};

/* Whether this machine has KVM at all; says why not. */
static bool kvm_present(void)
{
	struct hal_machine_config mc = { .phys_base = PHYS_BASE, .phys_size = 1 << 20 };
	struct hal_machine *m;
	int rc = hal_machine_create(hal_backend_find("kvm"), &mc, &m);

	if (rc == -ENODEV) {
		printf("SKIP hal-kvm-selftest: %s\n", hal_error(NULL));
		return false;
	}
	hal_machine_destroy(m);		/* other failures show in every check */
	return true;
}

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0;

	if (argc != 1) {
		fprintf(stderr, "usage: hal-kvm-selftest (see the source's header)\n");
		return 2;
	}
	if (!hal_backend_find("kvm")) {
		fprintf(stderr, "hal-kvm-selftest: this build has no kvm backend\n");
		return 2;
	}
	if (!kvm_present())
		return 77;	/* skip, as kvm-unit-tests does */
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		struct env e;
		const char *fail = env_new(&e, checks[i].test);

		if (!fail)
			fail = checks[i].run(&e);
		if (fail) {
			printf("FAIL %s: %s\n", checks[i].name, fail);
			failed++;
		} else {
			printf("PASS %s\n", checks[i].name);
			passed++;
		}
		fflush(stdout);
		env_free(&e);
	}
	printf("hal-kvm-selftest: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
