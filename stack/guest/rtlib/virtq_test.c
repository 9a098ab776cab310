// SPDX-License-Identifier: Apache-2.0
/*
 * The driver side of split virtqueues (virtq.h) against a small device model written
 * here from the spec (virtio 1.2, 2.7): exact descriptor and ring contents, the free
 * list across out-of-order completions, 16-bit index wrap, and every impossible used
 * element a hostile device can write, each refused with -EIO and the queue broken.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "stack/guest/rtlib/virtq.h"

static _Alignas(16) uint8_t desc[16 * VIRTQ_DRV_MAX];
static _Alignas(16) uint8_t avail[6 + 2 * VIRTQ_DRV_MAX];
static _Alignas(16) uint8_t used[6 + 8 * VIRTQ_DRV_MAX];
static struct virtq_drv q;
static uint16_t dev_last_avail;	/* the model device's view */

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void wr16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static int setup(void **state)
{
	dev_last_avail = 0;
	return virtq_drv_init(&q, 8, desc, avail, used);
}

/* The device takes the next avail head. */
static uint16_t dev_pop(void)
{
	uint16_t head;

	assert_int_not_equal(rd16(avail + 2), dev_last_avail);
	head = rd16(avail + 4 + 2 * (dev_last_avail % q.num));
	dev_last_avail++;
	return head;
}

/* The device publishes a used element. */
static void dev_push(uint32_t id, uint32_t len)
{
	uint16_t idx = rd16(used + 2);

	wr32(used + 4 + 8 * (idx % q.num), id);
	wr32(used + 8 + 8 * (idx % q.num), len);
	wr16(used + 2, (uint16_t)(idx + 1));
}

static void test_init_refusals(void **state)
{
	struct virtq_drv t;

	assert_int_equal(virtq_drv_init(&t, 0, desc, avail, used), -EINVAL);
	assert_int_equal(virtq_drv_init(&t, 6, desc, avail, used), -EINVAL);
	assert_int_equal(virtq_drv_init(&t, 128, desc, avail, used), -EINVAL);
	assert_int_equal(virtq_drv_init(&t, 8, desc + 8, avail, used), -EINVAL);
	assert_int_equal(virtq_drv_init(&t, 8, desc, avail + 1, used), -EINVAL);
	assert_int_equal(virtq_drv_init(&t, 8, desc, avail, used + 2), -EINVAL);
	assert_int_equal(virtq_drv_init(&t, 64, desc, avail, used), 0);
	assert_int_equal(virtq_desc_size(8), 128);
	assert_int_equal(virtq_avail_size(8), 22);
	assert_int_equal(virtq_used_size(8), 70);
}

static void test_chain_layout_and_completion(void **state)
{
	struct virtq_buf b[3] = { { 0x1000, 16, false }, { 0x2000, 512, true }, { 0x3000, 1, true } };
	int token;
	void *got;
	uint32_t len;
	uint16_t head, d;

	assert_int_equal(virtq_drv_add(&q, b, 3, &token), 0);
	assert_int_equal(rd16(avail + 2), 1);			/* avail idx */
	head = dev_pop();
	assert_int_equal(head, 0);
	/* Walk the chain as the device does. */
	d = head;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(rd64(desc + 16 * d), b[i].addr);
		assert_int_equal(rd32(desc + 16 * d + 8), b[i].len);
		assert_int_equal(rd16(desc + 16 * d + 12),
				 (b[i].writable ? VIRTQ_DESC_F_WRITE : 0) |
				 (i < 2 ? VIRTQ_DESC_F_NEXT : 0));
		d = rd16(desc + 16 * d + 14);
	}
	assert_int_equal(q.num_free, 5);
	assert_int_equal(virtq_drv_get(&q, &got, &len), 0);	/* nothing used yet */
	dev_push(head, 513);
	assert_int_equal(virtq_drv_get(&q, &got, &len), 1);
	assert_ptr_equal(got, &token);
	assert_int_equal(len, 513);
	assert_int_equal(q.num_free, 8);
	assert_int_equal(virtq_drv_in_flight(&q), 0);
	assert_int_equal(virtq_drv_get(&q, &got, &len), 0);
}

static void test_add_refusals(void **state)
{
	struct virtq_buf rw[2] = { { 0x1000, 8, true }, { 0x2000, 8, false } };
	struct virtq_buf big[2] = { { 0x1000, 0xffffffffu, true }, { 0x2000, 1, true } };
	struct virtq_buf one = { 0x1000, 8, false };
	int tokens[9];

	assert_int_equal(virtq_drv_add(&q, rw, 2, &tokens[0]), -EINVAL);
	assert_int_equal(virtq_drv_add(&q, big, 2, &tokens[0]), -EINVAL);
	assert_int_equal(virtq_drv_add(&q, &one, 0, &tokens[0]), -EINVAL);
	assert_int_equal(virtq_drv_add(&q, &one, 1, NULL), -EINVAL);
	for (int i = 0; i < 8; i++)
		assert_int_equal(virtq_drv_add(&q, &one, 1, &tokens[i]), i);
	assert_int_equal(virtq_drv_add(&q, &one, 1, &tokens[8]), -ENOSPC);
	assert_int_equal(rd16(avail + 2), 8);
}

static void test_out_of_order_completion_reuses_chains(void **state)
{
	struct virtq_buf two[2] = { { 0x1000, 8, false }, { 0x2000, 8, true } };
	int t[4];
	void *got;
	uint32_t len;
	int h[4];

	for (int i = 0; i < 4; i++)
		h[i] = virtq_drv_add(&q, two, 2, &t[i]);
	assert_int_equal(virtq_drv_add(&q, two, 1, &t[0]), -ENOSPC);
	dev_push((uint32_t)h[2], 8);
	dev_push((uint32_t)h[0], 0);
	assert_int_equal(virtq_drv_get(&q, &got, &len), 1);
	assert_ptr_equal(got, &t[2]);
	assert_int_equal(virtq_drv_get(&q, &got, &len), 1);
	assert_ptr_equal(got, &t[0]);
	assert_int_equal(len, 0);
	assert_int_equal(q.num_free, 4);
	/* The freed descriptors form valid chains again. */
	for (int i = 0; i < 2; i++)
		assert_true(virtq_drv_add(&q, two, 2, &t[i]) >= 0);
	assert_int_equal(q.num_free, 0);
	assert_int_equal(virtq_drv_in_flight(&q), 4);
}

static void test_index_wrap(void **state)
{
	struct virtq_buf one = { 0x1000, 4, true };
	int token;
	void *got;
	uint32_t len;

	for (uint32_t i = 0; i < 70000; i++) {
		int head = virtq_drv_add(&q, &one, 1, &token);

		assert_true(head >= 0);
		assert_int_equal(dev_pop(), head);
		dev_push((uint32_t)head, i % 5);
		assert_int_equal(virtq_drv_get(&q, &got, &len), 1);
		assert_int_equal(len, i % 5);
	}
	assert_int_equal(rd16(avail + 2), (uint16_t)70000);
	assert_int_equal(q.num_free, 8);
}

/* One hostile used element: refused, the queue broken for good. */
static void expect_broken(void)
{
	struct virtq_buf one = { 0x1000, 4, true };
	int token;
	void *got;
	uint32_t len;

	assert_int_equal(virtq_drv_get(&q, &got, &len), -EIO);
	assert_true(q.broken);
	assert_int_equal(virtq_drv_get(&q, &got, &len), -EIO);
	assert_int_equal(virtq_drv_add(&q, &one, 1, &token), -EIO);
}

static void test_hostile_used_elements(void **state)
{
	struct virtq_buf two[2] = { { 0x1000, 8, false }, { 0x2000, 100, true } };
	int t;

	/* An id outside the table. */
	virtq_drv_add(&q, two, 2, &t);
	dev_push(8, 0);
	expect_broken();
	/* An id inside the table but not a head in flight (the chain's second one). */
	setup(NULL);
	virtq_drv_add(&q, two, 2, &t);
	dev_push(1, 0);
	expect_broken();
	/* More written than the chain's writable bytes. */
	setup(NULL);
	virtq_drv_add(&q, two, 2, &t);
	dev_push(0, 101);
	expect_broken();
	/* The same head completed twice. */
	setup(NULL);
	virtq_drv_add(&q, two, 2, &t);
	virtq_drv_add(&q, two, 2, &t);
	dev_push(0, 1);
	dev_push(0, 1);
	{
		void *got;
		uint32_t len;

		assert_int_equal(virtq_drv_get(&q, &got, &len), 1);
	}
	expect_broken();
	/* used->idx jumping further than what is in flight. */
	setup(NULL);
	virtq_drv_add(&q, two, 2, &t);
	wr16(used + 2, 5);
	expect_broken();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_refusals),
		cmocka_unit_test_setup(test_chain_layout_and_completion, setup),
		cmocka_unit_test_setup(test_add_refusals, setup),
		cmocka_unit_test_setup(test_out_of_order_completion_reuses_chains, setup),
		cmocka_unit_test_setup(test_index_wrap, setup),
		cmocka_unit_test_setup(test_hostile_used_elements, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
