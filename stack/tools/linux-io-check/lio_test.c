// SPDX-License-Identifier: Apache-2.0
/* linux-io-check: the patterns, test frames and helpers both sides rely on (lio.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "stack/tools/linux-io-check/lio.h"
#include "stack/tools/linux-io-check/lio_internal.h"

static void pattern_is_a_function_of_stream_and_offset(void **state)
{
	uint8_t a[1000], b[1000];

	lio_pattern_fill(a, sizeof(a), 3, 12345);
	for (size_t i = 0; i < sizeof(a); i++)
		assert_int_equal(a[i], lio_pattern_byte(3, 12345 + i));
	/* Filling from an unaligned offset in pieces gives the same bytes as at once. */
	lio_pattern_fill(b, 7, 3, 12345);
	lio_pattern_fill(b + 7, sizeof(b) - 7, 3, 12345 + 7);
	assert_memory_equal(a, b, sizeof(a));
	/* Another stream, or a shift by one byte, differs. */
	lio_pattern_fill(b, sizeof(b), 4, 12345);
	assert_memory_not_equal(a, b, sizeof(a));
	lio_pattern_fill(b, sizeof(b), 3, 12346);
	assert_memory_not_equal(a, b, sizeof(a));
}

static void pattern_check_finds_the_first_difference(void **state)
{
	static uint8_t buf[3000];

	lio_pattern_fill(buf, sizeof(buf), 1, 5);
	assert_int_equal(lio_pattern_check(buf, sizeof(buf), 1, 5), sizeof(buf));
	assert_int_equal(lio_pattern_check(buf, sizeof(buf), 1, 6), 0);
	buf[2000] ^= 0x40;
	buf[2500] ^= 0x01;
	assert_int_equal(lio_pattern_check(buf, sizeof(buf), 1, 5), 2000);
	assert_int_equal(lio_pattern_check(buf, 0, 1, 5), 0);
}

static const uint8_t guest_mac[6] = { 0x02, 0x4c, 0x49, 0x4f, 0x00, 0x03 };

static void frames_round_trip(void **state)
{
	uint8_t frame[LIO_FRAME_MAX];
	uint32_t seq = 99;

	for (uint32_t s = 0; s < 64; s++) {
		size_t len = lio_frame_build(frame, lio_host_mac, guest_mac, LIO_FRAME_REQUEST, s);
		assert_true(len >= 60 && len <= LIO_FRAME_MAX);
		assert_int_equal(len, LIO_FRAME_FIXED + lio_frame_payload_len(s));
		assert_memory_equal(frame, lio_host_mac, 6);
		assert_memory_equal(frame + 6, guest_mac, 6);
		assert_int_equal(frame[12] << 8 | frame[13], LIO_ETHERTYPE);
		assert_int_equal(lio_frame_parse(frame, len, LIO_FRAME_REQUEST, &seq), 0);
		assert_int_equal(seq, s);
	}
	/* Ethernet padding after the payload is accepted. */
	size_t len = lio_frame_build(frame, lio_host_mac, guest_mac, LIO_FRAME_REPLY, 1);
	assert_int_equal(lio_frame_parse(frame, len + 4, LIO_FRAME_REPLY, &seq), 0);
	assert_int_equal(seq, 1);
}

static void frames_are_refused_with_the_documented_errors(void **state)
{
	uint8_t frame[LIO_FRAME_MAX];
	uint32_t seq = 1234;
	size_t len = lio_frame_build(frame, lio_host_mac, guest_mac, LIO_FRAME_REQUEST, 7);

	/* A reply expected, a request came. */
	assert_int_equal(lio_frame_parse(frame, len, LIO_FRAME_REPLY, &seq), -EBADMSG);
	/* Truncated payload; corrupted payload. */
	assert_int_equal(lio_frame_parse(frame, len - 1, LIO_FRAME_REQUEST, &seq), -EBADMSG);
	frame[len - 1] ^= 1;
	assert_int_equal(lio_frame_parse(frame, len, LIO_FRAME_REQUEST, &seq), -EBADMSG);
	frame[len - 1] ^= 1;
	/* A length field that does not match the sequence number. */
	frame[29] ^= 1;
	assert_int_equal(lio_frame_parse(frame, len, LIO_FRAME_REQUEST, &seq), -EBADMSG);
	frame[29] ^= 1;
	/* Other traffic: another ethertype, another magic, a runt. */
	frame[13] = 0xdd;
	assert_int_equal(lio_frame_parse(frame, len, LIO_FRAME_REQUEST, &seq), -EPROTO);
	frame[13] = LIO_ETHERTYPE & 0xff;
	frame[14] = 'X';
	assert_int_equal(lio_frame_parse(frame, len, LIO_FRAME_REQUEST, &seq), -EPROTO);
	assert_int_equal(lio_frame_parse(frame, 20, LIO_FRAME_REQUEST, &seq), -EPROTO);
	assert_int_equal(seq, 1234); /* never written on failure */
}

static void item_lists_parse(void **state)
{
	unsigned items = 0;

	assert_int_equal(lio_parse_items("blk", &items), 0);
	assert_int_equal(items, LIO_DO_BLK);
	assert_int_equal(lio_parse_items("net,blk,vsock,bench-blk,bench-vsock", &items), 0);
	assert_int_equal(items, LIO_DO_BLK | LIO_DO_VSOCK | LIO_DO_NET | LIO_DO_BENCH_BLK |
			 LIO_DO_BENCH_VSOCK);
	items = 77;
	assert_int_equal(lio_parse_items("", &items), -EINVAL);
	assert_int_equal(lio_parse_items("blk,", &items), -EINVAL);
	assert_int_equal(lio_parse_items("blk,,net", &items), -EINVAL);
	assert_int_equal(lio_parse_items("bl", &items), -EINVAL);
	assert_int_equal(lio_parse_items("blkx", &items), -EINVAL);
	assert_int_equal(items, 77);
}

static void read_to_eof_reports_count_and_overflow(void **state)
{
	int sv[2];
	char buf[8];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(lio_write_all(sv[0], "hello", 5), 0);
	shutdown(sv[0], SHUT_WR);
	assert_int_equal(lio_read_to_eof(sv[1], buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	close(sv[0]);
	close(sv[1]);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(lio_write_all(sv[0], "0123456789", 10), 0);
	shutdown(sv[0], SHUT_WR);
	assert_int_equal(lio_read_to_eof(sv[1], buf, sizeof(buf)), -EMSGSIZE);
	close(sv[0]);
	close(sv[1]);

	/* Exactly full, then EOF: the count, not an overflow. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(lio_write_all(sv[0], "01234567", 8), 0);
	shutdown(sv[0], SHUT_WR);
	assert_int_equal(lio_read_to_eof(sv[1], buf, sizeof(buf)), 8);
	/* read_all on an early EOF. */
	assert_int_equal(lio_read_all(sv[1], buf, 1), -EPIPE);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pattern_is_a_function_of_stream_and_offset),
		cmocka_unit_test(pattern_check_finds_the_first_difference),
		cmocka_unit_test(frames_round_trip),
		cmocka_unit_test(frames_are_refused_with_the_documented_errors),
		cmocka_unit_test(item_lists_parse),
		cmocka_unit_test(read_to_eof_reports_count_and_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
