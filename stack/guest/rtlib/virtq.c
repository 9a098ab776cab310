// SPDX-License-Identifier: Apache-2.0
/*
 * Split virtqueue, driver side (virtq.h). The rings are little-endian; our guests and
 * hosts are little-endian, so fields are stored natively, each with one volatile access
 * (the device runs concurrently). Fences: the descriptors and the ring slot are written
 * before avail->idx (release); used->idx is read before the used element (acquire).
 */
#include "stack/guest/rtlib/virtq.h"

#include "stack/guest/rtlib/rt_errno.h"

#define AVAIL_IDX	2
#define AVAIL_RING	4
#define USED_IDX	2
#define USED_RING	4

size_t virtq_desc_size(uint16_t num)
{
	return 16u * num;
}

size_t virtq_avail_size(uint16_t num)
{
	return 6u + 2u * num;
}

size_t virtq_used_size(uint16_t num)
{
	return 6u + 8u * num;
}

static void w16(volatile uint8_t *p, uint16_t v) { *(volatile uint16_t *)p = v; }
static void w32(volatile uint8_t *p, uint32_t v) { *(volatile uint32_t *)p = v; }
static void w64(volatile uint8_t *p, uint64_t v) { *(volatile uint64_t *)p = v; }
static uint16_t r16(const volatile uint8_t *p) { return *(const volatile uint16_t *)p; }
static uint32_t r32(const volatile uint8_t *p) { return *(const volatile uint32_t *)p; }

static void zero(volatile uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = 0;
}

int virtq_drv_init(struct virtq_drv *q, uint16_t num, void *desc, void *avail, void *used)
{
	if (num == 0 || num > VIRTQ_DRV_MAX || (num & (num - 1)) ||
	    (uintptr_t)desc % 16 || (uintptr_t)avail % 2 || (uintptr_t)used % 4)
		return -RT_EINVAL;
	*q = (struct virtq_drv){ .num = num, .desc = desc, .avail = avail, .used = used,
				 .num_free = num };
	zero(q->desc, virtq_desc_size(num));
	zero(q->avail, virtq_avail_size(num));
	zero(q->used, virtq_used_size(num));
	for (uint16_t i = 0; i < num; i++)
		q->next[i] = (uint16_t)(i + 1);
	return 0;
}

static int check_chain(const struct virtq_buf *bufs, unsigned n, uint32_t *wlen)
{
	uint64_t total = 0;
	bool seen_writable = false;

	for (unsigned i = 0; i < n; i++) {
		if (bufs[i].writable)
			total += bufs[i].len;
		else if (seen_writable)
			return -RT_EINVAL;
		seen_writable |= bufs[i].writable;
	}
	if (total > 0xffffffffu)
		return -RT_EINVAL;
	*wlen = (uint32_t)total;
	return 0;
}

int virtq_drv_add(struct virtq_drv *q, const struct virtq_buf *bufs, unsigned n, void *token)
{
	uint16_t head = q->free_head, d = head;
	uint32_t wlen;
	int ret;

	if (q->broken)
		return -RT_EIO;
	if (n == 0 || !token)
		return -RT_EINVAL;
	ret = check_chain(bufs, n, &wlen);
	if (ret)
		return ret;
	if (n > q->num_free)
		return -RT_ENOSPC;
	for (unsigned i = 0; i < n; i++) {
		volatile uint8_t *e = q->desc + 16u * d;
		uint16_t flags = (uint16_t)((bufs[i].writable ? VIRTQ_DESC_F_WRITE : 0) |
					    (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));

		w64(e, bufs[i].addr);
		w32(e + 8, bufs[i].len);
		w16(e + 12, flags);
		w16(e + 14, i + 1 < n ? q->next[d] : 0);
		if (i + 1 < n)
			d = q->next[d];
	}
	q->free_head = q->next[d];
	q->num_free = (uint16_t)(q->num_free - n);
	q->inflight[head].token = token;
	q->inflight[head].writable_len = wlen;
	q->inflight[head].ndesc = (uint16_t)n;
	w16(q->avail + AVAIL_RING + 2u * (q->avail_idx & (q->num - 1)), head);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail_idx++;
	w16(q->avail + AVAIL_IDX, q->avail_idx);
	return head;
}

/* Put the chain of @head back on the free list, following our private links. */
static void free_chain(struct virtq_drv *q, uint16_t head)
{
	uint16_t last = head;

	for (uint16_t i = 1; i < q->inflight[head].ndesc; i++)
		last = q->next[last];
	q->next[last] = q->free_head;
	q->free_head = head;
	q->num_free = (uint16_t)(q->num_free + q->inflight[head].ndesc);
	q->inflight[head].token = (void *)0;
}

int virtq_drv_get(struct virtq_drv *q, void **token, uint32_t *len)
{
	uint16_t used_idx;
	uint32_t id, n;
	volatile uint8_t *e;

	if (q->broken)
		return -RT_EIO;
	used_idx = r16(q->used + USED_IDX);
	if (used_idx == q->last_used)
		return 0;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	/* More used than in flight: the device invents completions. */
	if ((uint16_t)(used_idx - q->last_used) > virtq_drv_in_flight(q))
		goto broken;
	e = q->used + USED_RING + 8u * (q->last_used & (q->num - 1));
	id = r32(e);
	n = r32(e + 4);
	if (id >= q->num || !q->inflight[id].token || n > q->inflight[id].writable_len)
		goto broken;
	q->last_used++;
	*token = q->inflight[id].token;
	*len = n;
	free_chain(q, (uint16_t)id);
	return 1;
broken:
	q->broken = true;
	return -RT_EIO;
}

unsigned virtq_drv_in_flight(const struct virtq_drv *q)
{
	unsigned n = 0;

	for (unsigned i = 0; i < q->num; i++)
		n += q->inflight[i].token != (void *)0;
	return n;
}
