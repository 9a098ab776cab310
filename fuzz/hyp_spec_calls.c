// SPDX-License-Identifier: MIT
/*
 * Fuzz target: host calls and guest calls across several VMs, checked against the hyp's
 * executable specification (stack/hyp/spec) after every one. The input is decoded into
 * a sequence of calls on a fresh machine with two protected VMs and one non-protected
 * VM to begin with (INIT_VM adds more); the specification predicts each call's result
 * and post-state from its own model and compares every register, every page, the HAL
 * host view and every stage-2 descriptor. Any difference aborts with a diff, which
 * libFuzzer reports with the input: that is a finding.
 *
 * Guest calls are injected with hyp_test_guest_call() as if the target VM's vCPU 0 had
 * made them; the decoder loads that vCPU first (sharing a run page and initialising it
 * if needed), through checked host calls too. VCPU_RUN is left out: it executes guest
 * instructions, which is the sim's business, not this target's.
 *
 * Input: records, each an opcode byte and five argument bytes [v][p][g0][g1][x]:
 *   op < NR_OPS   host_fns[op] or guest_fns[op - NR_HOST]
 *   op == 0xf0    a raw host function id follows (4 bytes, little endian), then args
 *   op == 0xf1    a raw guest function id follows, then args
 *   op == 0xf2    SET_IRQ, op == 0xf3 VCPU_KICK (own opcodes, so that the meaning of the
 *                 older corpus's op bytes stays as it was)
 *   op == 0xf4    configure an injected failure (lib/fault): v picks the point
 *                 (hyp.host_call, hyp.pool_oom, hyp.guest_share, or none), p when it
 *                 fires (at=1..8, or every time); the specification must expect it
 * v picks a VM, p a pfn, g0/g1 a gfn (a region and an offset, see gfn_of()), x extras.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fault/fault.h"
#include "stack/hyp/spec/spec.h"

#define BASE		0x40000000ull
#define SIZE		(1ull << 20)	/* 256 pages: small, so that setup is cheap */
#define NR_PAGES	(SIZE >> 12)
#define POOL_PAGES	24	/* small: -ENOMEM is reachable (3 roots, then 21 tables) */
#define POOL		(BASE + SIZE - POOL_PAGES * 4096ull)
#define GICD		0x3fff0000ull
#define GICR		0x3ff00000ull
#define MAX_VMS		8
#define RUN_PAGE(slot)	((BASE >> 12) + 200 + (slot))	/* run pages the decoder uses */

static const uint32_t host_fns[] = {
	HYP_HOST_SHARE_HYP, HYP_HOST_UNSHARE_HYP, HYP_HOST_INIT_VM, HYP_HOST_INIT_VCPU,
	HYP_HOST_SHARE_GUEST, HYP_HOST_UNSHARE_GUEST, HYP_HOST_DONATE_GUEST,
	HYP_HOST_VCPU_LOAD, HYP_HOST_VCPU_PUT, HYP_HOST_START_TEARDOWN,
	HYP_HOST_RECLAIM_PAGE, HYP_HOST_FINALIZE_TEARDOWN, HYP_HOST_LOAD_FIRMWARE,
	HYP_HOST_POOL_INFO,
};
static const uint32_t guest_fns[] = {
	HYP_GUEST_HYP_MEMINFO, HYP_GUEST_MEM_SHARE, HYP_GUEST_MEM_UNSHARE,
	HYP_GUEST_MEM_RELINQUISH, HYP_GUEST_MMIO_GUARD_INFO, HYP_GUEST_MMIO_GUARD_ENROLL,
	HYP_GUEST_MMIO_GUARD_MAP, HYP_GUEST_MMIO_GUARD_UNMAP,
	0xc60000ffu,	/* unknown, in pKVM's block */
	0x84000000u,	/* PSCI_VERSION: the host's business */
	0xc6000100u,	/* vendor hypervisor range past pKVM's block: the host's too */
};
#define NR_HOST	(sizeof(host_fns) / sizeof(host_fns[0]))
#define NR_OPS	(NR_HOST + sizeof(guest_fns) / sizeof(guest_fns[0]))

/* Regions of IPA space: shared tables, fresh tables, the firmware, the GIC, the edges. */
static const uint64_t gfn_regions[] = {
	0x80000, 0x80200, 0xc0000, 0x7fc00, 0x0, GICD >> 12, (1ull << 24) - 32, 1ull << 27,
};

static const uint8_t fw_image[5000] = "pvmfw: the fuzzer's firmware image";

struct ctx {
	struct hyp *h;
	uint32_t vms[MAX_VMS];
	unsigned nr_vms;
	int loaded;		/* slot of the VM whose vCPU 0 this thread has loaded, or -1 */
};

static uint64_t pfn_of(uint8_t p)
{
	if (p >= 252)		/* outside memory, on both sides */
		return p & 1 ? (BASE >> 12) - 1 : ((BASE + SIZE) >> 12) + (p & 2);
	return (BASE >> 12) + (uint64_t)p * NR_PAGES / 252;
}

static uint64_t gfn_of(uint8_t g0, uint8_t g1)
{
	return gfn_regions[g0 % 8] + (uint64_t)(g0 >> 3) * 512 * (g1 >> 7) + (g1 & 0x3f);
}

static uint32_t vm_of(const struct ctx *c, uint8_t v)
{
	if (v >= 248 || !c->nr_vms)
		return v == 255 ? 0 : HYP_HANDLE_OFFSET + 0x100 + v;	/* no such VM */
	return c->vms[v % c->nr_vms];
}

static void init_vm(struct ctx *c, uint8_t v, uint8_t p, uint8_t g0, uint8_t x)
{
	static const uint64_t spis[] = { 64, 32, 960, 33, 992, 0 };
	uint64_t handle = 0;

	if (hyp_call(c->h, HYP_HOST_INIT_VM, x & 0x81, v % 4,
		     32 + p % 10, GICD + (g0 & 0x80 ? 0x1000 : 0), GICR, spis[g0 % 6],
		     &handle) == 0 && c->nr_vms < MAX_VMS)
		c->vms[c->nr_vms++] = (uint32_t)handle;
}

static void host_call(struct ctx *c, uint32_t fn, const uint8_t *a)
{
	uint32_t vm = vm_of(c, a[0]);
	uint64_t pfn = pfn_of(a[1]), gfn = gfn_of(a[2], a[3]), x = a[4];

	switch (fn) {
	case HYP_HOST_INIT_VM:
		init_vm(c, a[0], a[1], a[2], a[4]);
		return;
	case HYP_HOST_VCPU_RUN:
		return;		/* runs guest code: not this target's */
	case HYP_HOST_VCPU_LOAD:
		if (hyp_call(c->h, fn, vm, x % 3, 0, 0, 0, 0, NULL) == 0)
			c->loaded = -2;		/* some vCPU, not the decoder's */
		return;
	case HYP_HOST_VCPU_PUT:
		hyp_call(c->h, fn, 0, 0, 0, 0, 0, 0, NULL);
		c->loaded = -1;
		return;
	case HYP_HOST_INIT_VCPU:
		hyp_call(c->h, fn, vm, x % 3, pfn, 0, 0, 0, NULL);
		return;
	case HYP_HOST_UNSHARE_GUEST:
	case HYP_HOST_START_TEARDOWN:
	case HYP_HOST_FINALIZE_TEARDOWN:
		hyp_call(c->h, fn, vm, gfn, 0, 0, 0, 0, NULL);
		return;
	case HYP_HOST_LOAD_FIRMWARE:
		hyp_call(c->h, fn, vm, gfn, x % 4, 0, 0, 0, NULL);
		return;
	case HYP_HOST_SET_IRQ:
		/* INTIDs 0..255, or 0..1020 by 4 (up to 960 SPIs); levels 0..2. */
		hyp_call(c->h, fn, vm, x & 1 ? a[1] * 4u : a[1], a[3] % 3, 0, 0, 0, NULL);
		return;
	case HYP_HOST_VCPU_KICK:
		hyp_call(c->h, fn, vm, x % 3, 0, 0, 0, 0, NULL);
		return;
	default:	/* pfn-first calls, and unknown ids */
		hyp_call(c->h, fn, pfn, vm, gfn, x, 0, 0, NULL);
		return;
	}
}

/* Make vCPU 0 of VM slot the one loaded on this thread: put, share, init, load. */
static bool load_for_guest(struct ctx *c, unsigned slot)
{
	uint32_t vm = c->vms[slot];

	if (c->loaded == (int)slot)
		return true;
	hyp_call(c->h, HYP_HOST_VCPU_PUT, 0, 0, 0, 0, 0, 0, NULL);
	c->loaded = -1;
	if (hyp_call(c->h, HYP_HOST_VCPU_LOAD, vm, 0, 0, 0, 0, 0, NULL)) {
		hyp_call(c->h, HYP_HOST_SHARE_HYP, RUN_PAGE(slot), 0, 0, 0, 0, 0, NULL);
		hyp_call(c->h, HYP_HOST_INIT_VCPU, vm, 0, RUN_PAGE(slot), 0, 0, 0, NULL);
		if (hyp_call(c->h, HYP_HOST_VCPU_LOAD, vm, 0, 0, 0, 0, 0, NULL))
			return false;
	}
	c->loaded = (int)slot;
	return true;
}

static void guest_call(struct ctx *c, uint32_t fn, const uint8_t *a)
{
	uint64_t args[7] = { fn, gfn_of(a[2], a[3]) << 12 }, ret[4];

	if (!c->nr_vms || !load_for_guest(c, a[0] % c->nr_vms))
		return;
	if (a[4] & 0x80)
		args[1] |= a[4] & 0x7f;		/* not page aligned */
	if (a[4] & 0x40)
		args[2] = a[1];			/* an argument the call does not use */
	hyp_test_guest_call(c->h, args, ret);
}

/* Op 0xf4: the next calls may fail the ways hyp.h's fault points say. */
static void inject(const uint8_t *a)
{
	static const char *const points[] = { "hyp.host_call", "hyp.pool_oom",
					      "hyp.guest_share" };
	char rule[64];

	if (a[0] % 4 == 3) {
		fault_configure(NULL, NULL, 0);
		return;
	}
	if (a[1] & 0x80)
		snprintf(rule, sizeof(rule), "%s", points[a[0] % 4]);
	else
		snprintf(rule, sizeof(rule), "%s:at=%u", points[a[0] % 4], 1 + a[1] % 8);
	if (fault_configure(rule, NULL, 0))
		abort();
}

static uint32_t le32(const uint8_t *b)
{
	return b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void run_input(struct ctx *c, const uint8_t *data, size_t size)
{
	size_t i = 0;

	while (i < size) {
		uint8_t op = data[i++];
		bool raw = op == 0xf0 || op == 0xf1;
		uint32_t fn = 0;

		if (raw) {
			if (i + 4 > size)
				break;
			fn = le32(&data[i]);
			i += 4;
		}
		if (i + 5 > size)
			break;
		if (raw && op == 0xf0)
			host_call(c, fn, &data[i]);
		else if (op == 0xf2 || op == 0xf3)
			host_call(c, op == 0xf2 ? HYP_HOST_SET_IRQ : HYP_HOST_VCPU_KICK, &data[i]);
		else if (op == 0xf4)
			inject(&data[i]);
		else if (raw)
			guest_call(c, fn, &data[i]);
		else if (op % NR_OPS < NR_HOST)
			host_call(c, host_fns[op % NR_OPS], &data[i]);
		else
			guest_call(c, guest_fns[op % NR_OPS - NR_HOST], &data[i]);
		i += 5;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = SIZE, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL), .pool_pages = POOL_PAGES,
				 .pvmfw = fw_image, .pvmfw_size = sizeof(fw_image),
				 .check_spec = true };
	struct hal_machine *m;
	struct ctx c = { .loaded = -1 };

	hyp_spec_register();
	if (fault_configure(NULL, NULL, 0))
		abort();
	if (hal_machine_create(hal_backend_find("sim"), &mc, &m))
		abort();
	if (hyp_init(m, &hc, &c.h) || !hyp_spec_of(c.h))
		abort();
	/* Two protected VMs and a non-protected one, with two vCPUs each. */
	for (int i = 0; i < 3; i++) {
		uint64_t handle;

		if (hyp_call(c.h, HYP_HOST_INIT_VM, i < 2 ? HYP_VM_PROTECTED : 0, 2, 36, GICD,
			     GICR, 64, &handle))
			abort();
		c.vms[c.nr_vms++] = (uint32_t)handle;
	}
	run_input(&c, data, size);
	fault_configure(NULL, NULL, 0);
	hyp_call(c.h, HYP_HOST_VCPU_PUT, 0, 0, 0, 0, 0, 0, NULL);
	hyp_destroy(c.h);
	hal_machine_destroy(m);
	return 0;
}
