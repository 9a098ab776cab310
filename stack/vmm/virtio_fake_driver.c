// SPDX-License-Identifier: MIT
/* The host-side fake guest driver (virtio_fake_driver.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "stack/vmm/virtio_fake_driver.h"
#include "stack/vmm/virtio_internal.h"

uint32_t vdrv_read32(struct vdrv *d, uint64_t off)
{
	uint64_t v = 0;

	virtio_mmio_read(d->t, off, 4, &v);
	return (uint32_t)v;
}

void vdrv_write32(struct vdrv *d, uint64_t off, uint32_t val)
{
	virtio_mmio_write(d->t, off, 4, val);
}

uint32_t vdrv_status(struct vdrv *d)
{
	return vdrv_read32(d, VIRTIO_MMIO_STATUS);
}

void vdrv_poke(struct vdrv *d, uint64_t ipa, const void *src, uint64_t len)
{
	void *p = guest_mem_buf_ptr(d->gm, ipa, len);

	if (p)
		memcpy(p, src, len);
}

void vdrv_peek(struct vdrv *d, uint64_t ipa, void *dst, uint64_t len)
{
	void *p = guest_mem_buf_ptr(d->gm, ipa, len);

	if (p)
		memcpy(dst, p, len);
	else
		memset(dst, 0, len);
}

static uint16_t peek16(struct vdrv *d, uint64_t ipa)
{
	uint8_t b[2];

	vdrv_peek(d, ipa, b, 2);
	return virtio_le16(b);
}

static void poke16(struct vdrv *d, uint64_t ipa, uint16_t v)
{
	uint8_t b[2];

	virtio_put_le16(b, v);
	vdrv_poke(d, ipa, b, 2);
}

void vdrv_bind(struct vdrv *d, struct virtio_mmio *t, struct guest_mem_buf *gm,
	       uint64_t heap, uint64_t heap_end)
{
	memset(d, 0, sizeof(*d));
	d->t = t;
	d->gm = gm;
	d->heap = heap;
	d->heap_end = heap_end;
}

uint64_t vdrv_alloc(struct vdrv *d, uint64_t size)
{
	uint64_t addr = (d->heap + 15) & ~15ull;
	void *p;

	if (addr > d->heap_end || size > d->heap_end - addr)
		return 0;
	d->heap = addr + size;
	/* Fresh memory reads as zero, as a guest's freshly allocated pages would. */
	p = guest_mem_buf_ptr(d->gm, addr, size);
	if (!p)
		return 0;
	memset(p, 0, size);
	return addr;
}

static int setup_queue(struct vdrv *d, unsigned i, uint16_t qsize)
{
	struct vdrv_queue *q = &d->q[i];

	vdrv_write32(d, VIRTIO_MMIO_QUEUE_SEL, i);
	if (vdrv_read32(d, VIRTIO_MMIO_QUEUE_READY) || vdrv_read32(d, VIRTIO_MMIO_QUEUE_NUM_MAX) < qsize)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->num = qsize;
	q->desc = vdrv_alloc(d, 16ull * qsize);
	q->avail = vdrv_alloc(d, 6 + 2ull * qsize);
	q->used = vdrv_alloc(d, 6 + 8ull * qsize);
	if (!q->desc || !q->avail || !q->used)
		return -EINVAL;
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_NUM, qsize);
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)q->desc);
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(q->desc >> 32));
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)q->avail);
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(q->avail >> 32));
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)q->used);
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(q->used >> 32));
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return vdrv_read32(d, VIRTIO_MMIO_QUEUE_READY) == 1 ? 0 : -EINVAL;
}

int vdrv_init(struct vdrv *d, uint32_t device_id, uint64_t features, unsigned nr_queues,
	      uint16_t qsize)
{
	uint32_t st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	if (vdrv_read32(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
	    vdrv_read32(d, VIRTIO_MMIO_VERSION) != 2 ||
	    vdrv_read32(d, VIRTIO_MMIO_DEVICE_ID) != device_id || nr_queues > VDRV_MAX_QUEUES)
		return -ENODEV;
	vdrv_write32(d, VIRTIO_MMIO_STATUS, 0);
	vdrv_write32(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vdrv_write32(d, VIRTIO_MMIO_STATUS, st);
	vdrv_write32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vdrv_write32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	vdrv_write32(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vdrv_write32(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	st |= VIRTIO_STATUS_FEATURES_OK;
	vdrv_write32(d, VIRTIO_MMIO_STATUS, st);
	if (!(vdrv_status(d) & VIRTIO_STATUS_FEATURES_OK))
		return -EIO;
	d->nr_queues = nr_queues;
	for (unsigned i = 0; i < nr_queues; i++)
		if (setup_queue(d, i, qsize))
			return -EINVAL;
	vdrv_write32(d, VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

void vdrv_set_desc(struct vdrv *d, unsigned q, uint16_t idx, uint64_t addr, uint32_t len,
		   uint16_t flags, uint16_t next)
{
	uint8_t b[16];

	virtio_put_le64(b, addr);
	virtio_put_le32(b + 8, len);
	virtio_put_le16(b + 12, flags);
	virtio_put_le16(b + 14, next);
	vdrv_poke(d, d->q[q].desc + 16ull * idx, b, sizeof(b));
}

void vdrv_publish(struct vdrv *d, unsigned q, uint16_t head)
{
	struct vdrv_queue *vq = &d->q[q];

	poke16(d, vq->avail + 4 + 2ull * (vq->avail_idx % vq->num), head);
	vq->avail_idx++;
	poke16(d, vq->avail + 2, vq->avail_idx);
}

void vdrv_kick(struct vdrv *d, unsigned q)
{
	vdrv_write32(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

uint16_t vdrv_submit(struct vdrv *d, unsigned q, const struct vdrv_buf *bufs, unsigned n)
{
	struct vdrv_queue *vq = &d->q[q];
	uint16_t head = vq->next_desc, idx = head;

	for (unsigned i = 0; i < n; i++) {
		uint16_t next = (uint16_t)((idx + 1) % vq->num);
		uint16_t flags = (bufs[i].write ? VIRTQ_DESC_F_WRITE : 0) |
				 (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);

		vdrv_set_desc(d, q, idx, bufs[i].addr, bufs[i].len, flags, next);
		idx = next;
	}
	vq->next_desc = idx;
	vdrv_publish(d, q, head);
	vdrv_kick(d, q);
	return head;
}

uint16_t vdrv_used_idx(struct vdrv *d, unsigned q)
{
	return peek16(d, d->q[q].used + 2);
}

bool vdrv_get_used(struct vdrv *d, unsigned q, uint32_t *id, uint32_t *len)
{
	struct vdrv_queue *vq = &d->q[q];
	uint8_t b[8];

	if (vdrv_used_idx(d, q) == vq->used_seen)
		return false;
	vdrv_peek(d, vq->used + 4 + 8ull * (vq->used_seen % vq->num), b, 8);
	*id = virtio_le32(b);
	*len = virtio_le32(b + 4);
	vq->used_seen++;
	return true;
}

/* ---- test environment ------------------------------------------------------------------- */

static void env_set_level(void *ctx, uint32_t intid, bool level)
{
	struct vdrv_env *env = ctx;

	env->level = level;
	env->irq_changes++;
}

static void env_log(void *ctx, const char *line)
{
	struct vdrv_env *env = ctx;

	env->log_lines++;
	snprintf(env->last_log, sizeof(env->last_log), "%s", line);
}

int vdrv_env_init(struct vdrv_env *env, struct virtio_device *dev, uint64_t base,
		  uint64_t size, bool protected_vm)
{
	struct virtio_mmio_config cfg = {
		.mem = &env->gm.mem,
		.irq = { .ctx = env, .intid = 48, .set_level = env_set_level },
		.access_platform = protected_vm,
		.log = env_log,
		.log_ctx = env,
	};
	int ret;

	memset(env, 0, sizeof(*env));
	ret = guest_mem_buf_init(&env->gm, base, size, protected_vm);
	if (ret) {
		dev->ops->destroy(dev);
		return ret;
	}
	cfg.mem = &env->gm.mem;
	ret = virtio_mmio_create(&cfg, dev, &env->t);
	if (ret) {
		guest_mem_buf_fini(&env->gm);
		return ret;
	}
	vdrv_bind(&env->d, env->t, &env->gm, base + size / 2, base + size);
	return 0;
}

void vdrv_env_fini(struct vdrv_env *env)
{
	virtio_mmio_destroy(env->t);
	guest_mem_buf_fini(&env->gm);
	env->t = NULL;
}

void vdrv_env_io(struct vdrv_env *env)
{
	struct pollfd fds[VIRTIO_MAX_POLL_FDS];
	int n = virtio_mmio_poll_fds(env->t, fds, VIRTIO_MAX_POLL_FDS);

	if (n > 0 && poll(fds, (nfds_t)n, 0) < 0)
		n = 0;
	virtio_mmio_process_io(env->t, fds, n);
}

struct virtio_mmio_stats vdrv_env_stats(struct vdrv_env *env)
{
	struct virtio_mmio_stats st;

	virtio_mmio_get_stats(env->t, &st);
	return st;
}
