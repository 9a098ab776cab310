// SPDX-License-Identifier: MIT
/*
 * Split virtqueue walking (virtqueue.c) against hostile rings: every check of
 * split_descriptor_chain.rs and the spec, each with its exact errno and, where it
 * matters, that nothing was consumed. The queue is driven directly over a guest_mem_buf
 * (no transport), so the test controls every byte the device reads.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stack/vmm/guest_mem_buf.h"
#include "stack/vmm/virtio_internal.h"

#define BASE	0x80000000ull
#define SIZE	(64ull << 10)
#define DESC	(BASE + 0x0000)
#define AVAIL	(BASE + 0x1000)
#define USED	(BASE + 0x2000)
#define ITAB	(BASE + 0x3000)	/* an indirect table */
#define BUF	(BASE + 0x8000)
#define NUM	8
#define NUM_MAX	16

struct fx {
	struct guest_mem_buf gm;
	struct virtq q;
	struct virtq_seg segs[NUM_MAX];
	struct virtq_chain c;
	uint16_t avail_idx;
};

static int setup(void **state)
{
	static struct fx f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(guest_mem_buf_init(&f.gm, BASE, SIZE, true), 0);
	f.q = (struct virtq){ .num = NUM, .num_max = NUM_MAX, .desc_ipa = DESC,
			      .avail_ipa = AVAIL, .used_ipa = USED, .mem = &f.gm.mem,
			      .segs = f.segs };
	assert_int_equal(virtq_validate(&f.q), 0);
	f.q.ready = true;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	guest_mem_buf_fini(&f->gm);
	return 0;
}

static void put16(struct fx *f, uint64_t ipa, uint16_t v)
{
	virtio_put_le16(guest_mem_buf_ptr(&f->gm, ipa, 2), v);
}

static uint16_t get16(struct fx *f, uint64_t ipa)
{
	return virtio_le16(guest_mem_buf_ptr(&f->gm, ipa, 2));
}

static void desc_at(struct fx *f, uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	uint8_t *p = guest_mem_buf_ptr(&f->gm, table + 16ull * i, 16);

	virtio_put_le64(p, addr);
	virtio_put_le32(p + 8, len);
	virtio_put_le16(p + 12, flags);
	virtio_put_le16(p + 14, next);
}

static void desc(struct fx *f, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	desc_at(f, DESC, i, addr, len, flags, next);
}

static void publish(struct fx *f, uint16_t head)
{
	put16(f, AVAIL + 4 + 2 * (f->avail_idx % NUM), head);
	put16(f, AVAIL + 2, ++f->avail_idx);
}

/* Pop expecting err and q->error == why; the queue consumed nothing. */
static void pop_fails(struct fx *f, int err, const char *why)
{
	uint16_t before = f->q.last_avail;

	assert_int_equal(virtq_pop(&f->q, &f->c), err);
	assert_string_equal(f->q.error, why);
	assert_int_equal(f->q.last_avail, before);
}

static void empty_ring_pops_nothing(void **state)
{
	struct fx *f = *state;

	assert_int_equal(virtq_pop(&f->q, &f->c), 0);
	assert_false(virtq_has_avail(&f->q));
	f->q.ready = false;
	publish(f, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 0);	/* not ready: nothing */
}

static void chain_of_three(void **state)
{
	struct fx *f = *state;

	desc(f, 5, BUF, 100, VIRTQ_DESC_F_NEXT, 2);
	desc(f, 2, BUF + 0x100, 28, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 7);
	desc(f, 7, BUF + 0x200, 4, VIRTQ_DESC_F_WRITE, 0xffff);	/* next ignored */
	publish(f, 5);
	assert_true(virtq_has_avail(&f->q));
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.head, 5);
	assert_int_equal(f->c.nr_segs, 3);
	assert_int_equal(f->c.nr_readable, 1);
	assert_int_equal(f->c.readable_len, 100);
	assert_int_equal(f->c.writable_len, 32);
	assert_int_equal(f->c.segs[1].addr, BUF + 0x100);
	assert_true(f->c.segs[2].writable);
	assert_int_equal(f->q.last_avail, 1);
	assert_int_equal(virtq_pop(&f->q, &f->c), 0);
}

static void head_out_of_range(void **state)
{
	struct fx *f = *state;

	publish(f, NUM);
	pop_fails(f, -EINVAL, "head index outside the descriptor table");
}

static void next_out_of_range(void **state)
{
	struct fx *f = *state;

	desc(f, 0, BUF, 8, VIRTQ_DESC_F_NEXT, NUM);
	publish(f, 0);
	pop_fails(f, -EINVAL, "next index outside the descriptor table");
}

static void loop_is_refused(void **state)
{
	struct fx *f = *state;

	desc(f, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(f, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	publish(f, 0);
	pop_fails(f, -ELOOP, "descriptor chain longer than its table");
}

static void self_loop_is_refused(void **state)
{
	struct fx *f = *state;

	desc(f, 3, BUF, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 3);
	publish(f, 3);
	pop_fails(f, -ELOOP, "descriptor chain longer than its table");
}

static void chain_as_long_as_the_table_is_fine(void **state)
{
	struct fx *f = *state;

	for (uint16_t i = 0; i < NUM; i++)
		desc(f, i, BUF + 16 * i, 16, i + 1 < NUM ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	publish(f, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.nr_segs, NUM);
	assert_int_equal(f->c.readable_len, 16 * NUM);
}

static void unknown_flags(void **state)
{
	struct fx *f = *state;

	desc(f, 0, BUF, 8, 0x8, 0);
	publish(f, 0);
	pop_fails(f, -EINVAL, "unknown descriptor flags");
	desc(f, 0, BUF, 8, 0x8000, 0);
	pop_fails(f, -EINVAL, "unknown descriptor flags");
}

static void readable_after_writable(void **state)
{
	struct fx *f = *state;

	desc(f, 0, BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc(f, 1, BUF, 8, 0, 0);
	publish(f, 0);
	pop_fails(f, -EINVAL, "readable descriptor after a writable one");
}

static void address_wraps(void **state)
{
	struct fx *f = *state;

	desc(f, 0, UINT64_MAX - 3, 8, 0, 0);
	publish(f, 0);
	pop_fails(f, -EINVAL, "buffer wraps around the address space");
	/* Ending exactly at the top is not a wrap: it pops, and copying then faults. */
	desc(f, 0, UINT64_MAX - 7, 8, 0, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	uint8_t b[8];
	assert_int_equal(virtq_chain_read(&f->q, &f->c, 0, b, 8), -EFAULT);
}

static void avail_index_jump(void **state)
{
	struct fx *f = *state;

	desc(f, 0, BUF, 8, 0, 0);
	put16(f, AVAIL + 2, NUM + 1);
	pop_fails(f, -EINVAL, "avail index moved more than the queue size");
	put16(f, AVAIL + 2, 0xffff);	/* "backwards" is a huge jump forward */
	pop_fails(f, -EINVAL, "avail index moved more than the queue size");
	put16(f, AVAIL + 2, NUM);	/* exactly a full ring is fine */
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
}

static void unshared_ring_or_table_faults(void **state)
{
	struct fx *f = *state;

	desc(f, 0, BUF, 8, 0, 0);
	publish(f, 0);
	guest_mem_buf_share(&f->gm, AVAIL, 1, false);
	pop_fails(f, -EFAULT, "ring not accessible");
	assert_true(virtq_has_avail(&f->q));	/* so the device pops and sees the fault */
	guest_mem_buf_share(&f->gm, AVAIL, 1, true);
	guest_mem_buf_share(&f->gm, DESC, 1, false);
	pop_fails(f, -EFAULT, "descriptor not accessible");
	guest_mem_buf_share(&f->gm, DESC, 1, true);
	/* The buffer itself being unshared shows when copying, not when popping. */
	guest_mem_buf_share(&f->gm, BUF, 1, false);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	uint8_t b[8];
	assert_int_equal(virtq_chain_read(&f->q, &f->c, 0, b, 8), -EFAULT);
}

static void descriptor_outside_memory(void **state)
{
	struct fx *f = *state;

	f->q.desc_ipa = BASE + SIZE - 16 * 4;	/* the table runs off the end */
	desc_at(f, f->q.desc_ipa, 0, BUF, 8, 0, 0);
	publish(f, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	publish(f, 5);
	pop_fails(f, -EFAULT, "descriptor not accessible");
}

static void indirect_not_negotiated(void **state)
{
	struct fx *f = *state;

	desc_at(f, ITAB, 0, BUF, 8, 0, 0);
	desc(f, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(f, 0);
	pop_fails(f, -EINVAL, "indirect descriptor not negotiated");
}

static void indirect_table(void **state)
{
	struct fx *f = *state;

	f->q.indirect = true;
	desc_at(f, ITAB, 0, BUF, 10, VIRTQ_DESC_F_NEXT, 2);
	desc_at(f, ITAB, 2, BUF + 0x40, 20, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc_at(f, ITAB, 1, BUF + 0x80, 30, VIRTQ_DESC_F_WRITE, 0);
	/* The write flag of the pointing descriptor is ignored, as 2.7.5.3.2 asks. */
	desc(f, 4, ITAB, 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	publish(f, 4);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.head, 4);
	assert_int_equal(f->c.nr_segs, 3);
	assert_int_equal(f->c.readable_len, 10);
	assert_int_equal(f->c.writable_len, 50);
}

static void indirect_malformed(void **state)
{
	struct fx *f = *state;

	f->q.indirect = true;
	publish(f, 0);
	desc(f, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	pop_fails(f, -EINVAL, "indirect descriptor with NEXT");
	desc(f, 0, ITAB, 0, VIRTQ_DESC_F_INDIRECT, 0);
	pop_fails(f, -EINVAL, "indirect table length not a multiple of 16");
	desc(f, 0, ITAB, 17, VIRTQ_DESC_F_INDIRECT, 0);
	pop_fails(f, -EINVAL, "indirect table length not a multiple of 16");
	desc(f, 0, ITAB, 16 * (NUM_MAX + 1), VIRTQ_DESC_F_INDIRECT, 0);
	pop_fails(f, -ELOOP, "indirect table longer than the queue");
	desc(f, 0, UINT64_MAX - 15, 32, VIRTQ_DESC_F_INDIRECT, 0);
	pop_fails(f, -EINVAL, "indirect table wraps around the address space");
	/* Nested. */
	desc_at(f, ITAB, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc(f, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	pop_fails(f, -EINVAL, "nested indirect descriptor");
	/* Loop inside the table. */
	desc_at(f, ITAB, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	desc_at(f, ITAB, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	desc(f, 0, ITAB, 32, VIRTQ_DESC_F_INDIRECT, 0);
	pop_fails(f, -ELOOP, "descriptor chain longer than its table");
	/* next beyond the indirect table (but inside the main one). */
	desc_at(f, ITAB, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 2);
	pop_fails(f, -EINVAL, "next index outside the descriptor table");
	/* Not at the head. */
	desc(f, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(f, 1, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	pop_fails(f, -EINVAL, "indirect descriptor not at the head of the chain");
	/* Table in a page the guest did not share. */
	desc_at(f, ITAB, 0, BUF, 8, 0, 0);
	desc(f, 0, ITAB, 16, VIRTQ_DESC_F_INDIRECT, 0);
	guest_mem_buf_share(&f->gm, ITAB, 16, false);
	pop_fails(f, -EFAULT, "descriptor not accessible");
	/* And the same chain pops once it is shared. */
	guest_mem_buf_share(&f->gm, ITAB, 16, true);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.readable_len, 8);
}

static void zero_length_buffers_are_skipped(void **state)
{
	struct fx *f = *state;

	desc(f, 0, BUF, 0, VIRTQ_DESC_F_NEXT, 1);
	desc(f, 1, BUF, 4, VIRTQ_DESC_F_NEXT, 2);
	desc(f, 2, 0, 0, VIRTQ_DESC_F_WRITE, 0);
	publish(f, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.nr_segs, 1);
	assert_int_equal(f->c.writable_len, 0);
}

static void chain_copies_cross_segments(void **state)
{
	struct fx *f = *state;
	uint8_t in[12] = "hello world", out[12] = { 0 };
	uint8_t back[7];

	memcpy(guest_mem_buf_ptr(&f->gm, BUF, 5), in, 5);
	memcpy(guest_mem_buf_ptr(&f->gm, BUF + 0x100, 7), in + 5, 7);
	desc(f, 0, BUF, 5, VIRTQ_DESC_F_NEXT, 1);
	desc(f, 1, BUF + 0x100, 7, VIRTQ_DESC_F_NEXT, 2);
	desc(f, 2, BUF + 0x200, 3, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	desc(f, 3, BUF + 0x300, 4, VIRTQ_DESC_F_WRITE, 0);
	publish(f, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(virtq_chain_read(&f->q, &f->c, 0, out, 12), 0);
	assert_memory_equal(out, in, 12);
	assert_int_equal(virtq_chain_read(&f->q, &f->c, 4, out, 3), 0);
	assert_memory_equal(out, "o w", 3);
	assert_int_equal(virtq_chain_read(&f->q, &f->c, 10, out, 3), -EINVAL);
	assert_int_equal(virtq_chain_read(&f->q, &f->c, UINT64_MAX, out, 1), -EINVAL);
	assert_int_equal(virtq_chain_write(&f->q, &f->c, 1, "ABCDEF", 6), 0);
	assert_int_equal(virtq_chain_write(&f->q, &f->c, 2, "x", 6), -EINVAL);
	memcpy(back, guest_mem_buf_ptr(&f->gm, BUF + 0x201, 2), 2);
	memcpy(back + 2, guest_mem_buf_ptr(&f->gm, BUF + 0x300, 4), 4);
	assert_memory_equal(back, "ABCDEF", 6);
	/* The readable part was not touched by the write. */
	assert_memory_equal(guest_mem_buf_ptr(&f->gm, BUF, 5), "hello", 5);
}

static void push_and_interrupt_suppression(void **state)
{
	struct fx *f = *state;
	uint8_t *elem;

	desc(f, 6, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
	publish(f, 6);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(virtq_push(&f->q, &f->c, 3), 0);
	elem = guest_mem_buf_ptr(&f->gm, USED + 4, 8);
	assert_int_equal(virtio_le32(elem), 6);
	assert_int_equal(virtio_le32(elem + 4), 3);
	assert_int_equal(get16(f, USED + 2), 1);
	assert_true(virtq_needs_interrupt(&f->q));
	put16(f, AVAIL, VIRTQ_AVAIL_F_NO_INTERRUPT);
	assert_false(virtq_needs_interrupt(&f->q));
	/* Used ring not shared: push fails, used->idx does not move. */
	publish(f, 6);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	guest_mem_buf_share(&f->gm, USED, 1, false);
	assert_int_equal(virtq_push(&f->q, &f->c, 1), -EFAULT);
	assert_string_equal(f->q.error, "used ring not accessible");
	assert_int_equal(f->q.used_idx, 1);
}

static void unpop_gives_the_chain_back(void **state)
{
	struct fx *f = *state;

	desc(f, 2, BUF, 4, 0, 0);
	publish(f, 2);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	virtq_unpop(&f->q);
	assert_true(virtq_has_avail(&f->q));
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.head, 2);
}

static void indices_wrap_at_16_bits(void **state)
{
	struct fx *f = *state;

	f->avail_idx = 0xfffe;
	f->q.last_avail = 0xfffe;
	f->q.used_idx = 0xfffe;
	desc(f, 1, BUF, 4, VIRTQ_DESC_F_WRITE, 0);
	for (int i = 0; i < 4; i++) {
		publish(f, 1);
		assert_int_equal(virtq_pop(&f->q, &f->c), 1);
		assert_int_equal(virtq_push(&f->q, &f->c, 4), 0);
	}
	assert_int_equal(f->q.last_avail, 2);
	assert_int_equal(get16(f, USED + 2), 2);
}

static void layout_validation(void **state)
{
	struct fx *f = *state;
	struct virtq q = f->q;

	q.num = 0;
	assert_int_equal(virtq_validate(&q), -EINVAL);
	assert_string_equal(q.error, "queue size not a power of two within QueueNumMax");
	q.num = 6;
	assert_int_equal(virtq_validate(&q), -EINVAL);
	q.num = NUM_MAX * 2;
	assert_int_equal(virtq_validate(&q), -EINVAL);
	q.num = NUM_MAX;
	assert_int_equal(virtq_validate(&q), 0);
	q.desc_ipa = DESC + 8;
	assert_int_equal(virtq_validate(&q), -EINVAL);
	assert_string_equal(q.error, "misaligned queue area");
	q.desc_ipa = DESC;
	q.avail_ipa = AVAIL + 1;
	assert_int_equal(virtq_validate(&q), -EINVAL);
	q.avail_ipa = AVAIL;
	q.used_ipa = USED + 2;
	assert_int_equal(virtq_validate(&q), -EINVAL);
	q.used_ipa = UINT64_MAX - 63;
	assert_int_equal(virtq_validate(&q), -EINVAL);
	assert_string_equal(q.error, "queue area wraps around the address space");
	q.used_ipa = USED;
	q.desc_ipa = UINT64_MAX - 15;
	assert_int_equal(virtq_validate(&q), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(empty_ring_pops_nothing),
		T(chain_of_three),
		T(head_out_of_range),
		T(next_out_of_range),
		T(loop_is_refused),
		T(self_loop_is_refused),
		T(chain_as_long_as_the_table_is_fine),
		T(unknown_flags),
		T(readable_after_writable),
		T(address_wraps),
		T(avail_index_jump),
		T(unshared_ring_or_table_faults),
		T(descriptor_outside_memory),
		T(indirect_not_negotiated),
		T(indirect_table),
		T(indirect_malformed),
		T(zero_length_buffers_are_skipped),
		T(chain_copies_cross_segments),
		T(push_and_interrupt_suppression),
		T(unpop_gives_the_chain_back),
		T(indices_wrap_at_16_bits),
		T(layout_validation),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
