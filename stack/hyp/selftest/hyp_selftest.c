// SPDX-License-Identifier: MIT
/*
 * hyp-selftest: the hyp's guest-facing side, driven by real guest code (guest/
 * hyp_guest.S, the same bytes on every backend). The program plays the VMM: it donates
 * memory to a protected VM, gives it a run page, runs it through VCPU_RUN and checks,
 * after each report, what the host can and cannot see through the HAL host view:
 *   share      HYP_MEMINFO; MEM_SHARE makes a page readable by the host while the page
 *              next to it stays refused; MEM_UNSHARE takes it away again; double
 *              unshare and sharing a page the guest does not own fail
 *   fault      a guest access to memory it does not own gets an abort; the host is told
 *              nothing
 *   mmio       unguarded MMIO is refused; after ENROLL + MAP the write reaches the host
 *   relinquish MEM_RELINQUISH gives the page back to the host, scrubbed
 * and, after each, that teardown scrubs every page before the host sees it again.
 * Output: one line per scenario per backend, exit 0 only if all pass.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/hyp/hyp.h"

extern const uint8_t hyp_guest_image[], hyp_guest_image_end[];

#define PHYS_BASE	0x40000000ull
#define PHYS_SIZE	(16ull << 20)
#define POOL_PAGES	256ull
#define POOL_BASE	(PHYS_BASE + PHYS_SIZE - POOL_PAGES * 4096)
#define RAM_PFN		((PHYS_BASE >> 12) + 64)	/* host pages given to the guest */
#define RAM_PAGES	16
#define RUN_PFN		((PHYS_BASE >> 12) + 8)
#define GUEST_IPA	0x80000000ull
#define SHARED_PAGE	8				/* guest RAM page indexes */
#define SECRET_PAGE	9
#define REPORT		0xc6002000u

struct st {
	struct hal_machine *m;
	struct hyp *h;
	uint32_t vm;
	char why[256];
};

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		snprintf(s->why, sizeof(s->why), __VA_ARGS__); \
		return -1; \
	} \
} while (0)

static int64_t call(struct st *s, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
		    uint64_t a4, uint64_t a5)
{
	return hyp_call(s->h, fn, a1, a2, a3, a4, a5, 0, NULL);
}

static struct hyp_vcpu_run run_page(struct st *s)
{
	struct hyp_vcpu_run r;

	memset(&r, 0, sizeof(r));
	if (hal_host_read(s->m, hal_pa(RUN_PFN << 12), &r, sizeof(r), NULL))
		r.exit_reason = HYP_EXIT_INTERNAL_ERROR;
	return r;
}

/* Run until the next exit the host sees; answer a report with 0 next time. */
static struct hyp_vcpu_run run(struct st *s)
{
	struct hyp_vcpu_run r;

	for (;;) {
		int64_t rc = call(s, HYP_HOST_VCPU_RUN, 1000000, 0, 0, 0, 0);

		r = run_page(s);
		if (rc) {
			r.exit_reason = HYP_EXIT_INTERNAL_ERROR;
			return r;
		}
		if (r.exit_reason != HYP_EXIT_PREEMPTED && r.exit_reason != HYP_EXIT_IDLE)
			return r;
	}
}

static bool is_report(const struct hyp_vcpu_run *r)
{
	return r->exit_reason == HYP_EXIT_HYPERCALL && (uint32_t)r->hypercall.args[0] == REPORT;
}

static bool host_sees(struct st *s, unsigned guest_page, uint64_t *val)
{
	return !hal_host_read(s->m, hal_pa((RAM_PFN + guest_page) << 12), val, 8, NULL);
}

/* A protected VM with its RAM donated, the image in it, one vCPU at its entry. */
static int boot(struct st *s, unsigned scenario)
{
	size_t len = (size_t)(hyp_guest_image_end - hyp_guest_image);
	uint64_t handle;

	CHECK(hyp_call(s->h, HYP_HOST_INIT_VM, HYP_VM_PROTECTED, 1, 36, 0x3fff0000, 0x3ffd0000,
		       64, &handle) == 0, "init vm");
	s->vm = (uint32_t)handle;
	/* The host writes the image, then gives the pages away: it keeps no access. */
	CHECK(hal_host_write(s->m, hal_pa(RAM_PFN << 12), hyp_guest_image, len, NULL) == 0,
	      "write image");
	for (unsigned i = 0; i < RAM_PAGES; i++)
		CHECK(call(s, HYP_HOST_DONATE_GUEST, RAM_PFN + i, s->vm, (GUEST_IPA >> 12) + i,
			   0, 0) == 0, "donate page %u", i);
	CHECK(call(s, HYP_HOST_SHARE_HYP, RUN_PFN, 0, 0, 0, 0) == 0, "share run page");
	CHECK(call(s, HYP_HOST_INIT_VCPU, s->vm, 0, RUN_PFN, GUEST_IPA, scenario) == 0,
	      "init vcpu");
	CHECK(call(s, HYP_HOST_VCPU_LOAD, s->vm, 0, 0, 0, 0) == 0, "load vcpu");
	return 0;
}

static int expect_report(struct st *s, const char *what, struct hyp_vcpu_run *r)
{
	*r = run(s);
	CHECK(is_report(r), "%s: expected a report, got exit %u", what, r->exit_reason);
	return 0;
}

static int expect_off(struct st *s)
{
	struct hyp_vcpu_run r = run(s);

	CHECK(r.exit_reason == HYP_EXIT_SYSTEM_EVENT && r.system_event.type == HAL_SYSTEM_OFF,
	      "expected SYSTEM_OFF, got exit %u", r.exit_reason);
	return 0;
}

static int scenario_share(struct st *s)
{
	struct hyp_vcpu_run r;
	uint64_t v;

	if (expect_report(s, "meminfo", &r))
		return -1;
	CHECK(r.hypercall.args[1] == 4096, "HYP_MEMINFO gave %#" PRIx64, r.hypercall.args[1]);
	CHECK(!host_sees(s, SHARED_PAGE, &v), "host reads a donated page before MEM_SHARE");
	if (expect_report(s, "share", &r))
		return -1;
	CHECK(r.hypercall.args[1] == 0, "MEM_SHARE returned %#" PRIx64, r.hypercall.args[1]);
	if (expect_report(s, "written", &r))
		return -1;
	CHECK(host_sees(s, SHARED_PAGE, &v) && v == 0x5ea7ed5ea7edull,
	      "host cannot read the shared page (or reads %#" PRIx64 ")", v);
	CHECK(!host_sees(s, SECRET_PAGE, &v), "host reads the page the guest did not share");
	if (expect_report(s, "unshare", &r))
		return -1;
	CHECK(r.hypercall.args[1] == 0, "MEM_UNSHARE returned %#" PRIx64, r.hypercall.args[1]);
	CHECK(!host_sees(s, SHARED_PAGE, &v), "host still reads the page after MEM_UNSHARE");
	if (expect_report(s, "unshare again", &r))
		return -1;
	CHECK(r.hypercall.args[1] == (uint64_t)-3, "second MEM_UNSHARE returned %#" PRIx64,
	      r.hypercall.args[1]);
	if (expect_report(s, "share foreign", &r))
		return -1;
	CHECK(r.hypercall.args[1] == (uint64_t)-3, "sharing a foreign page returned %#" PRIx64,
	      r.hypercall.args[1]);
	return expect_off(s);
}

static int scenario_fault(struct st *s)
{
	struct hyp_vcpu_run r;

	if (expect_report(s, "fault", &r))
		return -1;
	CHECK(r.hypercall.args[1] == 0x25 && r.hypercall.args[2] == 0x90000000,
	      "guest saw EC %#" PRIx64 " FAR %#" PRIx64 ", want 0x25 at 0x90000000",
	      r.hypercall.args[1], r.hypercall.args[2]);
	return expect_off(s);
}

static int scenario_mmio(struct st *s)
{
	struct hyp_vcpu_run r;

	if (expect_report(s, "enroll", &r))
		return -1;
	CHECK(r.hypercall.args[1] == 0, "ENROLL returned %#" PRIx64, r.hypercall.args[1]);
	if (expect_report(s, "map", &r))
		return -1;
	CHECK(r.hypercall.args[1] == 0, "MMIO_GUARD_MAP returned %#" PRIx64, r.hypercall.args[1]);
	r = run(s);
	CHECK(r.exit_reason == HYP_EXIT_MMIO && r.mmio.ipa == 0x10000000 && r.mmio.is_write &&
	      r.mmio.data == 0x42 && r.mmio.size == 4, "guarded MMIO: exit %u ipa %#" PRIx64,
	      r.exit_reason, r.mmio.ipa);
	if (expect_report(s, "unguarded", &r))
		return -1;
	CHECK(r.hypercall.args[1] == 0x25 && r.hypercall.args[2] == 0x10001000,
	      "unguarded MMIO: guest saw EC %#" PRIx64 " FAR %#" PRIx64, r.hypercall.args[1],
	      r.hypercall.args[2]);
	return expect_off(s);
}

static int scenario_relinquish(struct st *s)
{
	struct hyp_vcpu_run r;
	uint64_t v = 1;

	if (expect_report(s, "relinquish", &r))
		return -1;
	CHECK(r.hypercall.args[1] == 0, "MEM_RELINQUISH returned %#" PRIx64, r.hypercall.args[1]);
	CHECK(host_sees(s, SECRET_PAGE, &v) && v == 0, "relinquished page not back scrubbed "
	      "(%#" PRIx64 ")", v);
	return expect_off(s);
}

/* Teardown: every page comes back, and the host reads zeros from all of them. */
static int teardown(struct st *s)
{
	static const uint8_t zero[4096];
	uint8_t page[4096];

	CHECK(call(s, HYP_HOST_VCPU_PUT, 0, 0, 0, 0, 0) == 0, "put");
	CHECK(call(s, HYP_HOST_START_TEARDOWN, s->vm, 0, 0, 0, 0) == 0, "start teardown");
	for (unsigned i = 0; i < RAM_PAGES; i++) {
		int64_t rc = call(s, HYP_HOST_RECLAIM_PAGE, RAM_PFN + i, 0, 0, 0, 0);

		/* A relinquished page is the host's already. */
		CHECK(rc == 0 || (rc == -EPERM && i == SECRET_PAGE), "reclaim page %u: %" PRId64,
		      i, rc);
		CHECK(!hal_host_read(s->m, hal_pa((RAM_PFN + i) << 12), page, 4096, NULL) &&
		      !memcmp(page, zero, 4096), "page %u not scrubbed before the host sees it", i);
	}
	CHECK(call(s, HYP_HOST_FINALIZE_TEARDOWN, s->vm, 0, 0, 0, 0) == 0, "finalize");
	CHECK(call(s, HYP_HOST_UNSHARE_HYP, RUN_PFN, 0, 0, 0, 0) == 0, "unshare run page");
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct st *s);
} scenarios[] = {
	{ "mem-share-unshare", scenario_share },
	{ "guest-fault-not-owned", scenario_fault },
	{ "mmio-guard", scenario_mmio },
	{ "mem-relinquish", scenario_relinquish },
};

int main(int argc, char **argv)
{
	const char *backend = argc > 2 && !strcmp(argv[1], "--backend") ? argv[2] : "sim";
	const struct hal_ops *ops = hal_backend_find(backend);
	unsigned passed = 0, failed = 0;

	if ((argc != 1 && argc != 3) || !ops) {
		fprintf(stderr, "usage: hyp-selftest [--backend NAME]%s%s\n", ops ? "" : ": no backend ",
			ops ? "" : backend);
		return 2;
	}
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct hal_machine_config mc = { .phys_base = PHYS_BASE, .phys_size = PHYS_SIZE,
						 .seed = 3 };
		struct hyp_config hc = { .pool_base = hal_pa(POOL_BASE), .pool_pages = POOL_PAGES };
		struct st st = { 0 }, *s = &st;
		int rc = -1;

		if (hal_machine_create(ops, &mc, &s->m)) {
			snprintf(s->why, sizeof(s->why), "machine: %s", hal_error(NULL));
		} else if (hyp_init(s->m, &hc, &s->h)) {
			snprintf(s->why, sizeof(s->why), "hyp init failed");
		} else {
			rc = boot(s, (unsigned)i);
			if (!rc)
				rc = scenarios[i].run(s);
			if (!rc)
				rc = teardown(s);
		}
		printf("%s  %-4s %-24s %s\n", rc ? "FAIL" : "PASS", backend, scenarios[i].name,
		       rc ? s->why : "");
		rc ? failed++ : passed++;
		hyp_destroy(s->h);
		hal_machine_destroy(s->m);
	}
	printf("hyp-selftest %s: %u passed, %u failed\n", backend, passed, failed);
	return failed ? 1 : 0;
}
