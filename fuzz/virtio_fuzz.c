// SPDX-License-Identifier: MIT
/* The common body of the virtio fuzz targets: op decoding and oracles (virtio_fuzz.h). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/virtio_fuzz.h"
#include "stack/vmm/virtio_internal.h"

#define VFZ_NR_OPS 12

static void violated(const char *what, uint64_t a, uint64_t b)
{
	fprintf(stderr, "virtio oracle violated: %s (%#llx, %#llx)\n", what,
		(unsigned long long)a, (unsigned long long)b);
	abort();
}

/* ---- input reader ------------------------------------------------------------------------ */

uint8_t vfz_u8(struct vfz *z)
{
	uint8_t v = 0;

	if (z->n) {
		v = *z->p++;
		z->n--;
	}
	return v;
}

uint16_t vfz_u16(struct vfz *z)
{
	uint16_t lo = vfz_u8(z);

	return (uint16_t)(lo | vfz_u8(z) << 8);
}

uint32_t vfz_u32(struct vfz *z)
{
	uint32_t lo = vfz_u16(z);

	return lo | (uint32_t)vfz_u16(z) << 16;
}

uint64_t vfz_u64(struct vfz *z)
{
	uint64_t lo = vfz_u32(z);

	return lo | (uint64_t)vfz_u32(z) << 32;
}

size_t vfz_bytes(struct vfz *z, void *dst, size_t max)
{
	size_t n = max < z->n ? max : z->n;

	memcpy(dst, z->p, n);
	z->p += n;
	z->n -= n;
	return n;
}

uint64_t vfz_addr(struct vfz *z)
{
	uint32_t v = vfz_u32(z);

	/* 1 in 16: far away or at the top of the address space; else inside (+ a page). */
	if ((v >> 28) == 0xf)
		return (v & 1) ? UINT64_MAX - (v & 0xfff) : (uint64_t)v << 20;
	return VFZ_BASE + (v % (VFZ_SIZE + 4096));
}

uint64_t vfz_alloc(struct vfz *z, uint64_t len)
{
	uint64_t a = vdrv_alloc(&z->env.d, len);

	if (!a) {
		/* Wrap around: a buffer still in flight may be reused, as a buggy guest would. */
		z->env.d.heap = VFZ_BASE + VFZ_SIZE / 2 + 0x4000;
		a = vdrv_alloc(&z->env.d, len);
	}
	return a;
}

void vfz_submit(struct vfz *z, unsigned q, const struct vdrv_buf *bufs, unsigned n)
{
	if (q >= VDRV_MAX_QUEUES || !z->env.d.q[q].num || n == 0)
		return;
	vdrv_submit(&z->env.d, q, bufs, n);
}

/* ---- oracles ------------------------------------------------------------------------------- */

static bool inside(uint64_t ipa, size_t len, uint64_t start, uint64_t size)
{
	return ipa >= start && len <= size && ipa - start <= size - len;
}

/*
 * The writable buffers the device may write to. A buffer can overlap the guest's own
 * descriptor table (a guest may do that), so a write by the device can rewrite
 * descriptors it validated a moment ago: the allowed set is the union of what the
 * descriptors said before each device write of the op.
 */
static void allow(struct vfz *z, uint64_t addr, uint32_t len)
{
	for (unsigned i = 0; i < z->nr_allowed; i++)
		if (z->allowed[i].addr == addr && z->allowed[i].len == len)
			return;
	if (z->nr_allowed < VFZ_MAX_ALLOWED)
		z->allowed[z->nr_allowed++] = (struct vfz_range){ addr, len };
	else
		z->allowed_overflow = true;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a <= b + (blen - 1) && b <= a + (alen - 1);
}

static void scan_table(struct vfz *z, uint64_t table, uint32_t entries, bool indirect_ok)
{
	if (z->nr_tables < VFZ_MAX_TABLES)
		z->tables[z->nr_tables++] = (struct vfz_range){ table, entries * 16 };
	else
		z->allowed_overflow = true;	/* cannot tell when to rescan: no verdicts */

	for (uint32_t i = 0; i < entries; i++) {
		const uint8_t *d = guest_mem_buf_ptr(&z->env.gm, table + 16ull * i, 16);
		uint16_t flags;
		uint32_t n;

		if (!d)
			continue;
		flags = virtio_le16(d + 12);
		if ((flags & VIRTQ_DESC_F_INDIRECT) && indirect_ok) {
			/* The device refuses tables longer than the queue's maximum. */
			n = virtio_le32(d + 8) / 16;
			scan_table(z, virtio_le64(d), n < VIRTIO_QUEUE_MAX ? n : VIRTIO_QUEUE_MAX,
				   false);
		} else if (flags & VIRTQ_DESC_F_WRITE) {
			allow(z, virtio_le64(d), virtio_le32(d + 8));
		}
	}
}

static void scan_queues(struct vfz *z)
{
	struct virtio_device *dev = z->dev;

	z->nr_tables = 0;
	z->tables_dirty = false;
	for (unsigned i = 0; i < dev->ops->nr_queues; i++)
		if (dev->queues[i].ready)
			scan_table(z, dev->queues[i].desc_ipa, dev->queues[i].num,
				   dev->queues[i].indirect);
}

static bool write_allowed(struct vfz *z, uint64_t ipa, size_t len)
{
	struct virtio_device *dev = z->dev;

	for (unsigned i = 0; i < dev->ops->nr_queues; i++) {
		struct virtq *q = &dev->queues[i];

		if (q->ready && inside(ipa, len, q->used_ipa, 6 + 8ull * q->num))
			return true;
	}
	for (unsigned i = 0; i < z->nr_allowed; i++)
		if (inside(ipa, len, z->allowed[i].addr, z->allowed[i].len))
			return true;
	return z->allowed_overflow;	/* too many to track: no verdict */
}

/* Called before every accepted device write into guest memory (transport lock held):
 * what the descriptors say now joins the allowed set, then the write is judged. */
static void on_write(void *ctx, uint64_t ipa, size_t len)
{
	struct vfz *z = ctx;

	if (!z->dev->active)
		violated("device wrote guest memory while not active", ipa, len);
	if (z->tables_dirty)
		scan_queues(z);
	if (!write_allowed(z, ipa, len))
		violated("device wrote outside used rings and writable buffers", ipa, len);
	/* Rescan before the next write only if this one changes a descriptor. */
	for (unsigned i = 0; i < z->nr_tables && !z->tables_dirty; i++)
		z->tables_dirty = overlaps(ipa, len, z->tables[i].addr, z->tables[i].len);
}

static void set_level(void *ctx, uint32_t intid, bool level)
{
	struct vfz *z = ctx;

	if (level == z->prev_level)
		violated("irq callback without a level change", level, 0);
	z->prev_level = level;
}

static void check_state(struct vfz *z)
{
	struct virtio_mmio_stats st;
	struct virtio_device *dev = z->dev;

	virtio_mmio_get_stats(z->env.t, &st);
	if (st.irq_level != (st.interrupt_status != 0) || st.irq_level != z->prev_level)
		violated("irq line disagrees with InterruptStatus", st.irq_level,
			 st.interrupt_status);
	for (unsigned i = 0; i < dev->ops->nr_queues; i++) {
		struct virtq *q = &dev->queues[i];

		if (q->ready && (uint16_t)(q->last_avail - q->used_idx) > q->num)
			violated("more chains completed than taken", q->last_avail, q->used_idx);
	}
}

/* ---- ops ------------------------------------------------------------------------------------ */

static unsigned size_sel(uint8_t s)
{
	static const unsigned sizes[] = { 4, 4, 4, 1, 2, 8 };

	return sizes[s % 6];
}

static void init_driver(struct vfz *z, const struct vfz_device *d, uint8_t mode)
{
	uint8_t mask = vfz_u8(z);
	uint64_t f = 1ull << VIRTIO_F_VERSION_1;

	if (mode & 2)
		f |= 1ull << VIRTIO_RING_F_INDIRECT_DESC;
	for (unsigned i = 0; i < d->nr_feats && i < 8; i++)
		if (mask & (1u << i))
			f |= 1ull << d->feats[i];
	vdrv_bind(&z->env.d, z->env.t, &z->env.gm, VFZ_BASE + VFZ_SIZE / 2, VFZ_BASE + VFZ_SIZE);
	vdrv_init(&z->env.d, d->device_id, f, d->nr_queues, (uint16_t)(2u << ((mode >> 2) % 8)));
}

static void op_chain(struct vfz *z)
{
	struct vdrv_buf bufs[8];
	unsigned q = vfz_u8(z) % VDRV_MAX_QUEUES, n = vfz_u8(z) % 9;

	for (unsigned i = 0; i < n; i++) {
		bufs[i].addr = VFZ_BASE + vfz_u32(z) % VFZ_SIZE;
		bufs[i].len = vfz_u16(z);
		bufs[i].write = vfz_u8(z) & 1;
	}
	vfz_submit(z, q, bufs, n);
}

static void op_poke(struct vfz *z)
{
	uint8_t buf[256];
	uint64_t ipa = VFZ_BASE + vfz_u32(z) % VFZ_SIZE;
	size_t len = vfz_bytes(z, buf, vfz_u8(z));

	vdrv_poke(&z->env.d, ipa, buf, len);
}

static void op_io(struct vfz *z)
{
	struct pollfd fds[VIRTIO_MAX_POLL_FDS];
	int n = virtio_mmio_poll_fds(z->env.t, fds, VIRTIO_MAX_POLL_FDS);

	if (poll(fds, (nfds_t)n, 0) < 0)
		n = 0;
	virtio_mmio_process_io(z->env.t, fds, n);
}

static void do_op(struct vfz *z, const struct vfz_device *d, void *ctx, uint8_t op)
{
	uint64_t v = 0;
	unsigned q, idx, sz;
	uint64_t off;

	switch (op % VFZ_NR_OPS) {
	case 0:
		off = vfz_u16(z) & 0x1ff;
		sz = size_sel(vfz_u8(z));
		virtio_mmio_write(z->env.t, off, sz, vfz_u32(z));
		break;
	case 1:
		off = vfz_u16(z) & 0x1ff;
		virtio_mmio_read(z->env.t, off, size_sel(vfz_u8(z)), &v);
		break;
	case 2:
		q = vfz_u8(z) % VDRV_MAX_QUEUES;
		idx = vfz_u8(z);
		off = vfz_addr(z);
		sz = vfz_u32(z);
		v = vfz_u8(z);
		if (z->env.d.q[q].num)
			vdrv_set_desc(&z->env.d, q, (uint16_t)idx, off, sz, (uint16_t)(v & 0x0f),
				      vfz_u8(z));
		break;
	case 3:
		q = vfz_u8(z) % VDRV_MAX_QUEUES;
		idx = vfz_u8(z);
		if (z->env.d.q[q].num) {
			vdrv_publish(&z->env.d, q, (uint16_t)idx);
			vdrv_kick(&z->env.d, q);
		}
		break;
	case 4: op_poke(z); break;
	case 5:
		off = VFZ_BASE + (uint64_t)(vfz_u8(z) % (VFZ_SIZE / 4096)) * 4096;
		guest_mem_buf_share(&z->env.gm, off, 4096, vfz_u8(z) & 1);
		break;
	case 6: op_io(z); break;
	case 7: d->host_op(z, ctx); break;
	case 8: d->request_op(z, ctx); break;
	case 9: init_driver(z, d, vfz_u8(z)); break;
	case 10: op_chain(z); break;
	case 11: vdrv_kick(&z->env.d, vfz_u8(z) % VDRV_MAX_QUEUES); break;
	}
}

/* VFZ_TRACE=1 in the environment: one line per op, to check what a seed reaches. */
static void trace_op(struct vfz *z, int i, uint8_t op)
{
	static const char *names[VFZ_NR_OPS] = { "mmio-w", "mmio-r", "desc", "publish", "poke",
						 "share", "io", "host", "request", "reinit",
						 "chain", "kick" };
	struct virtio_mmio_stats st;

	virtio_mmio_get_stats(z->env.t, &st);
	fprintf(stderr, "op %3d %-8s status %#04x irq %d", i, names[op % VFZ_NR_OPS], st.status,
		st.interrupt_status);
	for (unsigned q = 0; q < z->dev->ops->nr_queues; q++)
		fprintf(stderr, " q%u[%s%u/%u]", q, z->dev->queues[q].ready ? "" : "-",
			z->dev->queues[q].last_avail, z->dev->queues[q].used_idx);
	fprintf(stderr, "%s%s\n", st.broken ? " broken: " : "",
		st.broken ? st.broken_reason : "");
}

static void quiet_log(void *ctx, const char *line)
{
}

void vfz_run(const struct vfz_device *d, void *ctx, const uint8_t *data, size_t size)
{
	struct vfz *z = calloc(1, sizeof(*z));
	struct virtio_mmio_config cfg = { .irq = { .intid = 48, .set_level = set_level },
					  .access_platform = true, .log = quiet_log };
	bool trace = getenv("VFZ_TRACE") != NULL;
	uint8_t mode;

	if (!z || d->create(ctx, &z->dev)) {
		free(z);
		return;
	}
	z->p = data;
	z->n = size;
	if (guest_mem_buf_init(&z->env.gm, VFZ_BASE, VFZ_SIZE, true))
		abort();
	z->env.gm.on_write = on_write;
	z->env.gm.on_write_ctx = z;
	cfg.mem = &z->env.gm.mem;
	cfg.irq.ctx = z;
	if (virtio_mmio_create(&cfg, z->dev, &z->env.t))
		abort();
	vdrv_bind(&z->env.d, z->env.t, &z->env.gm, VFZ_BASE + VFZ_SIZE / 2, VFZ_BASE + VFZ_SIZE);
	mode = vfz_u8(z);
	if (mode & 1)
		init_driver(z, d, mode);
	for (int i = 0; i < VFZ_MAX_OPS && z->n; i++) {
		uint8_t op = vfz_u8(z);

		z->nr_allowed = 0;
		z->allowed_overflow = false;
		z->tables_dirty = true;	/* the driver may have changed anything since */
		do_op(z, d, ctx, op);
		check_state(z);
		if (d->after_op)
			d->after_op(z, ctx);
		if (trace)
			trace_op(z, i, op);
	}
	if (d->finish)
		d->finish(z, ctx);
	virtio_mmio_destroy(z->env.t);
	guest_mem_buf_fini(&z->env.gm);
	if (d->cleanup)
		d->cleanup(ctx);
	free(z);
}
