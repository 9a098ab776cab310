// SPDX-License-Identifier: MIT
/*
 * The executable specification, tested both ways: (a) on valid and invalid call
 * sequences of every kind (the ones mem_protect_test.c walks, plus guest calls injected
 * through hyp_test_guest_call()) the specification agrees with the hyp after every
 * call, while the test also pins the exact results; (b) when the real state is
 * corrupted behind the hyp's back (the HAL host view, a stage-2 descriptor's software
 * bits, its output address, a stray mapping) the checker reports the difference, page
 * by page, and a call whose result then differs from the prediction is reported too.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stack/hyp/spec/spec.h"

#define BASE		0x40000000ull
#define SIZE		(8ull << 20)
#define POOL		(BASE + SIZE - (1ull << 20))	/* last MiB: 256 pool pages */
#define POOL_PAGES	256
#define PFN(pa)		((pa) >> 12)
#define GICD		0x3fff0000ull
#define GICR		0x3ffd0000ull

#define SMCCC_NOT_SUPPORTED	((uint64_t)-1)
#define SMCCC_INVALID		((uint64_t)-3)

static const uint8_t fw_image[6000] = "pvmfw image for the spec test";

struct fixture {
	struct hal_machine *m;
	struct hyp *h;
	struct hyp_spec *spec;
	uint32_t prot, normal;	/* VM handles */
};

/* Every call goes through the spec; a disagreement is a test failure, with its diff. */
static void agreed(struct fixture *f)
{
	if (hyp_spec_mismatches(f->spec))
		fail_msg("%s", hyp_spec_report(f->spec));
}

static int64_t call(struct fixture *f, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	int64_t rc = hyp_call(f->h, fn, a1, a2, a3, 0, 0, 0, NULL);

	agreed(f);
	return rc;
}

static uint32_t new_vm(struct fixture *f, bool prot, unsigned nr_vcpus, unsigned ipa_bits)
{
	uint64_t handle = 0;

	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, prot ? HYP_VM_PROTECTED : 0, nr_vcpus,
				  ipa_bits, GICD, GICR, 64, &handle), 0);
	agreed(f);
	assert_true(handle >= HYP_HANDLE_OFFSET);
	return (uint32_t)handle;
}

/* A guest call by the vCPU this thread has loaded; returns the guest's x0. */
static uint64_t guest(struct fixture *f, uint32_t fn, uint64_t a1)
{
	uint64_t args[7] = { fn, a1 }, ret[4];

	assert_int_equal(hyp_test_guest_call(f->h, args, ret), 1);
	agreed(f);
	return ret[0];
}

static int setup(void **state)
{
	static struct fixture f;
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = SIZE, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL), .pool_pages = POOL_PAGES,
				 .pvmfw = fw_image, .pvmfw_size = sizeof(fw_image) };

	memset(&f, 0, sizeof(f));
	assert_int_equal(hal_machine_create(hal_backend_find("sim"), &mc, &f.m), 0);
	assert_int_equal(hyp_init(f.m, &hc, &f.h), 0);
	assert_int_equal(hyp_spec_attach(f.h, &hc, &f.spec), 0);
	assert_ptr_equal(hyp_spec_of(f.h), f.spec);
	hyp_spec_set_mode(f.spec, HYP_SPEC_REPORT);
	f.prot = new_vm(&f, true, 2, 36);
	f.normal = new_vm(&f, false, 2, 36);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hyp_destroy(f->h);	/* frees the spec too */
	hal_machine_destroy(f->m);
	return 0;
}

/* Share a run page with the hyp, make it vCPU idx's, and load that vCPU here. */
static void load_vcpu(struct fixture *f, uint32_t vm, unsigned idx, uint64_t run_pfn)
{
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, run_pfn, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, vm, idx, run_pfn), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, vm, idx, 0), 0);
}

/* ---- (a) the specification agrees on valid and invalid sequences -------------------- */

static void test_host_and_hyp_pages(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 10;

	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn, 0, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_HYP, pfn, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_HYP, pfn, 0, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, PFN(BASE) - 1, 0, 0), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, PFN(BASE + SIZE), 0, 0), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, PFN(POOL), 0, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, PFN(POOL), 0, 0), -EPERM);
	/* Unknown ids change nothing and say so. */
	assert_int_equal(call(f, 0xc60001ffu, pfn, 0, 0), -ENOSYS);
	assert_int_equal(call(f, 0x84000000u, pfn, 0, 0), -ENOSYS);
}

static void test_guest_pages(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 20, gfn = 0x80000;

	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn), 0);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn + 1), -EPERM);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, f->prot, gfn), -EPERM);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, f->normal, gfn), -EPERM);
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn + 1, f->prot, gfn + 1), -EPERM);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, 0x999, gfn), -ENOENT);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, f->prot, 1ull << 24), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, pfn, 0, 0), -EBUSY);
	/* Non-protected: share, unshare, and the errors around them. */
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn + 2, f->normal, gfn), 0);
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, pfn + 2, f->normal, gfn + 1), -EPERM);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn + 2, 0, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_GUEST, f->prot, gfn, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_GUEST, f->normal, gfn, 0), 0);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_GUEST, f->normal, gfn, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_GUEST, f->normal, 1ull << 40, 0), -EINVAL);
}

static void test_vm_and_vcpu_errors(void **state)
{
	struct fixture *f = *state;
	uint64_t h, run = PFN(BASE) + 50;

	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0x80, 1, 36, GICD, GICR, 64, &h), -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 0, 36, GICD, GICR, 64, &h), -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 65, 36, GICD, GICR, 64, &h), -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 1, 31, GICD, GICR, 64, &h), -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 1, 40, GICD, GICR, 64, &h), -EINVAL);
	agreed(f);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 0, run), -EPERM);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, run, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 2, run), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, 0x4242, 0, run), -ENOENT);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 0, run), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, f->normal, 0, run), -EEXIST);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_HYP, run, 0, 0), -EBUSY);
	/* Load and put: one vCPU per thread, each vCPU once. */
	assert_int_equal(call(f, HYP_HOST_VCPU_PUT, 0, 0, 0), -ENOENT);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, f->normal, 1, 0), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, f->normal, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, f->normal, 0, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, f->normal, 0, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_VCPU_PUT, 0, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, f->normal, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, f->normal, 0, 0), -EBUSY);
	/* Teardown unpinned the run page. */
	assert_int_equal(call(f, HYP_HOST_UNSHARE_HYP, run, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, f->normal, 0, 0), 0);
}

static void test_teardown_and_reclaim(void **state)
{
	struct fixture *f = *state;
	uint32_t vm = new_vm(f, true, 1, 36), nvm = new_vm(f, false, 1, 36);
	uint64_t pfn = PFN(BASE) + 40, gfn = 0x90000, lent = PFN(BASE) + 41, nr_free = 0;

	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, vm, gfn), 0);
	memset(hal_phys_ptr(f->m, hal_pa(pfn << 12), 4096, true), 0x5a, 4096);
	assert_int_equal(call(f, HYP_HOST_SHARE_GUEST, lent, nvm, gfn), 0);
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, vm, 0, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 5, vm, gfn + 1), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, pfn, 0, 0), 0);	/* scrubbed */
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, pfn, 0, 0), -EPERM);
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), -ENOENT);
	/* A page lent to a dying non-protected VM comes back without a scrub. */
	assert_int_equal(call(f, HYP_HOST_START_TEARDOWN, nvm, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_UNSHARE_GUEST, nvm, gfn, 0), -EBUSY);
	assert_int_equal(call(f, HYP_HOST_RECLAIM_PAGE, lent, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_FINALIZE_TEARDOWN, nvm, 0, 0), 0);
	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &nr_free), 0);
	agreed(f);
	assert_int_equal(nr_free, POOL_PAGES - 2);	/* the fixture's two roots */
}

static void test_pool_exhaustion(void **state)
{
	struct fixture *f = *state;
	uint32_t vm = new_vm(f, true, 1, 39);
	uint64_t pfn = PFN(BASE) + 100, nr_free = 1;
	int64_t rc = 0;
	unsigned donated = 0;

	/* Each donation 1 GiB apart needs two fresh tables (levels 2 and 3). */
	while (rc == 0 && donated < 300) {
		rc = call(f, HYP_HOST_DONATE_GUEST, pfn + donated, vm, (uint64_t)donated << 18);
		donated += rc == 0;
	}
	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(donated, (POOL_PAGES - 3) / 2);
	/* The failing call made the level-2 table with the last page and kept it. */
	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &nr_free), 0);
	assert_int_equal(nr_free, 0);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + donated, vm, 1ull << 9), -ENOMEM);
	/* A gfn whose tables exist still works. */
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + donated, vm, 2), 0);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 1, 36, GICD, GICR, 64, NULL),
			 -ENOMEM);
	/* Malformed arguments are malformed whatever the pool holds. */
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 1, 36, GICD, GICR, 33, NULL),
			 -EINVAL);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VM, 0, 1, 36, GICD + 0x1000, GICR, 64,
				  NULL), -EINVAL);
	agreed(f);
}

static void test_vm_table_full(void **state)
{
	struct fixture *f = *state;
	uint64_t h;
	int64_t rc;
	unsigned made = 2;

	while ((rc = hyp_call(f->h, HYP_HOST_INIT_VM, 0, 1, 32, GICD, GICR, 64, &h)) == 0)
		made++;
	agreed(f);
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(made, 64);
}

static void test_guest_calls(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 60, gfn = 0x80000, ipa = gfn << 12;
	uint64_t args[7] = { 0x84000000u }, ret[4];

	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn), 0);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, f->prot, gfn + 1), 0);
	/* No loaded vCPU, no guest. */
	assert_int_equal(hyp_test_guest_call(f->h, args, ret), -ENOENT);
	load_vcpu(f, f->prot, 1, PFN(BASE) + 70);
	assert_int_equal(guest(f, HYP_GUEST_HYP_MEMINFO, 0), 4096);
	assert_int_equal(guest(f, HYP_GUEST_MEM_SHARE, ipa), 0);
	assert_int_equal(guest(f, HYP_GUEST_MEM_SHARE, ipa), SMCCC_INVALID);
	assert_int_equal(guest(f, HYP_GUEST_MEM_SHARE, ipa + 8), SMCCC_INVALID);
	assert_int_equal(guest(f, HYP_GUEST_MEM_SHARE, 1ull << 36), SMCCC_INVALID);
	assert_int_equal(guest(f, HYP_GUEST_MEM_RELINQUISH, ipa), SMCCC_INVALID);
	assert_int_equal(guest(f, HYP_GUEST_MEM_UNSHARE, ipa), 0);
	assert_int_equal(guest(f, HYP_GUEST_MEM_UNSHARE, ipa), SMCCC_INVALID);
	memset(hal_phys_ptr(f->m, hal_pa((pfn + 1) << 12), 4096, true), 0xa5, 4096);
	assert_int_equal(guest(f, HYP_GUEST_MEM_RELINQUISH, ipa + 4096), 0);	/* scrubbed */
	assert_int_equal(guest(f, HYP_GUEST_MEM_RELINQUISH, ipa + 4096), SMCCC_INVALID);
	/* MMIO guard: enroll first; not over memory; once per page. */
	assert_int_equal(guest(f, HYP_GUEST_MMIO_GUARD_INFO, 0), 4096);
	assert_int_equal(guest(f, HYP_GUEST_MMIO_GUARD_MAP, 0x9000000), SMCCC_INVALID);
	assert_int_equal(guest(f, HYP_GUEST_MMIO_GUARD_ENROLL, 0), 0);
	assert_int_equal(guest(f, HYP_GUEST_MMIO_GUARD_MAP, 0x9000000), 0);
	assert_int_equal(guest(f, HYP_GUEST_MMIO_GUARD_MAP, 0x9000000), SMCCC_INVALID);
	assert_int_equal(guest(f, HYP_GUEST_MMIO_GUARD_MAP, ipa), SMCCC_INVALID);
	assert_int_equal(guest(f, HYP_GUEST_MMIO_GUARD_UNMAP, 0x9000000), 0);
	assert_int_equal(guest(f, HYP_GUEST_MMIO_GUARD_UNMAP, 0x9000000), SMCCC_INVALID);
	assert_int_equal(guest(f, 0xc60000ffu, 0), SMCCC_NOT_SUPPORTED);
	/* A call outside pKVM's block goes to the host, in the vendor range or not. */
	assert_int_equal(hyp_test_guest_call(f->h, args, ret), 0);
	args[0] = 0xc6000100u;
	assert_int_equal(hyp_test_guest_call(f->h, args, ret), 0);
	agreed(f);
	assert_int_equal(call(f, HYP_HOST_VCPU_PUT, 0, 0, 0), 0);
	/* A non-protected guest is offered none of them. */
	load_vcpu(f, f->normal, 0, PFN(BASE) + 71);
	assert_int_equal(guest(f, HYP_GUEST_HYP_MEMINFO, 0), SMCCC_NOT_SUPPORTED);
	assert_int_equal(guest(f, HYP_GUEST_MEM_SHARE, 0), SMCCC_NOT_SUPPORTED);
	assert_int_equal(call(f, HYP_HOST_VCPU_PUT, 0, 0, 0), 0);
}

static void test_firmware(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 80, gfn = 0x7fc00;
	uint32_t prot;

	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn), 0);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, f->prot, gfn, 2), -EPERM);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 1, f->prot, gfn + 1), 0);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, f->prot, gfn, 1), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, f->normal, gfn, 2), -EPERM);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, f->prot, (1ull << 24) - 1, 2), -EINVAL);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, 0x4242, gfn, 2), -ENOENT);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, 0x4242, gfn, 1), -EINVAL);
	/* The host's leftovers in the range do not survive: image, then zeros. */
	memset(hal_phys_ptr(f->m, hal_pa((pfn + 1) << 12), 4096, true), 0x77, 4096);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, f->prot, gfn, 2), 0);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, f->prot, gfn, 2), -EPERM);	/* once */
	/* Never once a vCPU is initialised: it could be running what is there. */
	prot = new_vm(f, true, 1, 36);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 2, prot, gfn), 0);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn + 3, prot, gfn + 1), 0);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, pfn + 4, 0, 0), 0);
	assert_int_equal(call(f, HYP_HOST_INIT_VCPU, prot, 0, pfn + 4), 0);
	assert_int_equal(call(f, HYP_HOST_LOAD_FIRMWARE, prot, gfn, 2), -EBUSY);
}

/* A64 encodings for the guest below (Arm ARM C6.2: MOVZ, MOVK, HVC #0). */
static uint32_t movz(unsigned rd, uint32_t imm16, unsigned hw)
{
	return 0xd2800000u | hw << 21 | imm16 << 5 | rd;
}

static uint32_t movk(unsigned rd, uint32_t imm16, unsigned hw)
{
	return 0xf2800000u | hw << 21 | imm16 << 5 | rd;
}

/* Emit x0 = fn, x1 = arg (32 bits each), HVC #0; returns the next index. */
static unsigned emit_hvc(uint32_t *code, unsigned n, uint32_t fn, uint32_t arg)
{
	code[n++] = movz(0, fn & 0xffff, 0);
	code[n++] = movk(0, fn >> 16, 1);
	code[n++] = movz(1, arg & 0xffff, 0);
	code[n++] = movk(1, arg >> 16, 1);
	code[n++] = 0xd4000002u;
	return n;
}

/*
 * Real guest code through VCPU_RUN: the guest calls the hyp handles inside the run are
 * checked one by one, nested in the run's own check.
 */
static void test_run_guest_checked(void **state)
{
	struct fixture *f = *state;
	uint64_t code_pfn = PFN(BASE) + 90, data_pfn = code_pfn + 1, run_pfn = code_pfn + 2;
	uint32_t code[32], vm = new_vm(f, true, 1, 36), data_ipa = 0x80001000u;
	struct hyp_vcpu_run run;
	unsigned long host_calls, guest_calls;
	unsigned n = 0;
	uint8_t junk[4096];

	n = emit_hvc(code, n, HYP_GUEST_MEM_SHARE, data_ipa);
	n = emit_hvc(code, n, HYP_GUEST_MEM_UNSHARE, data_ipa);
	n = emit_hvc(code, n, HYP_GUEST_MEM_RELINQUISH, data_ipa);
	n = emit_hvc(code, n, 0xc6002000u, 0);		/* the host's: a report */
	n = emit_hvc(code, n, 0x84000008u, 0);		/* PSCI SYSTEM_OFF */
	assert_int_equal(hal_host_write(f->m, hal_pa(code_pfn << 12), code, n * 4, NULL), 0);
	memset(junk, 0x5a, sizeof(junk));
	assert_int_equal(hal_host_write(f->m, hal_pa(data_pfn << 12), junk, 4096, NULL), 0);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, code_pfn, vm, 0x80000), 0);
	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, data_pfn, vm, 0x80001), 0);
	assert_int_equal(call(f, HYP_HOST_SHARE_HYP, run_pfn, 0, 0), 0);
	assert_int_equal(hyp_call(f->h, HYP_HOST_INIT_VCPU, vm, 0, run_pfn, 0x80000000, 0, 0,
				  NULL), 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_LOAD, vm, 0, 0), 0);
	hyp_spec_counts(f->spec, &host_calls, &guest_calls);
	assert_int_equal(guest_calls, 0);

	assert_int_equal(call(f, HYP_HOST_VCPU_RUN, 100000, 0, 0), 0);
	assert_int_equal(hal_host_read(f->m, hal_pa(run_pfn << 12), &run, sizeof(run), NULL), 0);
	assert_int_equal(run.exit_reason, HYP_EXIT_HYPERCALL);
	assert_int_equal(run.hypercall.args[0], 0xc6002000u);
	hyp_spec_counts(f->spec, &host_calls, &guest_calls);
	assert_int_equal(guest_calls, 4);	/* share, unshare, relinquish, the report */
	/* The relinquished page is the host's again (and the spec saw it scrubbed). */
	assert_int_equal(hal_host_read(f->m, hal_pa(data_pfn << 12), junk, 4096, NULL), 0);
	assert_int_equal(junk[0], 0);
	assert_int_equal(call(f, HYP_HOST_VCPU_RUN, 100000, 0, 0), 0);
	assert_int_equal(hal_host_read(f->m, hal_pa(run_pfn << 12), &run, sizeof(run), NULL), 0);
	assert_int_equal(run.exit_reason, HYP_EXIT_SYSTEM_EVENT);
	assert_int_equal(run.system_event.type, HAL_SYSTEM_OFF);
	assert_int_equal(call(f, HYP_HOST_VCPU_PUT, 0, 0, 0), 0);
}

/* check_spec in the config installs the specification, once it is registered. */
static void test_check_spec_config(void **state)
{
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = SIZE, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL), .pool_pages = POOL_PAGES,
				 .check_spec = true };
	struct hal_machine *m;
	struct hyp *h;
	unsigned long host_calls, guest_calls;

	assert_int_equal(hal_machine_create(hal_backend_find("sim"), &mc, &m), 0);
	hyp_set_spec_installer(NULL);
	assert_int_equal(hyp_init(m, &hc, &h), -ENOSYS);
	hyp_spec_register();
	assert_int_equal(hyp_init(m, &hc, &h), 0);
	assert_non_null(hyp_spec_of(h));
	assert_int_equal(hyp_call(h, HYP_HOST_SHARE_HYP, PFN(BASE), 0, 0, 0, 0, 0, NULL), 0);
	assert_int_equal(hyp_call(h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, NULL), 0);
	hyp_spec_counts(hyp_spec_of(h), &host_calls, &guest_calls);
	assert_int_equal(host_calls, 2);
	assert_int_equal(guest_calls, 0);
	assert_int_equal(hyp_spec_check(hyp_spec_of(h)), 0);
	hyp_destroy(h);
	hal_machine_destroy(m);
}

/* ---- (b) the checker detects a corrupted real state --------------------------------- */

/* The stage-2 leaf descriptor of gfn, found by walking the VM's tables here. */
static uint64_t *leaf_of(struct fixture *f, uint32_t vm, uint64_t gfn)
{
	struct hyp_vm_info info;
	uint64_t *t;

	assert_int_equal(hyp_query_vm(f->h, vm, &info), 0);
	t = hal_phys_ptr(f->m, info.s2_root, 4096, true);
	for (int shift = 18; shift >= 9; shift -= 9) {
		uint64_t d = t[(gfn >> shift) & 511];

		assert_int_equal(d & 3, 3);
		t = hal_phys_ptr(f->m, hal_pa(d & 0xfffffffff000ull), 4096, true);
	}
	return &t[gfn & 511];
}

static void expect_diff(struct fixture *f, const char *fmt, ...)
{
	const char *report = hyp_spec_report(f->spec);
	char needle[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	if (!strstr(report, needle))
		fail_msg("report lacks \"%s\":\n%s", needle, report);
}

static void test_detects_host_view_flip(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 3;

	assert_int_equal(hyp_spec_check(f->spec), 0);
	assert_string_equal(hyp_spec_report(f->spec), "");
	/* Revoke a page the host owns behind the hyp's back. */
	assert_int_equal(hal_host_set_access(f->m, hal_pa(pfn << 12), 4096, false), 0);
	assert_int_equal(hyp_spec_check(f->spec), 1);
	expect_diff(f, "pfn 0x40003: expected host OWNED, hyp NOPAGE, owner -, host view on | "
		       "actual host OWNED, hyp NOPAGE, owner -, host view revoked");
	/* The next call's check reports it too, naming the call. */
	assert_int_equal(hyp_call(f->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, NULL), 0);
	assert_int_equal(hyp_spec_mismatches(f->spec), 2);
	expect_diff(f, "after host call HYP_HOST_POOL_INFO");
	/* And giving the view back restores agreement. */
	assert_int_equal(hal_host_set_access(f->m, hal_pa(pfn << 12), 4096, true), 0);
	assert_int_equal(hyp_spec_check(f->spec), 0);
	/* Many differences: every one counted, the first ones shown. */
	assert_int_equal(hal_host_set_access(f->m, hal_pa(BASE), 100 * 4096, false), 0);
	assert_int_equal(hyp_spec_check(f->spec), 100);
	expect_diff(f, "100 difference(s) (first ones shown)");
	expect_diff(f, "pfn 0x40000: expected host OWNED");
	assert_int_equal(hal_host_set_access(f->m, hal_pa(BASE), 100 * 4096, true), 0);
	assert_int_equal(hyp_spec_check(f->spec), 0);
}

static void test_detects_descriptor_pokes(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 30, gfn = 0x80000, *leaf, good;

	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn), 0);
	leaf = leaf_of(f, f->prot, gfn);
	good = *leaf;
	/* Software bits 56:55: OWNED -> SHARED_OWNED. */
	*leaf = (good & ~(3ull << 55)) | (uint64_t)HYP_PAGE_SHARED_OWNED << 55;
	assert_int_equal(hyp_spec_check(f->spec), 1);
	expect_diff(f, "vm %#x gfn 0x80000: expected OWNED pfn 0x4001e | actual "
		       "SHARED_OWNED pfn 0x4001e", f->prot);
	/* The output address: another page. */
	*leaf = good + 4096;
	assert_int_equal(hyp_spec_check(f->spec), 1);
	expect_diff(f, "expected OWNED pfn 0x4001e | actual OWNED pfn 0x4001f");
	/* Permissions: write taken away. */
	*leaf = good & ~(1ull << 7);
	assert_int_equal(hyp_spec_check(f->spec), 1);
	expect_diff(f, "not readable, writable and executable");
	/* A stray mapping next to it, and a non-zero invalid descriptor. */
	*leaf = good;
	leaf[1] = good + 4096;
	leaf[2] = 0x1000;
	assert_int_equal(hyp_spec_check(f->spec), 2);
	expect_diff(f, "vm %#x gfn 0x80001: expected NOPAGE | actual OWNED pfn 0x4001f", f->prot);
	expect_diff(f, "vm %#x gfn 0x80002: invalid descriptor 0x1000 is not zero", f->prot);
	leaf[1] = leaf[2] = 0;
	assert_int_equal(hyp_spec_check(f->spec), 0);
}

/* A corruption that changes what the hyp answers: the result itself is reported. */
static void test_detects_wrong_result(void **state)
{
	struct fixture *f = *state;
	uint64_t pfn = PFN(BASE) + 30, gfn = 0x80000, *leaf;

	assert_int_equal(call(f, HYP_HOST_DONATE_GUEST, pfn, f->prot, gfn), 0);
	leaf = leaf_of(f, f->prot, gfn);
	*leaf = 0;	/* the guest loses the page behind the hyp's back */
	/* The hyp now lets another page go to that gfn; the model says it is taken. */
	assert_int_equal(hyp_call(f->h, HYP_HOST_DONATE_GUEST, pfn + 1, f->prot, gfn, 0, 0, 0,
				  NULL), 0);
	assert_int_equal(hyp_spec_mismatches(f->spec), 1);
	expect_diff(f, "after host call HYP_HOST_DONATE_GUEST(0x4001f, %#x, 0x80000", f->prot);
	expect_diff(f, "x1: expected -EPERM | actual 0 (0)");
}

/* A hyp that did not start where the model starts cannot be attached to. */
static void test_attach_refuses_other_state(void **state)
{
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = SIZE, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL), .pool_pages = POOL_PAGES };
	struct hal_machine *m;
	struct hyp *h;

	assert_int_equal(hal_machine_create(hal_backend_find("sim"), &mc, &m), 0);
	assert_int_equal(hyp_init(m, &hc, &h), 0);
	assert_int_equal(hyp_call(h, HYP_HOST_SHARE_HYP, PFN(BASE), 0, 0, 0, 0, 0, NULL), 0);
	assert_int_equal(hyp_spec_attach(h, &hc, NULL), -EPROTO);
	assert_null(hyp_spec_of(h));
	hyp_destroy(h);
	hal_machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_and_hyp_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_and_vcpu_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_and_reclaim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_table_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firmware, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_guest_checked, setup, teardown),
		cmocka_unit_test(test_check_spec_config),
		cmocka_unit_test_setup_teardown(test_detects_host_view_flip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detects_descriptor_pokes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detects_wrong_result, setup, teardown),
		cmocka_unit_test(test_attach_refuses_other_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
