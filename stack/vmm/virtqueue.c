// SPDX-License-Identifier: MIT
/*
 * Split virtqueues (virtio 1.2, 2.7), device side. Every ring and descriptor field comes
 * from guest memory the guest can change at any time, so each is read exactly once into
 * a local copy, checked, and only the copy is used (no double fetch). The checks follow
 * crosvm's split_descriptor_chain.rs: an index outside the table, a chain longer than its
 * table (which is how a loop shows), unknown flags, and a readable descriptor after a
 * writable one are all refused; so are addresses whose end wraps around and every
 * malformed indirect table. Nothing here allocates: the chain's buffers go into the
 * queue's segment array of num_max entries, which no valid chain can exceed.
 */
#include <errno.h>
#include <string.h>

#include "stack/vmm/virtio_internal.h"

/* Ring layout (2.7.6, 2.7.8): flags and idx, then the ring. */
#define AVAIL_FLAGS	0u
#define AVAIL_IDX	2u
#define AVAIL_RING	4u
#define USED_IDX	2u
#define USED_RING	4u

static int fail(struct virtq *q, int err, const char *why)
{
	q->error = why;
	return err;
}

void virtq_reset(struct virtq *q)
{
	q->ready = false;
	q->last_avail = 0;
	q->used_idx = 0;
	q->error = NULL;
}

/* [ipa, ipa + len) does not wrap around the 64-bit space (len may be 0). */
static bool range_ok(uint64_t ipa, uint64_t len)
{
	return len == 0 || ipa <= UINT64_MAX - (len - 1);
}

int virtq_validate(struct virtq *q)
{
	uint64_t n = q->num;

	if (n == 0 || n > q->num_max || (n & (n - 1)))
		return fail(q, -EINVAL, "queue size not a power of two within QueueNumMax");
	/* Alignments of 2.7 (table 2.7.10): descriptors 16, avail 2, used 4. */
	if (q->desc_ipa % 16 || q->avail_ipa % 2 || q->used_ipa % 4)
		return fail(q, -EINVAL, "misaligned queue area");
	if (!range_ok(q->desc_ipa, n * VIRTQ_DESC_SIZE) ||
	    !range_ok(q->avail_ipa, AVAIL_RING + 2 * n + 2) ||
	    !range_ok(q->used_ipa, USED_RING + VIRTQ_USED_ELEM_SIZE * n + 2))
		return fail(q, -EINVAL, "queue area wraps around the address space");
	return 0;
}

static int read_le16(struct virtq *q, uint64_t ipa, uint16_t *v)
{
	uint8_t b[2];

	if (q->mem->read(q->mem->ctx, ipa, b, sizeof(b)))
		return fail(q, -EFAULT, "ring not accessible");
	*v = virtio_le16(b);
	return 0;
}

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static int read_desc(struct virtq *q, uint64_t table, uint16_t idx, struct desc *d)
{
	uint8_t b[VIRTQ_DESC_SIZE];

	if (q->mem->read(q->mem->ctx, table + (uint64_t)idx * VIRTQ_DESC_SIZE, b, sizeof(b)))
		return fail(q, -EFAULT, "descriptor not accessible");
	d->addr = virtio_le64(b);
	d->len = virtio_le32(b + 8);
	d->flags = virtio_le16(b + 12);
	d->next = virtio_le16(b + 14);
	return 0;
}

/*
 * Switch the walk to the indirect table d points at (2.7.5.3). Only the head may point
 * to one (as QEMU and Linux use them); the write flag of d itself is ignored, as the
 * spec says the device must.
 */
static int enter_indirect(struct virtq *q, const struct desc *d, bool at_head,
			  uint64_t *table, uint32_t *table_len)
{
	if (!q->indirect)
		return fail(q, -EINVAL, "indirect descriptor not negotiated");
	if (!at_head)
		return fail(q, -EINVAL, "indirect descriptor not at the head of the chain");
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return fail(q, -EINVAL, "indirect descriptor with NEXT");
	if (d->len == 0 || d->len % VIRTQ_DESC_SIZE)
		return fail(q, -EINVAL, "indirect table length not a multiple of 16");
	if (d->len / VIRTQ_DESC_SIZE > q->num_max)
		return fail(q, -ELOOP, "indirect table longer than the queue");
	/* The spec sets no alignment for an indirect table; it must only not wrap. */
	if (!range_ok(d->addr, d->len))
		return fail(q, -EINVAL, "indirect table wraps around the address space");
	*table = d->addr;
	*table_len = d->len / VIRTQ_DESC_SIZE;
	return 0;
}

static int add_seg(struct virtq *q, struct virtq_chain *c, const struct desc *d)
{
	bool writable = d->flags & VIRTQ_DESC_F_WRITE;

	if (!range_ok(d->addr, d->len))
		return fail(q, -EINVAL, "buffer wraps around the address space");
	if (d->len == 0)
		return 0;	/* legal and harmless: nothing to copy */
	c->segs[c->nr_segs++] = (struct virtq_seg){ d->addr, d->len, writable };
	if (writable) {
		c->writable_len += d->len;
	} else {
		c->nr_readable++;
		c->readable_len += d->len;
	}
	return 0;
}

/*
 * Walk the chain starting at head. steps counts descriptors visited in the current
 * table: a valid chain visits each at most once, so more than table_len steps means a
 * loop. The segment array has num_max >= table_len entries, so it cannot overflow.
 */
static int walk_chain(struct virtq *q, uint16_t head, struct virtq_chain *c)
{
	uint64_t table = q->desc_ipa;
	uint32_t table_len = q->num, steps = 0, idx = head;
	bool in_indirect = false, seen_write = false;
	struct desc d;
	int ret;

	if (head >= q->num)
		return fail(q, -EINVAL, "head index outside the descriptor table");
	for (;;) {
		if (++steps > table_len)
			return fail(q, -ELOOP, "descriptor chain longer than its table");
		ret = read_desc(q, table, (uint16_t)idx, &d);
		if (ret)
			return ret;
		if (d.flags & ~VIRTQ_DESC_F_ALL)
			return fail(q, -EINVAL, "unknown descriptor flags");
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (in_indirect)
				return fail(q, -EINVAL, "nested indirect descriptor");
			ret = enter_indirect(q, &d, steps == 1, &table, &table_len);
			if (ret)
				return ret;
			in_indirect = true;
			idx = 0;
			steps = 0;
			continue;
		}
		if (d.flags & VIRTQ_DESC_F_WRITE)
			seen_write = true;
		else if (seen_write)
			return fail(q, -EINVAL, "readable descriptor after a writable one");
		ret = add_seg(q, c, &d);
		if (ret)
			return ret;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		idx = d.next;
		if (idx >= table_len)
			return fail(q, -EINVAL, "next index outside the descriptor table");
	}
}

int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	uint16_t avail_idx, head;
	int ret;

	if (!q->ready)
		return 0;
	ret = read_le16(q, q->avail_ipa + AVAIL_IDX, &avail_idx);
	if (ret)
		return ret;
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		return fail(q, -EINVAL, "avail index moved more than the queue size");
	/* Read the ring entry only after seeing the index that publishes it (2.7.13). */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	ret = read_le16(q, q->avail_ipa + AVAIL_RING + 2u * (q->last_avail % q->num), &head);
	if (ret)
		return ret;
	memset(c, 0, sizeof(*c));
	c->head = head;
	c->segs = q->segs;
	ret = walk_chain(q, head, c);
	if (ret)
		return ret;
	q->last_avail++;
	return 1;
}

void virtq_unpop(struct virtq *q)
{
	q->last_avail--;
}

bool virtq_has_avail(struct virtq *q)
{
	uint16_t avail_idx;

	if (!q->ready)
		return false;
	if (read_le16(q, q->avail_ipa + AVAIL_IDX, &avail_idx))
		return true;
	return avail_idx != q->last_avail;
}

int virtq_push(struct virtq *q, const struct virtq_chain *c, uint32_t written)
{
	uint64_t elem = q->used_ipa + USED_RING + VIRTQ_USED_ELEM_SIZE * (q->used_idx % q->num);
	uint8_t b[VIRTQ_USED_ELEM_SIZE], idx[2];

	virtio_put_le32(b, c->head);
	virtio_put_le32(b + 4, written);
	if (q->mem->write(q->mem->ctx, elem, b, sizeof(b)))
		return fail(q, -EFAULT, "used ring not accessible");
	/* The element must be visible before the index that publishes it (2.7.13). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	virtio_put_le16(idx, (uint16_t)(q->used_idx + 1));
	if (q->mem->write(q->mem->ctx, q->used_ipa + USED_IDX, idx, sizeof(idx)))
		return fail(q, -EFAULT, "used ring not accessible");
	q->used_idx++;
	return 0;
}

bool virtq_needs_interrupt(struct virtq *q)
{
	uint16_t flags;

	/* Order our used->idx store before reading the driver's suppression flag. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (read_le16(q, q->avail_ipa + AVAIL_FLAGS, &flags))
		return true;	/* tell the driver; it will find the queue broken */
	return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

/*
 * Copy len bytes at offset off of the chain's readable (write == false) or writable part.
 * The part's total length was summed from validated segments, so the bound check is
 * overflow-safe: off and len are compared against it separately.
 */
static int chain_copy(const struct virtq *q, const struct virtq_chain *c, bool write,
		      uint64_t off, uint8_t *buf, size_t len)
{
	uint64_t part = write ? c->writable_len : c->readable_len;
	unsigned i = write ? c->nr_readable : 0;
	unsigned end = write ? c->nr_segs : c->nr_readable;

	if (off > part || len > part - off)
		return -EINVAL;
	for (; i < end && len; i++) {
		const struct virtq_seg *s = &c->segs[i];
		uint64_t n;
		int ret;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off;
		if (n > len)
			n = len;
		ret = write ? q->mem->write(q->mem->ctx, s->addr + off, buf, n)
			    : q->mem->read(q->mem->ctx, s->addr + off, buf, n);
		if (ret)
			return -EFAULT;
		buf += n;
		len -= n;
		off = 0;
	}
	return 0;
}

int virtq_chain_read(const struct virtq *q, const struct virtq_chain *c, uint64_t off,
		     void *buf, size_t len)
{
	return chain_copy(q, c, false, off, buf, len);
}

int virtq_chain_write(const struct virtq *q, const struct virtq_chain *c, uint64_t off,
		      const void *buf, size_t len)
{
	/* chain_copy only reads from buf when write is true. */
	return chain_copy(q, c, true, off, (uint8_t *)(uintptr_t)buf, len);
}
