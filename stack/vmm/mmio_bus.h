/* SPDX-License-Identifier: MIT */
/*
 * The VMM's MMIO bus (private to stack/vmm/): routes a guest's MMIO access (a
 * HYP_EXIT_MMIO) by IPA to the device that claims it (the 16550 UART, each virtio-mmio
 * transport).
 *
 * An access must lie entirely inside one region; anything else (no device there, or an
 * access straddling a region's end) is an unclaimed access: a read returns 0, a write is
 * ignored, and both are counted, as on a real bus where nothing answers. A guest can
 * therefore never make the VMM fail by poking at addresses.
 *
 * Regions are added before the first vCPU runs and never change afterwards, so lookups
 * take no lock; handlers do their own locking (they may be called from several vCPU
 * threads at once). Counters are atomic.
 */
#ifndef AVF_VMM_MMIO_BUS_H
#define AVF_VMM_MMIO_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define MMIO_BUS_MAX_REGIONS 32

struct mmio_region {
	const char *name;	/* for messages: "uart", "virtio-blk" */
	uint64_t base, size;
	/* offset is relative to base; size is 1, 2, 4 or 8. Return 0, or -errno for an
	 * access the device refuses outright (counted as unclaimed). */
	int (*read)(void *ctx, uint64_t offset, unsigned size, uint64_t *val);
	int (*write)(void *ctx, uint64_t offset, unsigned size, uint64_t val);
	void *ctx;
};

struct mmio_bus_stats {
	uint64_t reads, writes;			/* claimed accesses */
	uint64_t unclaimed_reads, unclaimed_writes;
	uint64_t last_unclaimed_ipa;		/* valid when any unclaimed access happened */
};

struct mmio_bus {
	struct mmio_region r[MMIO_BUS_MAX_REGIONS];
	unsigned nr;
	struct mmio_bus_stats st;		/* updated atomically */
};

void mmio_bus_init(struct mmio_bus *bus);
/*
 * Claim [base, base + size) for a device. -EINVAL: size 0, wraps around, or a handler is
 * missing; -EEXIST: overlaps a region already added; -ENOSPC: the bus is full.
 */
int mmio_bus_add(struct mmio_bus *bus, const struct mmio_region *r);
/* The region holding ipa, or NULL. */
const struct mmio_region *mmio_bus_find(const struct mmio_bus *bus, uint64_t ipa);

/*
 * One access. size must be 1, 2, 4 or 8 (else it is unclaimed). For a read, *data gets
 * the value (0 when unclaimed); for a write, *data is the value. Returns true if a device
 * took it, false if it was unclaimed. Never fails otherwise.
 */
bool mmio_bus_access(struct mmio_bus *bus, uint64_t ipa, unsigned size, bool is_write,
		     uint64_t *data);

void mmio_bus_get_stats(struct mmio_bus *bus, struct mmio_bus_stats *st);

#endif /* AVF_VMM_MMIO_BUS_H */
