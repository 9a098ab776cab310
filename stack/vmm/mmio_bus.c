// SPDX-License-Identifier: MIT
/* MMIO dispatch by IPA; see mmio_bus.h for the contract. */
#include <errno.h>
#include <string.h>

#include "stack/vmm/mmio_bus.h"

void mmio_bus_init(struct mmio_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
}

int mmio_bus_add(struct mmio_bus *bus, const struct mmio_region *r)
{
	if (!r->size || r->base + r->size < r->base || !r->read || !r->write)
		return -EINVAL;
	for (unsigned i = 0; i < bus->nr; i++) {
		const struct mmio_region *o = &bus->r[i];

		if (r->base < o->base + o->size && o->base < r->base + r->size)
			return -EEXIST;
	}
	if (bus->nr == MMIO_BUS_MAX_REGIONS)
		return -ENOSPC;
	bus->r[bus->nr++] = *r;
	return 0;
}

const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, uint64_t ipa)
{
	for (unsigned i = 0; i < bus->nr; i++)
		if (ipa >= bus->r[i].base && ipa - bus->r[i].base < bus->r[i].size)
			return &bus->r[i];
	return NULL;
}

static void count(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

bool mmio_bus_access(struct mmio_bus *bus, uint64_t ipa, unsigned size, bool is_write,
		     uint64_t *data)
{
	const struct mmio_region *r = mmio_bus_find(bus, ipa);
	bool sized = size == 1 || size == 2 || size == 4 || size == 8;
	int err = -EINVAL;

	/* The whole access inside the region: ipa - base + size <= region size. */
	if (r && sized && size <= r->size - (ipa - r->base)) {
		err = is_write ? r->write(r->ctx, ipa - r->base, size, *data)
			       : r->read(r->ctx, ipa - r->base, size, data);
	}
	if (!err) {
		count(is_write ? &bus->st.writes : &bus->st.reads);
		return true;
	}
	if (!is_write)
		*data = 0;
	count(is_write ? &bus->st.unclaimed_writes : &bus->st.unclaimed_reads);
	__atomic_store_n(&bus->st.last_unclaimed_ipa, ipa, __ATOMIC_RELAXED);
	return false;
}

void mmio_bus_get_stats(struct mmio_bus *bus, struct mmio_bus_stats *st)
{
	st->reads = __atomic_load_n(&bus->st.reads, __ATOMIC_RELAXED);
	st->writes = __atomic_load_n(&bus->st.writes, __ATOMIC_RELAXED);
	st->unclaimed_reads = __atomic_load_n(&bus->st.unclaimed_reads, __ATOMIC_RELAXED);
	st->unclaimed_writes = __atomic_load_n(&bus->st.unclaimed_writes, __ATOMIC_RELAXED);
	st->last_unclaimed_ipa = __atomic_load_n(&bus->st.last_unclaimed_ipa, __ATOMIC_RELAXED);
}
