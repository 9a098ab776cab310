// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport (virtio_mmio.c) with a small echo device defined here: the
 * register file, feature negotiation, the status state machine, queue setup frozen once
 * ready, activation exactly once, notifications and interrupts, the configuration space
 * and its generation, and what a broken queue does: NEEDS_RESET, a config interrupt,
 * nothing processed until reset, and a working device again after it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stack/vmm/virtio_fake_driver.h"
#include "stack/vmm/virtio_internal.h"

#define BASE	0x80000000ull
#define SIZE	(256ull << 10)
#define HEAP	(BASE + 0x10000)
#define ECHO_ID	42
#define ECHO_F_FOO 3	/* the one device feature the echo device offers */
#define FEATURES (1ull << VIRTIO_F_VERSION_1)

/* ---- the echo device: copies each chain's readable bytes into its writable part ---------- */

struct echo {
	struct virtio_device dev;
	unsigned activations, resets, notifies;
	uint8_t config[12];
	uint8_t last_config_write[8];
	int activate_result;
};

static uint64_t echo_features(struct virtio_device *dev)
{
	return 1ull << ECHO_F_FOO;
}

static void echo_config_read(struct virtio_device *dev, uint8_t *buf)
{
	memcpy(buf, container_of_virtio(dev, struct echo, dev)->config, 12);
}

static void echo_config_write(struct virtio_device *dev, uint32_t off, const uint8_t *buf,
			      unsigned len)
{
	struct echo *e = container_of_virtio(dev, struct echo, dev);

	memcpy(e->last_config_write, buf, len);
	memcpy(e->config + off, buf, len);
}

static int echo_activate(struct virtio_device *dev)
{
	struct echo *e = container_of_virtio(dev, struct echo, dev);

	e->activations++;
	return e->activate_result;
}

static void echo_notify(struct virtio_device *dev, unsigned queue)
{
	struct echo *e = container_of_virtio(dev, struct echo, dev);
	struct virtq *q = virtio_dev_queue(dev, queue);
	struct virtq_chain c;
	uint8_t buf[256];
	int ret;

	e->notifies++;
	while (q && (ret = virtq_pop(q, &c)) != 0) {
		uint64_t n = c.readable_len < c.writable_len ? c.readable_len : c.writable_len;

		if (ret < 0 || n > sizeof(buf) || virtq_chain_read(q, &c, 0, buf, n) ||
		    virtq_chain_write(q, &c, 0, buf, n) || virtq_push(q, &c, (uint32_t)n)) {
			virtio_dev_broken(dev, q->error ? q->error : "echo: copy failed");
			return;
		}
	}
	virtio_dev_signal_used(dev, queue);
}

static void echo_reset(struct virtio_device *dev)
{
	container_of_virtio(dev, struct echo, dev)->resets++;
}

static void echo_destroy(struct virtio_device *dev)
{
	free(container_of_virtio(dev, struct echo, dev));
}

static const struct virtio_device_ops echo_ops = {
	.name = "echo", .device_id = ECHO_ID, .nr_queues = 2, .queue_max = 16,
	.config_size = 12, .features = echo_features, .config_read = echo_config_read,
	.config_write = echo_config_write, .activate = echo_activate, .notify = echo_notify,
	.reset = echo_reset, .destroy = echo_destroy,
};

/* ---- fixture ------------------------------------------------------------------------------ */

struct fx {
	struct guest_mem_buf gm;
	struct virtio_mmio *t;
	struct echo *e;
	struct vdrv d;
	bool level;
	unsigned irq_calls;
	unsigned log_lines;
};

static void set_level(void *ctx, uint32_t intid, bool level)
{
	struct fx *f = ctx;

	assert_int_equal(intid, 48);
	assert_true(level != f->level);	/* only called on changes */
	f->level = level;
	f->irq_calls++;
}

static void count_log(void *ctx, const char *line)
{
	((struct fx *)ctx)->log_lines++;
}

static struct fx *make(bool access_platform)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct virtio_mmio_config cfg = {
		.mem = &f->gm.mem, .irq = { .ctx = f, .intid = 48, .set_level = set_level },
		.access_platform = access_platform, .log = count_log, .log_ctx = f,
	};

	assert_int_equal(guest_mem_buf_init(&f->gm, BASE, SIZE, true), 0);
	f->e = calloc(1, sizeof(*f->e));
	f->e->dev.ops = &echo_ops;
	memcpy(f->e->config, "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", 12);
	assert_int_equal(virtio_mmio_create(&cfg, &f->e->dev, &f->t), 0);
	vdrv_bind(&f->d, f->t, &f->gm, HEAP, BASE + SIZE);
	return f;
}

static int setup(void **state)
{
	*state = make(false);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	virtio_mmio_destroy(f->t);
	assert_false(f->level);	/* destroy lowers the line */
	guest_mem_buf_fini(&f->gm);
	free(f);
	return 0;
}

static uint32_t rd(struct fx *f, uint64_t off)
{
	return vdrv_read32(&f->d, off);
}

static void wr(struct fx *f, uint64_t off, uint32_t v)
{
	vdrv_write32(&f->d, off, v);
}

static struct virtio_mmio_stats stats(struct fx *f)
{
	struct virtio_mmio_stats st;

	virtio_mmio_get_stats(f->t, &st);
	return st;
}

/* One echo round trip on queue q: returns the used length. */
static uint32_t echo_once(struct fx *f, unsigned q, const char *msg)
{
	uint64_t in = vdrv_alloc(&f->d, 64), out = vdrv_alloc(&f->d, 64);
	struct vdrv_buf b[2] = { { in, (uint32_t)strlen(msg), false }, { out, 64, true } };
	uint32_t id, len = 0;
	char got[64];

	vdrv_poke(&f->d, in, msg, strlen(msg));
	vdrv_submit(&f->d, q, b, 2);
	if (!vdrv_get_used(&f->d, q, &id, &len))
		return UINT32_MAX;
	vdrv_peek(&f->d, out, got, len);
	assert_memory_equal(got, msg, len);
	return len;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void identification(void **state)
{
	struct fx *f = *state;

	assert_int_equal(rd(f, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(f, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), ECHO_ID);
	assert_int_equal(rd(f, VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	assert_int_equal(rd(f, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	assert_int_equal(rd(f, VIRTIO_MMIO_SHM_BASE_HIGH), 0xffffffff);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_RESET), 0);	/* RING_RESET not offered */
	wr(f, VIRTIO_MMIO_SHM_SEL, 3);				/* accepted, no regions */
	assert_int_equal(stats(f).bad_accesses, 0);
	/* Write-only and unknown registers read 0 and are counted. */
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NOTIFY), 0);
	assert_int_equal(rd(f, 0x0f0), 0);
	assert_int_equal(stats(f).bad_accesses, 2);
}

static void features_offered(void **state)
{
	struct fx *f = *state;

	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES),
			 1u << ECHO_F_FOO | 1u << VIRTIO_RING_F_INDIRECT_DESC);
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 1u << (VIRTIO_F_VERSION_1 - 32));
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 0);
}

static void access_platform_offered_for_protected_vms(void **state)
{
	struct fx *f = make(true);

	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES),
			 1u << (VIRTIO_F_VERSION_1 - 32) | 1u << (VIRTIO_F_ACCESS_PLATFORM - 32));
	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES | 1ull << VIRTIO_F_ACCESS_PLATFORM,
				   1, 8), 0);
	teardown((void **)&f);
}

static void features_ok_requires_version_1(void **state)
{
	struct fx *f = *state;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, 1ull << ECHO_F_FOO, 1, 8), -EIO);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* A bit we did not offer is refused too. */
	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES | 1ull << 40, 1, 8), -EIO);
	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES | 1ull << ECHO_F_FOO, 1, 8), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE |
			 VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(stats(f).driver_features, FEATURES | 1ull << ECHO_F_FOO);
	assert_true(f->e->dev.features == (FEATURES | 1ull << ECHO_F_FOO));
	/* After FEATURES_OK the driver features are frozen. */
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 0);
	assert_int_equal(stats(f).driver_features, FEATURES | 1ull << ECHO_F_FOO);
}

static void status_must_follow_the_order(void **state)
{
	struct fx *f = *state;
	uint64_t bad = stats(f).bad_accesses;

	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER);	/* no ACKNOWLEDGE */
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_DRIVER_OK);	/* DRIVER_OK without FEATURES_OK */
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), VIRTIO_STATUS_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_DRIVER);	/* clears ACKNOWLEDGE */
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* The driver cannot set NEEDS_RESET: the bit is the device's. */
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS),
			 VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	assert_int_equal(stats(f).bad_accesses, bad + 3);
	assert_int_equal(f->e->activations, 0);
}

static void activates_exactly_once(void **state)
{
	struct fx *f = *state;
	uint32_t st;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 2, 8), 0);
	st = rd(f, VIRTIO_MMIO_STATUS);
	wr(f, VIRTIO_MMIO_STATUS, st);	/* DRIVER_OK again */
	assert_int_equal(f->e->activations, 1);
	assert_int_equal(echo_once(f, 0, "ping"), 4);
	assert_int_equal(echo_once(f, 1, "pong!"), 5);
	/* Reset, reinitialise: a second activation, queues start from index 0 again. */
	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 2, 8), 0);
	assert_int_equal(f->e->activations, 2);
	assert_int_equal(f->e->resets, 2);	/* each vdrv_init starts with a reset */
	assert_int_equal(echo_once(f, 0, "again"), 5);
}

static void activation_failure_breaks_the_device(void **state)
{
	struct fx *f = *state;

	f->e->activate_result = -ENOMEM;
	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_string_equal(stats(f).broken_reason, "device activation failed");
	assert_int_equal(echo_once(f, 0, "x"), UINT32_MAX);
}

static void queue_setup_frozen_once_ready(void **state)
{
	struct fx *f = *state;
	struct virtq *q = &f->e->dev.queues[0];
	uint64_t desc;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	desc = q->desc_ipa;
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, 16);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
	assert_int_equal(q->num, 8);
	assert_int_equal(q->desc_ipa, desc);
	assert_int_equal(echo_once(f, 0, "still fine"), 10);
	/* Selecting a queue that does not exist: QueueNumMax 0, setup ignored. */
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_false(stats(f).broken);
}

static void queue_setup_needs_features_ok(void **state)
{
	struct fx *f = *state;

	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, 4);
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(f->e->dev.queues[0].num, 16);	/* reset value: QueueNumMax */
}

static void bad_queue_layout_needs_reset(void **state)
{
	struct fx *f = *state;
	struct virtio_mmio_stats st;

	wr(f, VIRTIO_MMIO_STATUS, 0);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK);
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, 12);	/* not a power of two */
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	st = stats(f);
	assert_true(st.broken);
	assert_true(st.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_string_equal(st.broken_reason, "queue size not a power of two within QueueNumMax");
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	/* Before DRIVER_OK there is no config interrupt (2.1.2). */
	assert_int_equal(st.interrupt_status, 0);
	assert_false(f->level);
	/* DRIVER_OK no longer activates a broken device. */
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(f->e->activations, 0);
	assert_int_equal(f->log_lines, 1);
}

static void interrupt_raise_and_ack(void **state)
{
	struct fx *f = *state;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	assert_int_equal(echo_once(f, 0, "irq"), 3);
	assert_true(f->level);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_VRING);
	wr(f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);	/* wrong bit */
	assert_true(f->level);
	wr(f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_false(f->level);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	assert_int_equal(f->irq_calls, 2);
	/* The driver suppresses used-buffer interrupts. */
	vdrv_poke(&f->d, f->d.q[0].avail, "\x01\x00", 2);
	assert_int_equal(echo_once(f, 0, "quiet"), 5);
	assert_false(f->level);
	assert_int_equal(f->irq_calls, 2);
}

static void hostile_chain_breaks_only_the_device(void **state)
{
	struct fx *f = *state;
	struct virtio_mmio_stats st;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	vdrv_set_desc(&f->d, 0, 0, HEAP, 8, VIRTQ_DESC_F_NEXT, 0);	/* self loop */
	vdrv_publish(&f->d, 0, 0);
	vdrv_kick(&f->d, 0);
	st = stats(f);
	assert_true(st.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_string_equal(st.broken_reason, "descriptor chain longer than its table");
	assert_int_equal(st.interrupt_status, VIRTIO_MMIO_INT_CONFIG);
	assert_true(f->level);
	assert_int_equal(vdrv_used_idx(&f->d, 0), 0);
	/* Further notifications do nothing; the device stays broken. */
	assert_int_equal(echo_once(f, 0, "ignored"), UINT32_MAX);
	assert_int_equal(f->e->notifies, 1);
	/* Reset: status 0, line low, and a re-initialised device works. */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	st = stats(f);
	assert_int_equal(st.status, 0);
	assert_false(st.broken);
	assert_null(st.broken_reason);
	assert_false(f->level);
	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	assert_int_equal(echo_once(f, 0, "alive"), 5);
}

static void unshared_queue_breaks_the_device(void **state)
{
	struct fx *f = *state;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	/* The whole queue sits in one page: the device faults on the avail ring first. */
	guest_mem_buf_share(&f->gm, f->d.q[0].used, 8, false);
	assert_int_equal(echo_once(f, 0, "x"), UINT32_MAX);
	assert_string_equal(stats(f).broken_reason, "ring not accessible");
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

static void failed_status_stops_the_device(void **state)
{
	struct fx *f = *state;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	wr(f, VIRTIO_MMIO_STATUS, rd(f, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
	assert_int_equal(echo_once(f, 0, "x"), UINT32_MAX);
	assert_int_equal(f->e->notifies, 0);
}

static void queue_ready_zero_stops_the_queue(void **state)
{
	struct fx *f = *state;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(f, VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_int_equal(echo_once(f, 0, "x"), UINT32_MAX);
	assert_int_equal(f->e->notifies, 0);
	/* Re-enabled with its old layout; the device restarts at the ring's start. */
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	memset(guest_mem_buf_ptr(&f->gm, f->d.q[0].avail, 4), 0, 4);
	f->d.q[0] = (struct vdrv_queue){ .num = 8, .desc = f->d.q[0].desc,
					 .avail = f->d.q[0].avail, .used = f->d.q[0].used };
	memset(guest_mem_buf_ptr(&f->gm, f->d.q[0].used, 4), 0, 4);
	assert_int_equal(echo_once(f, 0, "back"), 4);
}

static void notify_out_of_range_is_ignored(void **state)
{
	struct fx *f = *state;
	uint64_t bad;

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	bad = stats(f).bad_accesses;
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 7);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 1);	/* exists but not ready */
	assert_int_equal(stats(f).bad_accesses, bad + 1);
	assert_int_equal(f->e->notifies, 0);
	assert_false(stats(f).broken);
}

static void config_space(void **state)
{
	struct fx *f = *state;
	uint64_t v = 0;
	uint32_t gen;

	assert_int_equal(virtio_mmio_read(f->t, 0x100, 1, &v), 0);
	assert_int_equal(v, 0x01);
	assert_int_equal(virtio_mmio_read(f->t, 0x101, 2, &v), 0);
	assert_int_equal(v, 0x0302);
	assert_int_equal(virtio_mmio_read(f->t, 0x104, 4, &v), 0);
	assert_int_equal(v, 0x08070605);
	assert_int_equal(virtio_mmio_read(f->t, 0x104, 8, &v), 0);
	assert_int_equal(v, 0x0c0b0a0908070605ull);
	/* Past the end (12 bytes): reads 0, counted. */
	assert_int_equal(virtio_mmio_read(f->t, 0x10a, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(virtio_mmio_read(f->t, 0xff8, 8, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(stats(f).bad_accesses, 2);
	assert_int_equal(virtio_mmio_write(f->t, 0x102, 2, 0xbeef), 0);
	assert_memory_equal(f->e->last_config_write, "\xef\xbe", 2);
	assert_int_equal(virtio_mmio_read(f->t, 0x100, 4, &v), 0);
	assert_int_equal(v, 0xbeef0201);
	/* A config change bumps the generation and, after DRIVER_OK, interrupts. */
	gen = rd(f, VIRTIO_MMIO_CONFIG_GENERATION);
	virtio_dev_config_changed(&f->e->dev);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG_GENERATION), gen + 1);
	assert_false(f->level);
	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	virtio_dev_config_changed(&f->e->dev);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG_GENERATION), gen + 2);
	assert_true(f->level);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_MMIO_INT_CONFIG);
}

static void malformed_accesses(void **state)
{
	struct fx *f = *state;
	uint64_t v = 123;

	assert_int_equal(virtio_mmio_read(f->t, 0x1000, 4, &v), -EINVAL);
	assert_int_equal(virtio_mmio_read(f->t, 0, 3, &v), -EINVAL);
	assert_int_equal(virtio_mmio_write(f->t, 0x2000, 4, 0), -EINVAL);
	/* Registers answer only aligned 32-bit accesses. */
	assert_int_equal(virtio_mmio_read(f->t, VIRTIO_MMIO_MAGIC_VALUE, 2, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(virtio_mmio_read(f->t, VIRTIO_MMIO_MAGIC_VALUE + 2, 4, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(virtio_mmio_write(f->t, VIRTIO_MMIO_STATUS, 1, 1), 0);
	assert_int_equal(virtio_mmio_write(f->t, VIRTIO_MMIO_STATUS, 8, 1), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(stats(f).bad_accesses, 4);
}

static void wake_fd_in_every_poll_set(void **state)
{
	struct fx *f = *state;
	struct pollfd fds[4];
	int n;

	n = virtio_mmio_poll_fds(f->t, fds, 4);
	assert_int_equal(n, 1);
	assert_int_equal(fds[0].events, POLLIN);
	assert_int_equal(poll(fds, 1, 0), 0);
	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
	assert_int_equal(poll(fds, 1, 0), 1);	/* the status change woke the loop */
	assert_int_equal(virtio_mmio_process_io(f->t, fds, 1), 0);
	assert_int_equal(poll(fds, 1, 0), 0);	/* drained */
	echo_once(f, 0, "x");
	assert_int_equal(poll(fds, 1, 0), 1);
	assert_int_equal(virtio_mmio_poll_fds(f->t, fds, 0), -EINVAL);
	assert_int_equal(virtio_mmio_process_io(f->t, NULL, 1), -EINVAL);
	assert_int_equal(virtio_mmio_process_io(f->t, NULL, 0), 0);
}

static void log_is_rate_limited(void **state)
{
	struct fx *f = *state;

	for (int i = 0; i < 40; i++) {
		assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 1, 8), 0);
		vdrv_publish(&f->d, 0, 99);
		vdrv_kick(&f->d, 0);
		assert_true(stats(f).broken);
	}
	assert_int_equal(f->log_lines, VIRTIO_LOG_LIMIT);
}

static void create_checks_its_arguments(void **state)
{
	struct guest_mem_buf gm;
	struct virtio_mmio_config cfg = { .mem = &gm.mem };
	struct virtio_mmio *t = NULL;
	struct echo *e = calloc(1, sizeof(*e));

	assert_int_equal(guest_mem_buf_init(&gm, BASE, 4096, false), 0);
	e->dev.ops = &echo_ops;
	/* No irq callback: refused, and the device is freed (ASan checks the leak). */
	assert_int_equal(virtio_mmio_create(&cfg, &e->dev, &t), -EINVAL);
	assert_null(t);
	assert_int_equal(virtio_mmio_create(&cfg, NULL, &t), -EINVAL);
	guest_mem_buf_fini(&gm);
}

/* MMIO from two "vCPU" threads while an I/O thread polls: the mutex keeps it coherent. */
struct race {
	struct fx *f;
	unsigned q;
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	uint64_t v;

	for (int i = 0; i < 2000; i++) {
		virtio_mmio_read(r->f->t, VIRTIO_MMIO_INTERRUPT_STATUS, 4, &v);
		virtio_mmio_write(r->f->t, VIRTIO_MMIO_INTERRUPT_ACK, 4, v);
		virtio_mmio_write(r->f->t, VIRTIO_MMIO_QUEUE_NOTIFY, 4, r->q);
	}
	return NULL;
}

static void concurrent_entry_points(void **state)
{
	struct fx *f = *state;
	struct race r[2] = { { f, 0 }, { f, 1 } };
	pthread_t th[2];
	struct pollfd fds[4];

	assert_int_equal(vdrv_init(&f->d, ECHO_ID, FEATURES, 2, 8), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race_thread, &r[i]), 0);
	for (int i = 0; i < 2000; i++) {
		int n = virtio_mmio_poll_fds(f->t, fds, 4);

		virtio_mmio_process_io(f->t, fds, n);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(f->e->notifies, 4000);
	assert_int_equal(stats(f).notifies, 4000);
	assert_false(stats(f).broken);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(identification),
		T(features_offered),
		cmocka_unit_test(access_platform_offered_for_protected_vms),
		T(features_ok_requires_version_1),
		T(status_must_follow_the_order),
		T(activates_exactly_once),
		T(activation_failure_breaks_the_device),
		T(queue_setup_frozen_once_ready),
		T(queue_setup_needs_features_ok),
		T(bad_queue_layout_needs_reset),
		T(interrupt_raise_and_ack),
		T(hostile_chain_breaks_only_the_device),
		T(unshared_queue_breaks_the_device),
		T(failed_status_stops_the_device),
		T(queue_ready_zero_stops_the_queue),
		T(notify_out_of_range_is_ignored),
		T(config_space),
		T(malformed_accesses),
		T(wake_fd_in_every_poll_set),
		T(log_is_rate_limited),
		cmocka_unit_test(create_checks_its_arguments),
		T(concurrent_entry_points),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
