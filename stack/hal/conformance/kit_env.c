// SPDX-License-Identifier: MIT
/*
 * The conformance kit's environment: a fresh machine and VM per check, the kit's own
 * stage-2 table writer (it plays the hyp, and must not depend on ours), the guest image
 * loaded at IPA 0x80000000, and a run helper that turns idle, preemption and hangs into
 * something a check can assert on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack/hal/conformance/kit.h"

extern const uint8_t kit_guest_image[], kit_guest_image_end[];

const char *kit_trace_path;

#define PHYS_BASE	0x40000000ull
#define PHYS_SIZE	(32ull << 20)
#define TABLE_POOL	PHYS_BASE			/* first 1 MiB: stage-2 tables */
#define GUEST_PA	(PHYS_BASE + (1ull << 20))	/* then guest RAM */
#define GUEST_PAGES	256				/* 1 MiB at IPA 0x80000000 */

#define D_VALID		(1ull << 0)
#define D_TABLE		(1ull << 1)
#define D_NORMAL	(0xfull << 2)
#define D_R		(1ull << 6)
#define D_W		(1ull << 7)
#define D_SH		(3ull << 8)
#define D_AF		(1ull << 10)
#define D_XN		(1ull << 54)
#define D_OA		0x000000fffffff000ull

static uint64_t *table_at(struct kit_env *e, uint64_t pa)
{
	return hal_phys_ptr(e->m, hal_pa(pa), 4096, true);
}

static uint64_t alloc_table(struct kit_env *e)
{
	uint64_t pa = TABLE_POOL + e->next_table++ * 4096ull;

	memset(table_at(e, pa), 0, 4096);
	return pa;
}

void kit_s2_map(struct kit_env *e, uint64_t ipa, uint64_t pa, unsigned prot)
{
	uint64_t t = e->s2_root;

	for (int level = 1; level < 3; level++) {
		uint64_t *tab = table_at(e, t);
		unsigned i = (ipa >> (39 - 9 * level)) & 511;

		if (!(tab[i] & D_VALID))
			tab[i] = alloc_table(e) | D_VALID | D_TABLE;
		t = tab[i] & D_OA;
	}
	table_at(e, t)[(ipa >> 12) & 511] = prot ? (pa & D_OA) | D_VALID | D_TABLE | D_NORMAL |
		D_SH | D_AF | ((prot & KIT_R) ? D_R : 0) | ((prot & KIT_W) ? D_W : 0) |
		((prot & KIT_X) ? 0 : D_XN) : 0;
	hal_vm_invalidate(e->vm, hal_ipa(ipa), 4096);
}

int kit_env_new(struct kit_env *e, const struct hal_ops *ops, unsigned nr_vcpus,
		char *why, size_t whylen)
{
	struct hal_machine_config mc = {
		.phys_base = PHYS_BASE, .phys_size = PHYS_SIZE, .seed = 7,
		.trace_path = kit_trace_path,
	};
	struct hal_vm_config vc = {
		.vmid = 1, .ipa_bits = 39, .gicd_base = KIT_GICD, .gicr_base = KIT_GICR,
		.nr_spis = 64,
	};
	size_t len = (size_t)(kit_guest_image_end - kit_guest_image);
	int rc;

	memset(e, 0, sizeof(*e));
	rc = hal_machine_create(ops, &mc, &e->m);
	if (rc) {
		snprintf(why, whylen, "machine: %s", hal_error(NULL));
		return rc;
	}
	rc = hal_vm_create(e->m, &vc, &e->vm);
	if (rc)
		goto fail;
	e->s2_root = alloc_table(e);
	/* VTCR: T0SZ 25 (39-bit IPA), SL0 1 (level 1), WB, inner shareable, 4K, PS 40 bits. */
	rc = hal_vm_set_stage2(e->vm, hal_pa(e->s2_root),
			       25 | 1ull << 6 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 2ull << 16);
	if (rc)
		goto fail;
	for (unsigned i = 0; i < GUEST_PAGES; i++)
		kit_s2_map(e, KIT_GUEST_IPA + i * 4096ull, GUEST_PA + i * 4096ull,
			   KIT_R | KIT_W | KIT_X);
	memcpy(hal_phys_ptr(e->m, hal_pa(GUEST_PA), len, true), kit_guest_image, len);
	for (unsigned i = 0; i < nr_vcpus; i++) {
		rc = hal_vcpu_create(e->vm, i, i == 0, &e->vcpu[i]);
		if (rc)
			goto fail;
		rc = hal_vcpu_set_reg(e->vcpu[i], HAL_REG_PC, KIT_GUEST_IPA);
		if (rc)
			goto fail;
	}
	e->nr_vcpus = nr_vcpus;
	rc = hal_vm_finalize(e->vm);
	if (rc)
		goto fail;
	return 0;
fail:
	snprintf(why, whylen, "setup: %s (%s)", hal_error(e->m), strerror(-rc));
	kit_env_free(e);
	return rc;
}

void kit_env_free(struct kit_env *e)
{
	hal_machine_destroy(e->m);
	memset(e, 0, sizeof(*e));
}

uint64_t kit_page_pa(unsigned n)
{
	/* Spare physical pages after the guest's RAM, for data pages the checks map. */
	return GUEST_PA + (GUEST_PAGES + n) * 4096ull;
}

int kit_start(struct kit_env *e, unsigned test)
{
	return hal_vcpu_set_reg(e->vcpu[0], HAL_REG_X0, test);
}

/* A hang guard: if a run does not return in 20 s, kick it (the check then fails). */
struct watchdog {
	struct hal_vcpu *v;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
};

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 20;
	pthread_mutex_lock(&w->lock);
	while (!w->done)
		if (pthread_cond_timedwait(&w->cond, &w->lock, &ts))
			break;
	if (!w->done)
		hal_vcpu_kick(w->v);
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

const struct hal_exit *kit_run(struct kit_env *e, unsigned idx)
{
	struct hal_vcpu *v = e->vcpu[idx];
	bool budget = hal_capability(e->m, HAL_CAP_BUDGET);
	struct watchdog w = { .v = v, .lock = PTHREAD_MUTEX_INITIALIZER,
			      .cond = PTHREAD_COND_INITIALIZER };
	const struct hal_exit *x = hal_vcpu_exit(v);
	pthread_t t;
	bool guarded = !budget && pthread_create(&t, NULL, watchdog_main, &w) == 0;

	if (budget)
		hal_vcpu_set_budget(v, 1000000);
	for (unsigned spins = 0; spins < 200; spins++) {
		if (hal_vcpu_run(v)) {
			e->failed_run = true;
			break;
		}
		if (x->kind == HAL_EXIT_PREEMPTED)
			continue;
		if (x->kind == HAL_EXIT_IDLE && hal_capability(e->m, HAL_CAP_VIRTUAL_TIME)) {
			uint64_t ns;

			/* Nothing to do until the next timer: skip the idle time. */
			if (!hal_clock_next_deadline(e->m, &ns) && ns != UINT64_MAX)
				hal_clock_advance(e->m, ns);
			else
				break;
			continue;
		}
		break;
	}
	if (guarded) {
		pthread_mutex_lock(&w.lock);
		w.done = true;
		pthread_cond_signal(&w.cond);
		pthread_mutex_unlock(&w.lock);
		pthread_join(t, NULL);
	}
	return x;
}

bool kit_is_report(const struct hal_exit *x)
{
	return x->kind == HAL_EXIT_HYPERCALL && x->hypercall.func_id == KIT_REPORT;
}
