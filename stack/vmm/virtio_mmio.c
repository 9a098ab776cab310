// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport, register layout version 2 (virtio 1.2, 4.2.2): feature
 * negotiation with VERSION_1 required, the status state machine, queue setup frozen once
 * QueueReady, notifications, the interrupt status/ack pair and the configuration space
 * with its generation counter.
 *
 * Status state machine (2.1, 3.1.1). The driver only ever adds bits; the device owns
 * NEEDS_RESET; writing 0 resets. Transitions the transport accepts:
 *
 *	0 -> ACK -> ACK|DRIVER -> (+FEATURES_OK, kept only if the features are acceptable)
 *	  -> (+DRIVER_OK: the device is activated, exactly once per reset)
 *	any -> (+FAILED: the driver gave up, the device stops)      any -> 0 (reset)
 *
 * A write that clears a bit, skips a step or sets DRIVER_OK without FEATURES_OK is
 * ignored and counted as a bad access. The device processes queues only while active:
 * after DRIVER_OK, before any FAILED, NEEDS_RESET or reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "stack/vmm/virtio_internal.h"

#define DRIVER_STATUS_BITS (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | \
			    VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK | \
			    VIRTIO_STATUS_FAILED)
#define CONFIG_SPACE_MAX 256u

struct virtio_mmio {
	pthread_mutex_t lock;		/* guards everything below and the device */
	struct virtio_device *dev;
	struct vmm_irq irq;
	bool access_platform;
	void (*log)(void *log_ctx, const char *line);
	void *log_ctx;
	unsigned log_lines;
	int wake_fd;			/* eventfd, entry 0 of every poll set */

	uint32_t status;
	uint32_t interrupt_status;
	uint32_t config_generation;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;
	bool irq_level;
	const char *broken_reason;
	uint64_t bad_accesses, resets, notifies;
	struct virtq_seg *segs;
};

/* ---- interrupts, logging, the device's callbacks ---------------------------------------- */

static void update_irq(struct virtio_mmio *t)
{
	bool level = t->interrupt_status != 0;

	if (level != t->irq_level) {
		t->irq_level = level;
		t->irq.set_level(t->irq.ctx, t->irq.intid, level);
	}
}

static void log_line(struct virtio_mmio *t, const char *line)
{
	if (t->log_lines >= VIRTIO_LOG_LIMIT)
		return;
	if (++t->log_lines == VIRTIO_LOG_LIMIT)
		line = "further messages suppressed";
	if (t->log)
		t->log(t->log_ctx, line);
	else
		fprintf(stderr, "vmm: %s: %s\n", t->dev->ops->name, line);
}

void virtio_dev_log(struct virtio_device *dev, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_line(dev->transport, line);
}

void virtio_dev_broken(struct virtio_device *dev, const char *why)
{
	struct virtio_mmio *t = dev->transport;

	if (t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	t->broken_reason = why;
	dev->active = false;
	virtio_dev_log(dev, "device needs reset: %s", why);
	/* 2.1.2: once DRIVER_OK is set, NEEDS_RESET comes with a config notification. */
	if (t->status & VIRTIO_STATUS_DRIVER_OK) {
		t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
		update_irq(t);
	}
}

void virtio_dev_signal_used(struct virtio_device *dev, unsigned queue)
{
	struct virtio_mmio *t = dev->transport;

	if (queue >= dev->ops->nr_queues || !virtq_needs_interrupt(&dev->queues[queue]))
		return;
	t->interrupt_status |= VIRTIO_MMIO_INT_VRING;
	update_irq(t);
}

void virtio_dev_config_changed(struct virtio_device *dev)
{
	struct virtio_mmio *t = dev->transport;

	t->config_generation++;
	if (t->status & VIRTIO_STATUS_DRIVER_OK) {
		t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
		update_irq(t);
	}
}

void virtio_dev_lock(struct virtio_device *dev)
{
	if (dev->transport)
		pthread_mutex_lock(&dev->transport->lock);
}

void virtio_dev_unlock(struct virtio_device *dev)
{
	if (dev->transport)
		pthread_mutex_unlock(&dev->transport->lock);
}

struct virtq *virtio_dev_queue(struct virtio_device *dev, unsigned queue)
{
	if (!dev->active || queue >= dev->ops->nr_queues || !dev->queues[queue].ready)
		return NULL;
	return &dev->queues[queue];
}

static void wake_io_loop(struct virtio_mmio *t)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is already huge, i.e. the loop is already woken. */
	if (write(t->wake_fd, &one, sizeof(one)) < 0)
		return;
}

/* ---- reset and the status register ------------------------------------------------------ */

static void reset_queues(struct virtio_mmio *t)
{
	struct virtio_device *dev = t->dev;

	for (unsigned i = 0; i < dev->ops->nr_queues; i++) {
		struct virtq *q = &dev->queues[i];

		virtq_reset(q);
		q->num = q->num_max;
		q->desc_ipa = q->avail_ipa = q->used_ipa = 0;
		q->indirect = false;
	}
}

static void device_reset(struct virtio_mmio *t)
{
	t->dev->ops->reset(t->dev);
	t->dev->active = false;
	t->dev->features = 0;
	reset_queues(t);
	t->status = 0;
	t->interrupt_status = 0;
	t->device_features_sel = t->driver_features_sel = t->queue_sel = 0;
	t->driver_features = 0;
	t->broken_reason = NULL;
	t->resets++;
	update_irq(t);
	wake_io_loop(t);
}

static uint64_t offered_features(struct virtio_mmio *t)
{
	uint64_t f = t->dev->ops->features(t->dev);

	f |= 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_RING_F_INDIRECT_DESC;
	if (t->access_platform)
		f |= 1ull << VIRTIO_F_ACCESS_PLATFORM;
	return f;
}

/* FEATURES_OK (3.1.1 step 5): a subset of what we offered, with VERSION_1. */
static bool features_acceptable(struct virtio_mmio *t)
{
	uint64_t f = t->driver_features;

	return !(f & ~offered_features(t)) && (f >> VIRTIO_F_VERSION_1 & 1);
}

static void activate(struct virtio_mmio *t)
{
	struct virtio_device *dev = t->dev;
	int ret;

	dev->features = t->driver_features;
	dev->active = true;
	ret = dev->ops->activate(dev);
	if (ret) {
		virtio_dev_log(dev, "activate: %s", strerror(-ret));
		virtio_dev_broken(dev, "device activation failed");
	}
}

/* The driver only adds bits, in order; anything else is ignored (module comment). */
static bool status_step_ok(uint32_t old, uint32_t val)
{
	uint32_t added = val & ~old;

	if (old & ~val & DRIVER_STATUS_BITS)
		return false;
	if ((added & VIRTIO_STATUS_DRIVER) && !(val & VIRTIO_STATUS_ACKNOWLEDGE))
		return false;
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !(val & VIRTIO_STATUS_DRIVER))
		return false;
	if ((added & VIRTIO_STATUS_DRIVER_OK) && !(val & VIRTIO_STATUS_FEATURES_OK))
		return false;
	return true;
}

static void write_status(struct virtio_mmio *t, uint32_t val)
{
	uint32_t old = t->status, added;

	if (val == 0) {
		device_reset(t);
		return;
	}
	val &= DRIVER_STATUS_BITS;
	if (!status_step_ok(old, val)) {
		t->bad_accesses++;
		return;
	}
	added = val & ~old;
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(t)) {
		/* The driver reads FEATURES_OK back and sees the refusal (3.1.1 step 6). */
		val &= ~(uint32_t)(VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
		added &= ~(uint32_t)(VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	}
	t->status = val | (old & VIRTIO_STATUS_NEEDS_RESET);
	if (added & VIRTIO_STATUS_FAILED)
		t->dev->active = false;
	else if ((added & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_NEEDS_RESET))
		activate(t);
	wake_io_loop(t);
}

/* ---- queue registers ---------------------------------------------------------------------- */

static struct virtq *selected_queue(struct virtio_mmio *t)
{
	if (t->queue_sel >= t->dev->ops->nr_queues)
		return NULL;
	return &t->dev->queues[t->queue_sel];
}

/* Queue layout may be written after FEATURES_OK and only while the queue is not ready. */
static struct virtq *queue_for_setup(struct virtio_mmio *t)
{
	struct virtq *q = selected_queue(t);

	if (!q || q->ready || !(t->status & VIRTIO_STATUS_FEATURES_OK) ||
	    (t->status & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)))
		return NULL;
	return q;
}

static void set_half(uint64_t *v, bool high, uint32_t half)
{
	if (high)
		*v = (*v & 0xffffffffull) | (uint64_t)half << 32;
	else
		*v = (*v & ~0xffffffffull) | half;
}

static void write_queue_ready(struct virtio_mmio *t, uint32_t val)
{
	struct virtq *q = selected_queue(t);

	if (!q) {
		t->bad_accesses++;
		return;
	}
	if (val == 0) {
		/* Stop using the queue; its layout stays for the driver to re-enable. */
		virtq_reset(q);
		return;
	}
	if (!queue_for_setup(t)) {
		t->bad_accesses++;
		return;
	}
	if (virtq_validate(q)) {
		virtio_dev_broken(t->dev, q->error);
		return;
	}
	q->indirect = t->driver_features >> VIRTIO_RING_F_INDIRECT_DESC & 1;
	q->ready = true;
	wake_io_loop(t);
}

static bool write_queue_reg(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	struct virtq *q;

	if (off == VIRTIO_MMIO_QUEUE_READY) {
		write_queue_ready(t, val);
		return true;
	}
	q = queue_for_setup(t);
	if (!q)
		return false;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		/* A value that does not fit 16 bits becomes 0, which QueueReady refuses. */
		q->num = val > 0xffff ? 0 : (uint16_t)val;
		return true;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc_ipa, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		return true;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_half(&q->avail_ipa, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, val);
		return true;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_half(&q->used_ipa, off == VIRTIO_MMIO_QUEUE_USED_HIGH, val);
		return true;
	}
	return false;
}

static void notify_queue(struct virtio_mmio *t, uint32_t val)
{
	t->notifies++;
	if (val >= t->dev->ops->nr_queues) {
		t->bad_accesses++;
		return;
	}
	if (!virtio_dev_queue(t->dev, val))
		return;	/* not active or not ready: nothing to do, as the spec allows */
	t->dev->ops->notify(t->dev, val);
	wake_io_loop(t);
}

/* ---- register file -------------------------------------------------------------------------- */

static uint32_t read_reg(struct virtio_mmio *t, uint64_t off)
{
	const struct virtio_device_ops *ops = t->dev->ops;
	struct virtq *q = selected_queue(t);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:		return 2;
	case VIRTIO_MMIO_DEVICE_ID:		return ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (t->device_features_sel > 1)
			return 0;
		return (uint32_t)(offered_features(t) >> (32 * t->device_features_sel));
	case VIRTIO_MMIO_QUEUE_NUM_MAX:		return q ? q->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:		return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:	return t->interrupt_status;
	case VIRTIO_MMIO_STATUS:		return t->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:	return t->config_generation;
	/* No shared memory regions: length and base read as -1 (4.2.2). */
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:		return 0xffffffffu;
	case VIRTIO_MMIO_SHM_SEL:
	case VIRTIO_MMIO_QUEUE_RESET:		return 0;	/* RING_RESET not offered */
	}
	t->bad_accesses++;	/* write-only or unknown register */
	return 0;
}

static void write_reg(struct virtio_mmio *t, uint64_t off, uint32_t val)
{
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:	t->device_features_sel = val; return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:	t->driver_features_sel = val; return;
	case VIRTIO_MMIO_QUEUE_SEL:		t->queue_sel = val; return;
	case VIRTIO_MMIO_SHM_SEL:		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Only between DRIVER and FEATURES_OK (3.1.1 step 4). */
		if ((t->status & VIRTIO_STATUS_DRIVER) &&
		    !(t->status & VIRTIO_STATUS_FEATURES_OK) && t->driver_features_sel <= 1) {
			set_half(&t->driver_features, t->driver_features_sel == 1, val);
			return;
		}
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:		notify_queue(t, val); return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~val;
		update_irq(t);
		return;
	case VIRTIO_MMIO_STATUS:		write_status(t, val); return;
	default:
		if (write_queue_reg(t, off, val))
			return;
	}
	t->bad_accesses++;
}

static bool config_access_ok(struct virtio_mmio *t, uint64_t off, unsigned size)
{
	uint64_t rel = off - VIRTIO_MMIO_CONFIG;

	return rel < t->dev->ops->config_size && size <= t->dev->ops->config_size - rel;
}

static uint64_t read_config(struct virtio_mmio *t, uint64_t off, unsigned size)
{
	uint8_t buf[CONFIG_SPACE_MAX] = { 0 };
	uint64_t val = 0;

	t->dev->ops->config_read(t->dev, buf);
	for (unsigned i = 0; i < size; i++)
		val |= (uint64_t)buf[off - VIRTIO_MMIO_CONFIG + i] << (8 * i);
	return val;
}

static void write_config(struct virtio_mmio *t, uint64_t off, unsigned size, uint64_t val)
{
	uint8_t buf[8];

	if (!t->dev->ops->config_write) {
		t->bad_accesses++;
		return;
	}
	for (unsigned i = 0; i < size; i++)
		buf[i] = (uint8_t)(val >> (8 * i));
	t->dev->ops->config_write(t->dev, (uint32_t)(off - VIRTIO_MMIO_CONFIG), buf, size);
}

static bool size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

int virtio_mmio_read(struct virtio_mmio *t, uint64_t offset, unsigned size, uint64_t *val)
{
	if (offset >= VIRTIO_MMIO_SIZE || !size_ok(size))
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	*val = 0;
	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (config_access_ok(t, offset, size))
			*val = read_config(t, offset, size);
		else
			t->bad_accesses++;
	} else if (size == 4 && offset % 4 == 0) {
		*val = read_reg(t, offset);
	} else {
		t->bad_accesses++;
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int virtio_mmio_write(struct virtio_mmio *t, uint64_t offset, unsigned size, uint64_t val)
{
	if (offset >= VIRTIO_MMIO_SIZE || !size_ok(size))
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (config_access_ok(t, offset, size))
			write_config(t, offset, size, val);
		else
			t->bad_accesses++;
	} else if (size == 4 && offset % 4 == 0) {
		write_reg(t, offset, (uint32_t)val);
	} else {
		t->bad_accesses++;
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* ---- I/O loop ------------------------------------------------------------------------------- */

int virtio_mmio_poll_fds(struct virtio_mmio *t, struct pollfd *fds, int max)
{
	int n = 1;

	if (!fds || max < 1)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	fds[0] = (struct pollfd){ .fd = t->wake_fd, .events = POLLIN };
	if (t->dev->ops->poll_fds)
		n += t->dev->ops->poll_fds(t->dev, fds + 1, max - 1);
	pthread_mutex_unlock(&t->lock);
	return n;
}

int virtio_mmio_process_io(struct virtio_mmio *t, const struct pollfd *fds, int n)
{
	uint64_t count;

	if ((!fds && n > 0) || n < 0)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	if (n > 0 && fds[0].fd == t->wake_fd && (fds[0].revents & POLLIN)) {
		if (read(t->wake_fd, &count, sizeof(count)) < 0)
			count = 0;	/* EAGAIN: already drained */
	}
	if (t->dev->ops->process_io) {
		if (n > 1)
			t->dev->ops->process_io(t->dev, fds + 1, n - 1);
		else
			t->dev->ops->process_io(t->dev, NULL, 0);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

void virtio_mmio_get_stats(struct virtio_mmio *t, struct virtio_mmio_stats *st)
{
	pthread_mutex_lock(&t->lock);
	*st = (struct virtio_mmio_stats){
		.status = t->status,
		.interrupt_status = t->interrupt_status,
		.irq_level = t->irq_level,
		.broken = t->status & VIRTIO_STATUS_NEEDS_RESET,
		.broken_reason = t->broken_reason,
		.config_generation = t->config_generation,
		.driver_features = t->driver_features,
		.bad_accesses = t->bad_accesses,
		.resets = t->resets,
		.notifies = t->notifies,
	};
	pthread_mutex_unlock(&t->lock);
}

/* ---- life cycle ----------------------------------------------------------------------------- */

static int setup_queues(struct virtio_mmio *t, const struct vmm_guest_mem *mem)
{
	struct virtio_device *dev = t->dev;
	unsigned nr = dev->ops->nr_queues, max = dev->ops->queue_max;

	dev->queues = calloc(nr ? nr : 1, sizeof(*dev->queues));
	t->segs = calloc((size_t)(nr ? nr : 1) * max, sizeof(*t->segs));
	if (!dev->queues || !t->segs)
		return -ENOMEM;
	for (unsigned i = 0; i < nr; i++) {
		dev->queues[i].num_max = (uint16_t)max;
		dev->queues[i].mem = mem;
		dev->queues[i].segs = t->segs + (size_t)i * max;
	}
	reset_queues(t);
	return 0;
}

int virtio_mmio_create(const struct virtio_mmio_config *cfg, struct virtio_device *dev,
		       struct virtio_mmio **out)
{
	struct virtio_mmio *t;
	int ret;

	if (!dev)
		return -EINVAL;
	if (!cfg || !cfg->mem || !cfg->mem->read || !cfg->mem->write || !cfg->irq.set_level ||
	    dev->ops->queue_max == 0 || dev->ops->queue_max > VIRTIO_QUEUE_MAX ||
	    dev->ops->config_size > CONFIG_SPACE_MAX) {
		dev->ops->destroy(dev);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		dev->ops->destroy(dev);
		return -ENOMEM;
	}
	t->dev = dev;
	t->irq = cfg->irq;
	t->access_platform = cfg->access_platform;
	t->log = cfg->log;
	t->log_ctx = cfg->log_ctx;
	pthread_mutex_init(&t->lock, NULL);
	dev->transport = t;
	dev->mem = cfg->mem;
	dev->queues = NULL;
	t->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (t->wake_fd < 0) {
		ret = -errno;
		goto err;
	}
	ret = setup_queues(t, cfg->mem);
	if (ret)
		goto err;
	*out = t;
	return 0;
err:
	virtio_mmio_destroy(t);
	return ret;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
	if (!t)
		return;
	struct virtq *queues = t->dev->queues;

	if (t->irq_level)
		t->irq.set_level(t->irq.ctx, t->irq.intid, false);
	t->dev->ops->destroy(t->dev);
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	free(queues);
	free(t->segs);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* ---- helpers for devices ---------------------------------------------------------------------- */

int virtio_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}
