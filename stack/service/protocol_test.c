// SPDX-License-Identifier: Apache-2.0
/* The wire protocol: round trips, exact bytes, and every way a frame can be refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "stack/service/service.h"

static uint8_t buf[SVC_MAX_FRAME];

static struct svc_request make_create(void)
{
	struct svc_request q = { .kind = SVC_REQ_CREATE, .seq = 7 };

	strcpy(q.cfg.name, "vm-a");
	strcpy(q.cfg.payload, "/p");
	q.cfg.mem_mib = 128;
	q.cfg.cpus = 2;
	q.cfg.protected_vm = true;
	q.cfg.debug_level = 1;
	q.cfg.instance_id = 0x1122334455667788ull;
	q.cfg.ready_timeout_ms = 500;
	q.cfg.nr_disks = 1;
	strcpy(q.cfg.disks[0].path, "/d");
	q.cfg.disks[0].read_only = true;
	return q;
}

static void test_create_round_trip(void **state)
{
	struct svc_request q = make_create(), out;
	int len = svc_encode_request(&q, buf, sizeof(buf));

	/* header 8, name 2+4, payload 2+2, fd 1, mem 8, cpus 4, prot/debug/detached 3,
	 * instance 8, timeout 4, nr_disks 1, disk 2+2+1, network 2 */
	assert_int_equal(len, 8 + 6 + 4 + 1 + 8 + 4 + 3 + 8 + 4 + 1 + 5 + 2);
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), 0);
	assert_int_equal(out.version, SVC_VERSION);
	assert_int_equal(out.kind, SVC_REQ_CREATE);
	assert_int_equal(out.seq, 7);
	assert_string_equal(out.cfg.name, "vm-a");
	assert_string_equal(out.cfg.payload, "/p");
	assert_int_equal(out.cfg.mem_mib, 128);
	assert_int_equal(out.cfg.cpus, 2);
	assert_true(out.cfg.protected_vm);
	assert_int_equal(out.cfg.debug_level, 1);
	assert_false(out.cfg.detached);
	assert_int_equal(out.cfg.instance_id, 0x1122334455667788ull);
	assert_int_equal(out.cfg.ready_timeout_ms, 500);
	assert_int_equal(out.cfg.nr_disks, 1);
	assert_string_equal(out.cfg.disks[0].path, "/d");
	assert_true(out.cfg.disks[0].read_only);
	assert_string_equal(out.cfg.network, "");
	assert_int_equal(svc_peek_kind(buf, (size_t)len), SVC_REQ_CREATE);
}

static void test_small_requests_exact_bytes(void **state)
{
	struct svc_request q = { .kind = SVC_REQ_CONNECT, .seq = 0x01020304, .vm_id = 5,
				 .port = 0x1388 }, out;
	static const uint8_t want[] = { 1, 0, 8, 0, 4, 3, 2, 1, 5, 0, 0, 0, 0x88, 0x13, 0, 0 };
	int len = svc_encode_request(&q, buf, sizeof(buf));

	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), 0);
	assert_int_equal(out.vm_id, 5);
	assert_int_equal(out.port, 0x1388);
	q = (struct svc_request){ .kind = SVC_REQ_LIST, .seq = 1 };
	assert_int_equal(svc_encode_request(&q, buf, sizeof(buf)), 8);
	q = (struct svc_request){ .kind = SVC_REQ_CONSOLE, .vm_id = 3, .offset = 9, .max = 10 };
	len = svc_encode_request(&q, buf, sizeof(buf));
	assert_int_equal(len, 8 + 4 + 8 + 4);
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), 0);
	assert_int_equal(out.offset, 9);
	assert_int_equal(out.max, 10);
}

static void test_request_refusals(void **state)
{
	struct svc_request q = make_create(), out;
	int len = svc_encode_request(&q, buf, sizeof(buf));

	/* every truncation */
	for (int n = 0; n < len; n++)
		assert_int_equal(svc_decode_request(buf, (size_t)n, &out), -EBADMSG);
	/* trailing byte */
	buf[len] = 0;
	assert_int_equal(svc_decode_request(buf, (size_t)len + 1, &out), -EBADMSG);
	/* version */
	buf[0] = 2;
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), -EPROTONOSUPPORT);
	buf[0] = 1;
	/* unknown kind */
	buf[2] = 99;
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), -EBADMSG);
	buf[2] = SVC_REQ_CREATE;
	/* a bool that is 2 (payload_fd, right after name and payload strings) */
	buf[8 + 6 + 4] = 2;
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), -EBADMSG);
	buf[8 + 6 + 4] = 0;
	/* a NUL inside a string */
	buf[8 + 2 + 1] = 0;
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), -EBADMSG);
	buf[8 + 2 + 1] = 'm';
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), 0);
	/* a string as long as its field (no room for the NUL) */
	buf[8] = SVC_NAME_MAX;
	assert_int_equal(svc_decode_request(buf, (size_t)len, &out), -EBADMSG);
	/* too many disks */
	q.cfg.nr_disks = SVC_MAX_DISKS + 1;
	assert_int_equal(svc_encode_request(&q, buf, sizeof(buf)), -EMSGSIZE);
	/* a kind the encoder does not know */
	q.kind = 0;
	assert_int_equal(svc_encode_request(&q, buf, sizeof(buf)), -EINVAL);
	/* no room */
	q = make_create();
	assert_int_equal(svc_encode_request(&q, buf, 20), -EMSGSIZE);
}

static void test_response_round_trip(void **state)
{
	static struct svc_response r, out;
	int len;

	memset(&r, 0, sizeof(r));
	r.seq = 3;
	r.nr_infos = 2;
	r.infos[0].id = 1;
	strcpy(r.infos[0].name, "a");
	r.infos[0].state = SVC_STATE_DEAD;
	r.infos[0].death = SVC_DEATH_HANGUP;
	r.infos[0].exit_code = -3;
	r.infos[1].id = 2;
	strcpy(r.infos[1].backend, "sim");
	r.infos[1].mem_mib = 64;
	r.infos[1].pid = 1234;
	len = svc_encode_response(&r, SVC_REQ_LIST, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal(svc_decode_response(buf, (size_t)len, SVC_REQ_LIST, &out), 0);
	assert_int_equal(out.seq, 3);
	assert_int_equal(out.nr_infos, 2);
	assert_string_equal(out.infos[0].name, "a");
	assert_int_equal(out.infos[0].death, SVC_DEATH_HANGUP);
	assert_int_equal(out.infos[0].exit_code, -3);
	assert_string_equal(out.infos[1].backend, "sim");
	assert_int_equal(out.infos[1].pid, 1234);
	/* an info with an impossible state */
	r.infos[0].state = SVC_NR_STATES;
	len = svc_encode_response(&r, SVC_REQ_LIST, buf, sizeof(buf));
	assert_int_equal(svc_decode_response(buf, (size_t)len, SVC_REQ_LIST, &out), -EBADMSG);
	/* a failure carries the message only */
	memset(&r, 0, sizeof(r));
	r.status = -EACCES;
	strcpy(r.message, "no");
	len = svc_encode_response(&r, SVC_REQ_CREATE, buf, sizeof(buf));
	assert_int_equal(len, 8 + 4 + 2 + 2);
	assert_int_equal(svc_decode_response(buf, (size_t)len, SVC_REQ_CREATE, &out), 0);
	assert_int_equal(out.status, -EACCES);
	assert_string_equal(out.message, "no");
	/* console data */
	memset(&r, 0, sizeof(r));
	r.data_len = 3;
	memcpy(r.data, "abc", 3);
	r.next_offset = 13;
	r.eof = true;
	len = svc_encode_response(&r, SVC_REQ_CONSOLE, buf, sizeof(buf));
	assert_int_equal(svc_decode_response(buf, (size_t)len, SVC_REQ_CONSOLE, &out), 0);
	assert_int_equal(out.data_len, 3);
	assert_memory_equal(out.data, "abc", 3);
	assert_int_equal(out.next_offset, 13);
	assert_true(out.eof);
	r.data_len = SVC_CONSOLE_CHUNK + 1;
	assert_int_equal(svc_encode_response(&r, SVC_REQ_CONSOLE, buf, sizeof(buf)), -EMSGSIZE);
}

static void test_event_round_trip(void **state)
{
	struct svc_event e = { .vm_id = 9, .event = SVC_EV_DIED, .state = SVC_STATE_DEAD,
			       .code = SVC_DEATH_KILLED }, out;
	int len;

	strcpy(e.message, "gone");
	len = svc_encode_event(&e, buf, sizeof(buf));
	assert_int_equal(len, 8 + 4 + 1 + 1 + 4 + 2 + 4);
	assert_int_equal(svc_decode_event(buf, (size_t)len, &out), 0);
	assert_int_equal(out.vm_id, 9);
	assert_int_equal(out.event, SVC_EV_DIED);
	assert_int_equal(out.code, SVC_DEATH_KILLED);
	assert_string_equal(out.message, "gone");
	assert_int_equal(svc_peek_kind(buf, (size_t)len), SVC_EVENT);
	e.event = SVC_EV_LAST + 1;
	len = svc_encode_event(&e, buf, sizeof(buf));
	assert_int_equal(svc_decode_event(buf, (size_t)len, &out), -EBADMSG);
	/* shorter than a header */
	assert_int_equal(svc_peek_kind(buf, 7), -EBADMSG);
	/* a response is not an event */
	{
		struct svc_response r = { .status = 0 };

		len = svc_encode_response(&r, SVC_REQ_START, buf, sizeof(buf));
		assert_int_equal(svc_decode_event(buf, (size_t)len, &out), -EBADMSG);
	}
}

static void test_frames_over_a_socketpair(void **state)
{
	int sv[2], fd = -2, pipefd[2];
	uint8_t in[16];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(svc_send_frame(sv[0], (const uint8_t *)"hello", 5, pipefd[1]), 0);
	assert_int_equal(svc_recv_frame(sv[1], in, sizeof(in), &fd), 5);
	assert_memory_equal(in, "hello", 5);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);	/* the passed fd is the pipe's */
	assert_int_equal(read(pipefd[0], in, 1), 1);
	close(fd);
	/* a length above the limit, and a clean EOF */
	assert_int_equal(svc_send_frame(sv[0], in, 0, -1), -EMSGSIZE);
	assert_int_equal(write(sv[0], "\xff\xff\xff\x7f", 4), 4);
	assert_int_equal(svc_recv_frame(sv[1], in, sizeof(in), NULL), -EBADMSG);
	close(sv[0]);
	assert_int_equal(svc_recv_frame(sv[1], in, sizeof(in), NULL), 0);
	close(sv[1]);
	close(pipefd[0]);
	close(pipefd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_round_trip),
		cmocka_unit_test(test_small_requests_exact_bytes),
		cmocka_unit_test(test_request_refusals),
		cmocka_unit_test(test_response_round_trip),
		cmocka_unit_test(test_event_round_trip),
		cmocka_unit_test(test_frames_over_a_socketpair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
