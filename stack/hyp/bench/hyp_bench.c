// SPDX-License-Identifier: MIT
/*
 * hyp-bench: what the hyp's calls cost on the sim backend, as ratios against peers
 * measured in the same run, so that the figures mean something on any machine:
 *
 *   baselines   a no-op host call (POOL_INFO: dispatch, lock, return) and a plain
 *               memcpy of one 4 KiB page;
 *   round trips SHARE_HYP + UNSHARE_HYP, SHARE_GUEST + UNSHARE_GUEST (non-protected
 *               VM), and DONATE_GUEST + teardown/RECLAIM_PAGE (protected VM, a VM
 *               made and finalised per batch);
 *   stage 2     SHARE_GUEST (a map into existing tables), UNSHARE_GUEST (an unmap),
 *               timed apart, and a map that needs two fresh tables;
 *   checking    SHARE_GUEST + UNSHARE_GUEST with the executable specification checking
 *               every call (on a smaller machine: the check reads every page back).
 *
 * Each figure is the best of a few timed batches that each last at least --ms
 * milliseconds. Benchmarks read the host clock; the sim never does. Exit 0, or 1 with a
 * message if any call fails (a benchmark that measures failures measures nothing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stack/hyp/spec/spec.h"

#define BASE		0x40000000ull
#define PFN(pa)		((pa) >> 12)
#define GICD		0x3fff0000ull
#define GICR		0x3ffd0000ull
#define NR_PAGES_BATCH	64	/* pages moved per timed step of the page benchmarks */

struct bench {
	struct hal_machine *m;
	struct hyp *h;
	uint64_t mem_size, pool_pages;
	uint32_t normal, prot;
};

static unsigned budget_ms = 200;
static unsigned rounds = 3;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void must(int64_t rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "hyp-bench: %s: %s\n", what, strerror((int)-rc));
		exit(1);
	}
}

static int64_t call(struct bench *b, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return hyp_call(b->h, fn, a1, a2, a3, 0, 0, 0, NULL);
}

static uint32_t new_vm(struct bench *b, bool prot)
{
	uint64_t handle = 0;

	must(hyp_call(b->h, HYP_HOST_INIT_VM, prot ? HYP_VM_PROTECTED : 0, 1, 36, GICD, GICR, 64,
		      &handle), "init vm");
	return (uint32_t)handle;
}

static void bench_up(struct bench *b, uint64_t mem_size, uint64_t pool_pages, bool check)
{
	struct hal_machine_config mc = { .phys_base = BASE, .phys_size = mem_size, .seed = 1 };
	struct hyp_config hc = { .pool_base = hal_pa(BASE + mem_size - pool_pages * 4096),
				 .pool_pages = pool_pages, .check_spec = check };

	memset(b, 0, sizeof(*b));
	b->mem_size = mem_size;
	b->pool_pages = pool_pages;
	must(hal_machine_create(hal_backend_find("sim"), &mc, &b->m), "create sim machine");
	must(hyp_init(b->m, &hc, &b->h), "hyp init");
	b->normal = new_vm(b, false);
	b->prot = new_vm(b, true);
}

static void bench_down(struct bench *b)
{
	hyp_destroy(b->h);
	hal_machine_destroy(b->m);
}

/*
 * Time step(b, i) for i = 0, 1, ...: batches of growing size until one lasts budget_ms,
 * then the best of `rounds` such batches. Returns steps per second.
 */
static double measure(struct bench *b, void (*step)(struct bench *, uint64_t))
{
	uint64_t n = 1, i = 0;
	double best = 0, t0, dt;

	for (;;) {
		t0 = now_s();
		for (uint64_t k = 0; k < n; k++)
			step(b, i++);
		dt = now_s() - t0;
		if (dt * 1000 >= budget_ms)
			break;
		n *= 2;
	}
	for (unsigned r = 0; r < rounds; r++) {
		t0 = now_s();
		for (uint64_t k = 0; k < n; k++)
			step(b, i++);
		dt = now_s() - t0;
		if (n / dt > best)
			best = (double)n / dt;
	}
	return best;
}

/* ---- the steps -------------------------------------------------------------------------- */

static uint8_t page_src[4096], page_dst[4096];

static void step_noop_call(struct bench *b, uint64_t i)
{
	uint64_t nr_free;

	must(hyp_call(b->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &nr_free), "pool info");
}

static void step_memcpy(struct bench *b, uint64_t i)
{
	page_src[i & 4095] = (uint8_t)i;
	memcpy(page_dst, page_src, sizeof(page_dst));
	/* Keep the copy from being optimised away. */
	__asm__ volatile("" : : "r"(page_dst) : "memory");
}

/* Host pages the page benchmarks cycle through (well away from the pool). */
static uint64_t work_pfn(uint64_t i)
{
	return PFN(BASE) + 16 + i % NR_PAGES_BATCH;
}

static void step_share_unshare_hyp(struct bench *b, uint64_t i)
{
	must(call(b, HYP_HOST_SHARE_HYP, work_pfn(i), 0, 0), "share hyp");
	must(call(b, HYP_HOST_UNSHARE_HYP, work_pfn(i), 0, 0), "unshare hyp");
}

static void step_share_unshare_guest(struct bench *b, uint64_t i)
{
	uint64_t gfn = 0x80000 + i % NR_PAGES_BATCH;

	must(call(b, HYP_HOST_SHARE_GUEST, work_pfn(i), b->normal, gfn), "share guest");
	must(call(b, HYP_HOST_UNSHARE_GUEST, b->normal, gfn, 0), "unshare guest");
}

/* One VM's life with a batch of pages: make, donate, tear down, reclaim, finalise. */
static void step_donate_reclaim(struct bench *b, uint64_t i)
{
	uint32_t vm = new_vm(b, true);

	for (unsigned k = 0; k < NR_PAGES_BATCH; k++)
		must(call(b, HYP_HOST_DONATE_GUEST, work_pfn(k), vm, 0x80000 + k), "donate");
	must(call(b, HYP_HOST_START_TEARDOWN, vm, 0, 0), "start teardown");
	for (unsigned k = 0; k < NR_PAGES_BATCH; k++)
		must(call(b, HYP_HOST_RECLAIM_PAGE, work_pfn(k), 0, 0), "reclaim");
	must(call(b, HYP_HOST_FINALIZE_TEARDOWN, vm, 0, 0), "finalize teardown");
}

/* ---- report ------------------------------------------------------------------------------- */

static void line(const char *what, double per_s, double ops_per_step, double peer,
		 const char *peer_name)
{
	double ops = per_s * ops_per_step;

	printf("  %-46s %10.0f /s  %8.2f us", what, ops, 1e6 / ops);
	if (peer > 0)
		printf("   %6.2fx %s", peer / ops, peer_name);
	printf("\n");
}

/*
 * Stage-2 map and unmap, timed apart: map a batch of pages into tables that exist, then
 * unmap it, until the budget is spent. Then maps that each need two fresh tables (gfns
 * 1 GiB apart, a new VM per batch, its teardown untimed).
 */
static void stage2_lines(struct bench *b, double noop)
{
	double t_map = 0, t_unmap = 0, t_fresh = 0, t0;
	uint64_t ops = 0, fresh = 0;

	must(call(b, HYP_HOST_SHARE_GUEST, work_pfn(0), b->normal, 0x80000), "warm map");
	must(call(b, HYP_HOST_UNSHARE_GUEST, b->normal, 0x80000, 0), "warm unmap");
	while ((t_map + t_unmap) * 1000 < (double)budget_ms * rounds) {
		t0 = now_s();
		for (unsigned k = 0; k < NR_PAGES_BATCH; k++)
			must(call(b, HYP_HOST_SHARE_GUEST, work_pfn(k), b->normal, 0x80000 + k),
			     "map");
		t_map += now_s() - t0;
		t0 = now_s();
		for (unsigned k = 0; k < NR_PAGES_BATCH; k++)
			must(call(b, HYP_HOST_UNSHARE_GUEST, b->normal, 0x80000 + k, 0), "unmap");
		t_unmap += now_s() - t0;
		ops += NR_PAGES_BATCH;
	}
	while (t_fresh * 1000 < (double)budget_ms * rounds) {
		uint64_t handle;

		must(hyp_call(b->h, HYP_HOST_INIT_VM, 0, 1, 39, GICD, GICR, 64, &handle), "vm");
		t0 = now_s();
		for (unsigned k = 0; k < NR_PAGES_BATCH; k++)
			must(call(b, HYP_HOST_SHARE_GUEST, work_pfn(k), (uint32_t)handle,
				  (uint64_t)(k + 1) << 18), "map with fresh tables");
		t_fresh += now_s() - t0;
		fresh += NR_PAGES_BATCH;
		must(call(b, HYP_HOST_START_TEARDOWN, handle, 0, 0), "teardown");
		for (unsigned k = 0; k < NR_PAGES_BATCH; k++)
			must(call(b, HYP_HOST_RECLAIM_PAGE, work_pfn(k), 0, 0), "reclaim");
		must(call(b, HYP_HOST_FINALIZE_TEARDOWN, handle, 0, 0), "finalize");
	}
	line("map (SHARE_GUEST, tables exist)", (double)ops / t_map, 1, noop, "no-op call");
	line("unmap (UNSHARE_GUEST)", (double)ops / t_unmap, 1, noop, "no-op call");
	line("map needing two fresh tables", (double)fresh / t_fresh, 1, noop, "no-op call");
}

int main(int argc, char **argv)
{
	struct bench b;
	double noop, copy, r, checked;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ms") && i + 1 < argc) {
			budget_ms = (unsigned)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--quick")) {
			budget_ms = 20;
			rounds = 1;
		} else {
			fprintf(stderr, "usage: hyp-bench [--ms MILLISECONDS] [--quick]\n");
			return 2;
		}
	}
	hyp_spec_register();
	bench_up(&b, 64ull << 20, 1024, false);
	printf("hyp-bench: sim backend, 64 MiB, %u ms batches, best of %u\n", budget_ms, rounds);
	noop = measure(&b, step_noop_call);
	copy = measure(&b, step_memcpy);
	printf("baselines\n");
	line("no-op host call (POOL_INFO)", noop, 1, 0, "");
	line("memcpy of a 4 KiB page", copy, 1, 0, "");
	printf("round trips (ratio: time per trip / time per no-op call, per page copy)\n");
	r = measure(&b, step_share_unshare_hyp);
	line("SHARE_HYP + UNSHARE_HYP", r, 1, noop, "no-op call");
	r = measure(&b, step_share_unshare_guest);
	line("SHARE_GUEST + UNSHARE_GUEST", r, 1, noop, "no-op call");
	line("  same, against a page copy", r, 1, copy, "page copy");
	r = measure(&b, step_donate_reclaim);
	line("DONATE_GUEST + teardown RECLAIM_PAGE, per page", r, NR_PAGES_BATCH, noop,
	     "no-op call");
	line("VM init + 64 pages + teardown + finalize", r, 1, noop, "no-op call");
	printf("stage 2 (ratio against a no-op call)\n");
	stage2_lines(&b, noop);
	bench_down(&b);

	/* The executable specification reads every page back after each call: on a 4 MiB
	 * machine, what does checking cost? */
	bench_up(&b, 4ull << 20, 64, false);
	r = measure(&b, step_share_unshare_guest);
	bench_down(&b);
	bench_up(&b, 4ull << 20, 64, true);
	checked = measure(&b, step_share_unshare_guest);
	bench_down(&b);
	printf("checking (4 MiB machine: every page read back after each call)\n");
	line("SHARE_GUEST + UNSHARE_GUEST, unchecked", r, 1, 0, "");
	line("SHARE_GUEST + UNSHARE_GUEST, spec checked", checked, 1, r, "unchecked");
	return 0;
}
