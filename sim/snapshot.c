// SPDX-License-Identifier: MIT
/*
 * Snapshots and the state hash.
 *
 * Memory is captured copy-on-write: taking a snapshot clears every page's DIRTY flag
 * (and so the write bits of every TLB entry); the first store to a clean page saves a
 * copy of it (sim_page_touch) and records it in m->dirty_list. Restoring copies back
 * only those pages, so its cost follows the pages written since the snapshot.
 */
#include <stdlib.h>

#include "sim/internal.h"

struct sim_snapshot {
	unsigned nr_cpus, nr_parts;
	struct sim_cpu *cpus;		/* copies of every CPU, in m->cpus order */
	struct { uint64_t s2_root, vtcr; void *gic; size_t gic_len; } *parts;
	uint64_t now_ns;
	uint64_t rng[4];
};

void sim_snapshot_free(struct sim_machine *m);
void sim_snapshot_free(struct sim_machine *m)
{
	struct sim_snapshot *s = m->snap;

	if (!s)
		return;
	for (unsigned i = 0; i < s->nr_parts; i++)
		free(s->parts[i].gic);
	free(s->parts);
	free(s->cpus);
	free(s);
	m->snap = NULL;
}

int sim_machine_snapshot(struct sim_machine *m)
{
	struct sim_snapshot *s;

	sim_snapshot_free(m);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->cpus = calloc(m->nr_cpus ? m->nr_cpus : 1, sizeof(*s->cpus));
	s->parts = calloc(m->nr_parts ? m->nr_parts : 1, sizeof(*s->parts));
	if (!s->cpus || !s->parts)
		goto nomem;
	s->nr_cpus = m->nr_cpus;
	s->nr_parts = m->nr_parts;
	for (unsigned i = 0; i < m->nr_cpus; i++)
		s->cpus[i] = *m->cpus[i];
	for (unsigned i = 0; i < m->nr_parts; i++) {
		struct sim_part *p = m->parts[i];

		s->parts[i].s2_root = p->s2_root;
		s->parts[i].vtcr = p->vtcr;
		if (p->gic) {
			s->parts[i].gic_len = sim_gic_state_size(p->gic);
			s->parts[i].gic = malloc(s->parts[i].gic_len);
			if (!s->parts[i].gic)
				goto nomem;
			sim_gic_state_save(p->gic, s->parts[i].gic);
		}
	}
	s->now_ns = m->now_ns;
	memcpy(s->rng, m->rng, sizeof(s->rng));
	m->snap = s;
	for (unsigned i = 0; i < m->nr_ram; i++) {
		struct sim_ram *r = &m->ram[i];

		for (uint64_t p = 0; p < r->size >> SIM_PAGE_SHIFT; p++)
			r->pflags[p] &= ~SIM_PG_DIRTY;
	}
	m->nr_dirty = 0;
	for (unsigned i = 0; i < m->nr_cpus; i++)
		sim_tlb_flush_all(m->cpus[i]);
	return 0;
nomem:
	m->snap = s;
	sim_snapshot_free(m);
	return -ENOMEM;
}

/* Copy a saved CPU back, keeping what is not architectural state. */
static void cpu_restore(struct sim_cpu *c, const struct sim_cpu *saved)
{
	struct sim_tlb_entry *tlb = c->tlb;
	struct sim_machine *m = c->m;
	struct sim_part *p = c->part;

	*c = *saved;
	c->tlb = tlb;
	c->m = m;
	c->part = p;
	c->code_page = NULL;
	c->code_vpage = UINT64_MAX;
	c->exit_pending = false;
	c->kicked = 0;
	sim_tlb_flush_all(c);
}

int sim_machine_restore(struct sim_machine *m)
{
	struct sim_snapshot *s = m->snap;

	if (!s)
		return -ENOENT;
	if (s->nr_cpus != m->nr_cpus || s->nr_parts != m->nr_parts)
		return -EINVAL;
	for (size_t i = 0; i < m->nr_dirty; i++) {
		uint64_t pa = m->dirty_list[i];
		struct sim_ram *r = sim_ram_find(m, pa, SIM_PAGE_SIZE);
		uint64_t idx = (pa - r->base) >> SIM_PAGE_SHIFT;

		/* sim_page_touch drops decoded code; then the content goes back clean. */
		sim_page_touch(m, r, pa);
		memcpy(r->mem + (pa - r->base), r->saved[idx], SIM_PAGE_SIZE);
		r->pflags[idx] &= ~SIM_PG_DIRTY;
	}
	m->nr_dirty = 0;
	for (unsigned i = 0; i < m->nr_cpus; i++)
		cpu_restore(m->cpus[i], &s->cpus[i]);
	for (unsigned i = 0; i < m->nr_parts; i++) {
		struct sim_part *p = m->parts[i];

		p->s2_root = s->parts[i].s2_root;
		p->vtcr = s->parts[i].vtcr;
		if (p->gic)
			sim_gic_state_load(p->gic, s->parts[i].gic);
	}
	m->now_ns = s->now_ns;
	memcpy(m->rng, s->rng, sizeof(m->rng));
	return 0;
}

/* FNV-1a, 64 bit. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t hash_cpu(uint64_t h, struct sim_cpu *c)
{
	uint64_t pstate = sim_pstate_get(c);
	uint64_t sp0, sp1;

	sim_cpu_get_reg(c, SIM_REG_SP_EL0, &sp0);
	sim_cpu_get_reg(c, SIM_REG_SP_EL1, &sp1);
	h = fnv(h, c->x, sizeof(c->x));
	h = fnv(h, &c->pc, sizeof(c->pc));
	h = fnv(h, &pstate, sizeof(pstate));
	h = fnv(h, &sp0, sizeof(sp0));
	h = fnv(h, &sp1, sizeof(sp1));
	h = fnv(h, c->v, sizeof(c->v));
	h = fnv(h, &c->fpcr, sizeof(c->fpcr));
	h = fnv(h, &c->fpsr, sizeof(c->fpsr));
	h = fnv(h, c->sysreg, sizeof(c->sysreg));
	h = fnv(h, &c->timer, sizeof(c->timer));
	h = fnv(h, &c->gic, sizeof(c->gic));
	h = fnv(h, &c->powered, sizeof(c->powered));
	return h;
}

uint64_t sim_machine_state_hash(struct sim_machine *m)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < m->nr_cpus; i++)
		h = hash_cpu(h, m->cpus[i]);
	for (unsigned i = 0; i < m->nr_parts; i++) {
		struct sim_part *p = m->parts[i];

		h = fnv(h, &p->s2_root, sizeof(p->s2_root));
		h = fnv(h, &p->vtcr, sizeof(p->vtcr));
		if (p->gic) {
			size_t len = sim_gic_state_size(p->gic);
			void *buf = malloc(len);

			if (buf) {
				sim_gic_state_save(p->gic, buf);
				h = fnv(h, buf, len);
				free(buf);
			}
		}
	}
	for (unsigned i = 0; i < m->nr_ram; i++)
		h = fnv(h, m->ram[i].mem, m->ram[i].size);
	h = fnv(h, &m->now_ns, sizeof(m->now_ns));
	return h;
}
