// SPDX-License-Identifier: Apache-2.0
/*
 * The RPC framing (rpc_frame.h, docs/RPC.md): the exact bytes of a frame, every refusal
 * with its errno, partial input, encoder bounds; and rt_errno.h's numbers against the
 * host's <errno.h> (the RPC client compares them).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "stack/guest/rtlib/rpc_frame.h"
#include "stack/guest/rtlib/rt_errno.h"

static const uint8_t golden[] = {
	0x03, 0x00, 0x00, 0x00,		/* body_len 3 */
	0x01,				/* version */
	0x02,				/* response */
	0x34, 0x12,			/* method 0x1234 */
	0xfe, 0xff, 0xff, 0xff,		/* status -2 */
	0x78, 0x56, 0x34, 0x12,		/* seq */
	'a', 'b', 'c',
};

static void test_errno_values_are_linux(void **state)
{
	assert_int_equal(RT_EIO, EIO);
	assert_int_equal(RT_EAGAIN, EAGAIN);
	assert_int_equal(RT_ENOMEM, ENOMEM);
	assert_int_equal(RT_EBUSY, EBUSY);
	assert_int_equal(RT_ENODEV, ENODEV);
	assert_int_equal(RT_EINVAL, EINVAL);
	assert_int_equal(RT_ENOSPC, ENOSPC);
	assert_int_equal(RT_EPIPE, EPIPE);
	assert_int_equal(RT_ENOSYS, ENOSYS);
	assert_int_equal(RT_EPROTO, EPROTO);
	assert_int_equal(RT_EMSGSIZE, EMSGSIZE);
	assert_int_equal(RT_EADDRINUSE, EADDRINUSE);
	assert_int_equal(RT_ECONNRESET, ECONNRESET);
	assert_int_equal(RT_ENOTCONN, ENOTCONN);
	assert_int_equal(RT_ETIMEDOUT, ETIMEDOUT);
	assert_int_equal(RT_ECONNREFUSED, ECONNREFUSED);
}

static void test_encode_exact_bytes(void **state)
{
	struct avf_rpc_hdr h = { .body_len = 3, .version = 1, .kind = AVF_RPC_KIND_RESPONSE,
				 .method = 0x1234, .status = -2, .seq = 0x12345678 };
	uint8_t out[64];

	assert_int_equal(avf_rpc_encode(&h, "abc", out, sizeof(out)), sizeof(golden));
	assert_memory_equal(out, golden, sizeof(golden));
	/* Exactly enough room works; one byte less does not, and writes nothing. */
	assert_int_equal(avf_rpc_encode(&h, "abc", out, sizeof(golden)), sizeof(golden));
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(avf_rpc_encode(&h, "abc", out, sizeof(golden) - 1), -ENOSPC);
	assert_int_equal(avf_rpc_encode(&h, "abc", out, 3), -ENOSPC);
	assert_int_equal(out[0], 0x5a);
}

static void test_decode_exact_and_partial(void **state)
{
	struct avf_rpc_hdr h;
	uint8_t buf[64];

	memset(&h, 0, sizeof(h));
	for (size_t n = 0; n < sizeof(golden); n++)
		assert_int_equal(avf_rpc_decode(golden, n, &h), 0);
	assert_int_equal(h.method, 0);	/* untouched until complete */
	memcpy(buf, golden, sizeof(golden));
	memset(buf + sizeof(golden), 0x77, 8);	/* the next frame's bytes are not ours */
	assert_int_equal(avf_rpc_decode(buf, sizeof(golden) + 8, &h), sizeof(golden));
	assert_int_equal(h.body_len, 3);
	assert_int_equal(h.version, 1);
	assert_int_equal(h.kind, AVF_RPC_KIND_RESPONSE);
	assert_int_equal(h.method, 0x1234);
	assert_int_equal(h.status, -2);
	assert_int_equal(h.seq, 0x12345678);
}

/* A header with one byte changed, decoded with its whole body present. */
static long decode_patched(size_t off, uint8_t v)
{
	static uint8_t buf[AVF_RPC_MAX_FRAME + 16];
	struct avf_rpc_hdr h;

	memcpy(buf, golden, sizeof(golden));
	buf[off] = v;
	return avf_rpc_decode(buf, sizeof(buf), &h);
}

static void test_decode_refusals(void **state)
{
	struct avf_rpc_hdr h;
	uint8_t req[16] = { 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

	assert_int_equal(decode_patched(4, 0), -EPROTO);	/* version 0 */
	assert_int_equal(decode_patched(4, 2), -EPROTO);	/* version 2 */
	assert_int_equal(decode_patched(5, 0), -EPROTO);	/* kind 0 */
	assert_int_equal(decode_patched(5, 3), -EPROTO);	/* kind 3 */
	assert_int_equal(decode_patched(6, 0), sizeof(golden));	/* method 0x1200 is fine */
	/* The largest body is fine; one more byte is refused from the header alone. */
	assert_int_equal(avf_rpc_decode((const uint8_t[]){ 0x00, 0x20, 0, 0, 1, 1, 1, 0, 0, 0,
							   0, 0, 0, 0, 0, 0 }, 16, &h), 0);
	assert_int_equal(avf_rpc_decode((const uint8_t[]){ 0x01, 0x20, 0, 0, 1, 1, 1, 0, 0, 0,
							   0, 0, 0, 0, 0, 0 }, 16, &h),
			 -EMSGSIZE);
	assert_int_equal(avf_rpc_decode((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff, 1, 1, 1, 0,
							   0, 0, 0, 0, 0, 0, 0, 0 }, 16, &h),
			 -EMSGSIZE);
	/* A request: status must be 0, method must not be. */
	assert_int_equal(avf_rpc_decode(req, 16, &h), 16);
	assert_int_equal(h.kind, AVF_RPC_KIND_REQUEST);
	req[8] = 1;
	assert_int_equal(avf_rpc_decode(req, 16, &h), -EPROTO);
	req[8] = 0;
	req[6] = 0;
	assert_int_equal(avf_rpc_decode(req, 16, &h), -EPROTO);
}

static void test_encode_refuses_what_decode_refuses(void **state)
{
	struct avf_rpc_hdr ok = { .version = 1, .kind = AVF_RPC_KIND_REQUEST, .method = 1 };
	struct avf_rpc_hdr h;
	uint8_t out[AVF_RPC_MAX_FRAME + 1];
	static uint8_t body[AVF_RPC_MAX_BODY + 1];

	h = ok, h.version = 2;
	assert_int_equal(avf_rpc_encode(&h, NULL, out, sizeof(out)), -EPROTO);
	h = ok, h.method = 0;
	assert_int_equal(avf_rpc_encode(&h, NULL, out, sizeof(out)), -EPROTO);
	h = ok, h.status = -1;
	assert_int_equal(avf_rpc_encode(&h, NULL, out, sizeof(out)), -EPROTO);
	h = ok, h.kind = 9;
	assert_int_equal(avf_rpc_encode(&h, NULL, out, sizeof(out)), -EPROTO);
	h = ok, h.body_len = AVF_RPC_MAX_BODY + 1;
	assert_int_equal(avf_rpc_encode(&h, body, out, sizeof(out)), -EMSGSIZE);
	h = ok, h.body_len = AVF_RPC_MAX_BODY;
	assert_int_equal(avf_rpc_encode(&h, body, out, sizeof(out)), AVF_RPC_MAX_FRAME);
	assert_int_equal(avf_rpc_decode(out, AVF_RPC_MAX_FRAME, &h), AVF_RPC_MAX_FRAME);
	assert_int_equal(avf_rpc_check(&ok), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errno_values_are_linux),
		cmocka_unit_test(test_encode_exact_bytes),
		cmocka_unit_test(test_decode_exact_and_partial),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test(test_encode_refuses_what_decode_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
