// SPDX-License-Identifier: MIT
/*
 * Machine, RAM regions, partitions and CPU objects; the virtual clock and the seeded
 * random stream. The run loop is in exec.c, memory access in mem.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/internal.h"

/* xoshiro256**, seeded through splitmix64 so that any seed (even 0) gives a good state. */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_machine_random_u64(struct sim_machine *m)
{
	uint64_t *s = m->rng;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

void sim_machine_random(struct sim_machine *m, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t r = sim_machine_random_u64(m);
		size_t n = len < 8 ? len : 8;

		memcpy(p, &r, n);
		p += n;
		len -= n;
	}
}

int sim_machine_create(const struct sim_machine_config *cfg, struct sim_machine **out)
{
	struct sim_machine *m;
	uint64_t seed;

	if (!cfg || !out || cfg->max_cpus > SIM_MAX_CPUS)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->cfg = *cfg;
	seed = cfg->seed;
	for (int i = 0; i < 4; i++)
		m->rng[i] = splitmix64(&seed);
	if (cfg->trace_path) {
		m->trace = fopen(cfg->trace_path, "w");
		if (!m->trace) {
			int err = -errno;

			free(m);
			return err;
		}
	}
	*out = m;
	return 0;
}

static void ram_free(struct sim_ram *r)
{
	uint64_t pages = r->size >> SIM_PAGE_SHIFT;

	for (uint64_t i = 0; i < pages; i++) {
		free(r->saved[i]);
		free(r->code[i]);
	}
	free(r->saved);
	free(r->code);
	free(r->pflags);
	free(r->mem);
}

void sim_snapshot_free(struct sim_machine *m);	/* snapshot.c */

void sim_machine_destroy(struct sim_machine *m)
{
	if (!m)
		return;
	while (m->nr_parts)
		sim_part_destroy(m->parts[m->nr_parts - 1]);
	for (unsigned i = 0; i < m->nr_ram; i++)
		ram_free(&m->ram[i]);
	while (m->free_code) {
		struct sim_code_page *next = *(struct sim_code_page **)m->free_code;

		free(m->free_code);
		m->free_code = next;
	}
	sim_snapshot_free(m);
	free(m->dirty_list);
	if (m->trace)
		fclose(m->trace);
	free(m);
}

int sim_machine_add_ram(struct sim_machine *m, uint64_t pa, uint64_t size)
{
	struct sim_ram *r;
	uint64_t pages;

	if (!size || (pa | size) & SIM_PAGE_MASK || pa + size < pa || pa + size > (1ull << 48))
		return -EINVAL;
	for (unsigned i = 0; i < m->nr_ram; i++)
		if (pa < m->ram[i].base + m->ram[i].size && m->ram[i].base < pa + size)
			return -EEXIST;
	if (m->nr_ram == SIM_MAX_RAM)
		return -ENOSPC;
	r = &m->ram[m->nr_ram];
	pages = size >> SIM_PAGE_SHIFT;
	r->mem = calloc(1, size);
	r->pflags = malloc(pages);
	r->saved = calloc(pages, sizeof(*r->saved));
	r->code = calloc(pages, sizeof(*r->code));
	if (!r->mem || !r->pflags || !r->saved || !r->code) {
		free(r->mem);
		free(r->pflags);
		free(r->saved);
		free(r->code);
		memset(r, 0, sizeof(*r));
		return -ENOMEM;
	}
	/* No snapshot yet: every page may be written without bookkeeping. */
	memset(r->pflags, m->snap ? 0 : SIM_PG_DIRTY, pages);
	r->base = pa;
	r->size = size;
	m->nr_ram++;
	return 0;
}

struct sim_ram *sim_ram_find(struct sim_machine *m, uint64_t pa, uint64_t len)
{
	for (unsigned i = 0; i < m->nr_ram; i++) {
		struct sim_ram *r = &m->ram[i];

		if (pa >= r->base && pa - r->base < r->size && len <= r->size - (pa - r->base))
			return r;
	}
	return NULL;
}

void *sim_phys_ptr(struct sim_machine *m, uint64_t pa, uint64_t len, bool for_write)
{
	struct sim_ram *r = sim_ram_find(m, pa, len ? len : 1);

	if (!r)
		return NULL;
	if (for_write && len) {
		uint64_t first = pa & ~SIM_PAGE_MASK, last = (pa + len - 1) & ~SIM_PAGE_MASK;

		for (uint64_t p = first; p <= last; p += SIM_PAGE_SIZE)
			sim_page_touch(m, r, p);
	}
	return r->mem + (pa - r->base);
}

int sim_phys_read(struct sim_machine *m, uint64_t pa, void *dst, uint64_t len)
{
	void *p = sim_phys_ptr(m, pa, len, false);

	if (!p)
		return -EFAULT;
	memcpy(dst, p, len);
	return 0;
}

int sim_phys_write(struct sim_machine *m, uint64_t pa, const void *src, uint64_t len)
{
	void *p = sim_phys_ptr(m, pa, len, true);

	if (!p)
		return -EFAULT;
	memcpy(p, src, len);
	return 0;
}

/* ---- time ---------------------------------------------------------------------------- */

uint64_t sim_machine_now_ns(const struct sim_machine *m)
{
	return m->now_ns;
}

uint64_t sim_machine_next_deadline(const struct sim_machine *m)
{
	uint64_t best = UINT64_MAX;

	for (unsigned i = 0; i < m->nr_cpus; i++) {
		uint64_t d = sim_timer_deadline(m->cpus[i]);

		if (d < best)
			best = d;
	}
	return best;
}

void sim_machine_advance_to(struct sim_machine *m, uint64_t ns)
{
	/* Even when ns is not ahead, timers due by now must fire (a scheduler may hand
	 * back a deadline that already passed). */
	if (ns > m->now_ns)
		m->now_ns = ns;
	for (unsigned i = 0; i < m->nr_cpus; i++)
		sim_timer_update(m->cpus[i]);
}

/* ---- partitions ------------------------------------------------------------------------- */

int sim_part_create(struct sim_machine *m, const struct sim_part_config *cfg,
		    struct sim_part **out)
{
	struct sim_part *p;
	int err;

	if (m->nr_parts == SIM_MAX_PARTS)
		return -ENOSPC;
	for (unsigned i = 0; i < m->nr_parts; i++)
		if (m->parts[i]->vmid == cfg->vmid)
			return -EEXIST;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->m = m;
	p->vmid = cfg->vmid;
	p->stage2 = cfg->stage2;
	if (cfg->gicd_base) {
		err = sim_gic_create(p, cfg->gicd_base, cfg->gicr_base, cfg->nr_spis, &p->gic);
		if (err) {
			free(p);
			return err;
		}
	}
	m->parts[m->nr_parts++] = p;
	*out = p;
	return 0;
}

static void cpu_free(struct sim_machine *m, struct sim_cpu *c)
{
	for (unsigned i = 0; i < m->nr_cpus; i++) {
		if (m->cpus[i] == c) {
			m->cpus[i] = m->cpus[--m->nr_cpus];
			break;
		}
	}
	free(c->tlb);
	free(c);
}

void sim_part_destroy(struct sim_part *p)
{
	struct sim_machine *m;

	if (!p)
		return;
	m = p->m;
	for (unsigned i = 0; i < p->nr_cpus; i++)
		cpu_free(m, p->cpus[i]);
	if (p->gic)
		sim_gic_destroy(p->gic);
	for (unsigned i = 0; i < m->nr_parts; i++) {
		if (m->parts[i] == p) {
			memmove(&m->parts[i], &m->parts[i + 1],
				(m->nr_parts - i - 1) * sizeof(m->parts[0]));
			m->nr_parts--;
			break;
		}
	}
	free(p);
}

int sim_part_add_mmio(struct sim_part *p, uint64_t base, uint64_t size,
		      const struct sim_mmio_ops *ops, void *opaque)
{
	if (!size || base + size < base || !ops || !ops->read || !ops->write)
		return -EINVAL;
	for (unsigned i = 0; i < p->nr_mmio; i++) {
		struct sim_mmio_region *r = &p->mmio[i];

		if (base < r->base + r->size && r->base < base + size)
			return -EEXIST;
	}
	if (p->nr_mmio == SIM_MAX_MMIO)
		return -ENOSPC;
	p->mmio[p->nr_mmio++] = (struct sim_mmio_region){ base, size, ops, opaque };
	return 0;
}

struct sim_mmio_region *sim_part_find_mmio(struct sim_part *p, uint64_t addr)
{
	for (unsigned i = 0; i < p->nr_mmio; i++)
		if (addr >= p->mmio[i].base && addr - p->mmio[i].base < p->mmio[i].size)
			return &p->mmio[i];
	return NULL;
}

int sim_part_set_stage2(struct sim_part *p, uint64_t root_pa, uint64_t vtcr)
{
	unsigned t0sz = vtcr & 0x3f, tg0 = (vtcr >> 14) & 3;

	if (!p->stage2 || tg0 != 0 || t0sz < 24 || t0sz > 39 || (root_pa & SIM_PAGE_MASK))
		return -EINVAL;
	p->s2_root = root_pa;
	p->vtcr = vtcr;
	sim_part_tlbi_ipa(p, 0, 0);
	return 0;
}

void sim_part_tlbi_ipa(struct sim_part *p, uint64_t ipa, uint64_t size)
{
	/*
	 * TLB entries combine both stages, so an IPA-based invalidation has to drop every
	 * entry of the VMID whose IPA falls in the range; a full flush of the partition's
	 * CPUs is exact and cheap (SIM_TLB_ENTRIES entries each).
	 */
	for (unsigned i = 0; i < p->nr_cpus; i++) {
		struct sim_cpu *c = p->cpus[i];

		if (!size) {
			sim_tlb_flush_all(c);
			continue;
		}
		for (unsigned e = 0; e < SIM_TLB_ENTRIES; e++) {
			struct sim_tlb_entry *t = &c->tlb[e];

			if (t->vpage != UINT64_MAX && t->ipa >= (ipa & ~SIM_PAGE_MASK) &&
			    t->ipa < ipa + size)
				t->vpage = UINT64_MAX;
		}
		c->code_page = NULL;
		c->events |= SIM_EV_REFETCH;
		sim_cpu_stop_slice(c);
	}
}

int sim_part_set_irq(struct sim_part *p, unsigned intid, bool level, unsigned cpu_index)
{
	if (!p->gic)
		return -ENODEV;
	return sim_gic_set_level(p->gic, intid, level, cpu_index);
}

struct sim_cpu *sim_part_cpu(struct sim_part *p, unsigned index)
{
	for (unsigned i = 0; i < p->nr_cpus; i++)
		if (p->cpus[i]->index == index)
			return p->cpus[i];
	return NULL;
}

unsigned sim_part_nr_cpus(const struct sim_part *p)
{
	return p->nr_cpus;
}

/* ---- CPUs ------------------------------------------------------------------------------ */

int sim_cpu_create(struct sim_part *p, unsigned index, struct sim_cpu **out)
{
	struct sim_machine *m = p->m;
	struct sim_cpu *c;

	if (index >= SIM_MAX_CPUS || sim_part_cpu(p, index))
		return -EEXIST;
	if (m->nr_cpus >= (m->cfg.max_cpus ? m->cfg.max_cpus : SIM_MAX_CPUS))
		return -ENOSPC;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->tlb = malloc(SIM_TLB_ENTRIES * sizeof(*c->tlb));
	if (!c->tlb) {
		free(c);
		return -ENOMEM;
	}
	c->m = m;
	c->part = p;
	c->index = index;
	c->mpidr = (1ull << 31) | ((uint64_t)(index >> 4) << 8) | (index & 15);
	sim_cpu_reset(c);
	p->cpus[p->nr_cpus++] = c;
	m->cpus[m->nr_cpus++] = c;
	*out = c;
	return 0;
}

void sim_cpu_reset(struct sim_cpu *c)
{
	memset(c->x, 0, sizeof(c->x));
	memset(c->v, 0, sizeof(c->v));
	memset(c->sysreg, 0, sizeof(c->sysreg));
	memset(&c->timer, 0, sizeof(c->timer));
	memset(&c->gic, 0, sizeof(c->gic));
	c->sp = c->sp_el0 = c->sp_el1 = 0;
	c->pc = 0;
	c->nzcv = 0;
	c->fpcr = c->fpsr = 0;
	c->el = 1;
	c->spsel = 1;
	c->daif = SIM_DAIF_D | SIM_DAIF_A | SIM_DAIF_I | SIM_DAIF_F;
	/* SCTLR_EL1 reset: MMU and caches off; the RES1 bits of Armv8.0. */
	c->sysreg[SR_SCTLR_EL1] = 0x30d00800;
	c->excl_valid = false;
	c->exit_pending = c->mmio_pending = c->abort_injected = c->wfi_wait = false;
	c->events = SIM_EV_IRQ_CHECK | SIM_EV_REFETCH;
	c->irq_line = c->fiq_line = false;
	sim_update_el_perms(c);
	sim_tlb_flush_all(c);
	sim_update_ctx(c);
	if (c->part->gic)
		sim_gic_update_cpu(c);
}

void sim_cpu_power_on(struct sim_cpu *c, uint64_t pc, uint64_t x0)
{
	sim_cpu_reset(c);
	c->pc = pc;
	c->x[0] = x0;
	c->powered = true;
	if (c->part->gic)
		sim_gic_update_cpu(c);
}

void sim_cpu_power_off(struct sim_cpu *c)
{
	c->powered = false;
	sim_cpu_stop_slice(c);
	/* 1-of-N interrupts routed to this CPU move to one that is on. */
	if (c->part->gic)
		sim_gic_update_cpu(c);
}

bool sim_cpu_is_on(const struct sim_cpu *c)
{
	return c->powered;
}

uint64_t sim_cpu_retired(const struct sim_cpu *c)
{
	return c->retired;
}
