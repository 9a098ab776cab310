// SPDX-License-Identifier: MIT
/*
 * virtio-rng (virtio_rng.c): requests filled from the entropy callback with the exact
 * bytes it produced, the per-request cap, the sim machine's seeded source giving the same
 * bytes for the same seed, and hostile requests (readable buffers, unshared pages, a
 * failing source) breaking only the device.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stack/hal/hal.h"
#include "stack/vmm/virtio_fake_driver.h"
#include "stack/vmm/virtio_internal.h"

#define BASE	0x80000000ull
#define SIZE	(1ull << 20)
#define F	(1ull << VIRTIO_F_VERSION_1)

struct counter_src {
	uint8_t next;
	int fail;	/* -errno to return, 0 to work */
	size_t calls;
};

/* A deterministic "entropy" source: 0, 1, 2, ... so the test knows every byte. */
static int counter_entropy(void *ctx, void *buf, size_t len)
{
	struct counter_src *s = ctx;
	uint8_t *p = buf;

	s->calls++;
	if (s->fail)
		return s->fail;
	for (size_t i = 0; i < len; i++)
		p[i] = s->next++;
	return 0;
}

struct fx {
	struct vdrv_env env;
	struct counter_src src;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct virtio_rng_config cfg = { .entropy = counter_entropy, .ctx = &f->src };
	struct virtio_device *dev;

	assert_int_equal(virtio_rng_create(&cfg, &dev), 0);
	assert_int_equal(vdrv_env_init(&f->env, dev, BASE, SIZE, true), 0);
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_RNG, F, 1, 8), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	vdrv_env_fini(&f->env);
	free(f);
	return 0;
}

static void fills_the_buffer_with_source_bytes(void **state)
{
	struct fx *f = *state;
	uint64_t a = vdrv_alloc(&f->env.d, 40), b = vdrv_alloc(&f->env.d, 24);
	struct vdrv_buf bufs[2] = { { a, 40, true }, { b, 24, true } };
	uint8_t got[64];
	uint32_t id, len;

	vdrv_submit(&f->env.d, 0, bufs, 2);
	assert_true(vdrv_get_used(&f->env.d, 0, &id, &len));
	assert_int_equal(id, 0);
	assert_int_equal(len, 64);
	vdrv_peek(&f->env.d, a, got, 40);
	vdrv_peek(&f->env.d, b, got + 40, 24);
	for (int i = 0; i < 64; i++)
		assert_int_equal(got[i], i);
	assert_true(f->env.level);
	assert_false(vdrv_env_stats(&f->env).broken);
}

static void large_requests_are_capped(void **state)
{
	struct fx *f = *state;
	uint64_t a = vdrv_alloc(&f->env.d, 100 << 10);
	struct vdrv_buf buf = { a, 100 << 10, true };
	uint32_t id, len;
	uint8_t tail;

	vdrv_submit(&f->env.d, 0, &buf, 1);
	assert_true(vdrv_get_used(&f->env.d, 0, &id, &len));
	assert_int_equal(len, 64 << 10);
	vdrv_peek(&f->env.d, a + (64 << 10), &tail, 1);
	assert_int_equal(tail, 0);	/* beyond the cap: untouched */
}

static void readable_buffer_breaks_the_device(void **state)
{
	struct fx *f = *state;
	uint64_t a = vdrv_alloc(&f->env.d, 16);
	struct vdrv_buf bufs[2] = { { a, 8, false }, { a + 8, 8, true } };

	vdrv_submit(&f->env.d, 0, bufs, 2);
	assert_int_equal(vdrv_used_idx(&f->env.d, 0), 0);
	assert_true(vdrv_status(&f->env.d) & VIRTIO_STATUS_NEEDS_RESET);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "rng: device-readable buffer in a request");
	assert_int_equal(f->src.calls, 0);
	assert_true(f->env.level);	/* the config interrupt */
	assert_int_equal(vdrv_read32(&f->env.d, VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_MMIO_INT_CONFIG);
}

static void unshared_buffer_breaks_the_device(void **state)
{
	struct fx *f = *state;
	uint64_t a = BASE + 0x10000;	/* a page of its own, below the driver's heap */
	struct vdrv_buf buf = { a, 32, true };

	guest_mem_buf_share(&f->env.gm, a, 4096, false);
	vdrv_submit(&f->env.d, 0, &buf, 1);
	assert_int_equal(vdrv_used_idx(&f->env.d, 0), 0);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason, "rng: buffer not accessible");
	assert_true(f->env.gm.faults > 0);
}

static void failing_source_breaks_the_device(void **state)
{
	struct fx *f = *state;
	uint64_t a = vdrv_alloc(&f->env.d, 16);
	struct vdrv_buf buf = { a, 16, true };

	f->src.fail = -EIO;
	vdrv_submit(&f->env.d, 0, &buf, 1);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason, "rng: entropy source failed");
	assert_string_equal(f->env.last_log, "device needs reset: rng: entropy source failed");
	/* After a reset and with a working source, the device serves again. */
	f->src.fail = 0;
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_RNG, F, 1, 8), 0);
	a = vdrv_alloc(&f->env.d, 16);
	buf.addr = a;
	vdrv_submit(&f->env.d, 0, &buf, 1);
	assert_int_equal(vdrv_used_idx(&f->env.d, 0), 1);
}

static void no_config_space(void **state)
{
	struct fx *f = *state;
	uint64_t v = 1;

	assert_int_equal(virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG, 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vdrv_env_stats(&f->env).bad_accesses, 1);
}

/* The VMM feeds the device from hal_entropy(): the sim's seeded stream. */
static int hal_source(void *ctx, void *buf, size_t len)
{
	return hal_entropy(ctx, buf, len);
}

static void draw_from_sim(uint64_t seed, uint8_t out[32])
{
	struct hal_machine_config mc = { .phys_base = 0x40000000, .phys_size = 1 << 20,
					 .seed = seed };
	struct hal_machine *m;
	struct virtio_device *dev;
	struct vdrv_env env;
	uint64_t a;
	uint32_t id, len;

	assert_int_equal(hal_machine_create(hal_backend_find("sim"), &mc, &m), 0);
	struct virtio_rng_config cfg = { .entropy = hal_source, .ctx = m };
	assert_int_equal(virtio_rng_create(&cfg, &dev), 0);
	assert_int_equal(vdrv_env_init(&env, dev, BASE, SIZE, false), 0);
	assert_int_equal(vdrv_init(&env.d, VIRTIO_ID_RNG, F, 1, 8), 0);
	a = vdrv_alloc(&env.d, 32);
	vdrv_submit(&env.d, 0, &(struct vdrv_buf){ a, 32, true }, 1);
	assert_true(vdrv_get_used(&env.d, 0, &id, &len));
	assert_int_equal(len, 32);
	vdrv_peek(&env.d, a, out, 32);
	vdrv_env_fini(&env);
	hal_machine_destroy(m);
}

static void seeded_sim_source_is_deterministic(void **state)
{
	uint8_t a[32], b[32], c[32], zero[32] = { 0 };

	draw_from_sim(7, a);
	draw_from_sim(7, b);
	draw_from_sim(8, c);
	assert_memory_equal(a, b, 32);
	assert_memory_not_equal(a, c, 32);
	assert_memory_not_equal(a, zero, 32);
}

static void create_needs_a_source(void **state)
{
	struct virtio_rng_config cfg = { 0 };
	struct virtio_device *dev;

	assert_int_equal(virtio_rng_create(&cfg, &dev), -EINVAL);
	assert_int_equal(virtio_rng_create(NULL, &dev), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(fills_the_buffer_with_source_bytes),
		T(large_requests_are_capped),
		T(readable_buffer_breaks_the_device),
		T(unshared_buffer_breaks_the_device),
		T(failing_source_breaks_the_device),
		T(no_config_space),
		cmocka_unit_test(seeded_sim_source_is_deterministic),
		cmocka_unit_test(create_needs_a_source),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
