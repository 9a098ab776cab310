// SPDX-License-Identifier: MIT
/*
 * virtio-console (virtio_console.c): transmitted bytes reach the capture fd in order,
 * emergency writes, host input delivered into receive buffers (split when they are
 * small), a full capture pipe buffering and then dropping with a count, the poll set
 * asking only for what the device can use, and hostile chains breaking only the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
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
#define SIZE	(1ull << 20)
#define F	(1ull << VIRTIO_F_VERSION_1)
#define RXQ	0
#define TXQ	1

struct fx {
	struct vdrv_env env;
	struct virtio_device *dev;
	int out[2], in[2];	/* pipes: [0] read end, [1] write end */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct virtio_console_config cfg;

	assert_int_equal(pipe2(f->out, O_NONBLOCK), 0);	/* the test never blocks reading */
	assert_int_equal(pipe(f->in), 0);
	cfg = (struct virtio_console_config){ .out_fd = f->out[1], .in_fd = f->in[0] };
	assert_int_equal(virtio_console_create(&cfg, &f->dev), 0);
	assert_int_equal(vdrv_env_init(&f->env, f->dev, BASE, SIZE, true), 0);
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_CONSOLE, F, 2, 16), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	vdrv_env_fini(&f->env);
	for (int i = 0; i < 2; i++) {
		close(f->out[i]);
		close(f->in[i]);
	}
	free(f);
	return 0;
}

static void send_text(struct fx *f, const char *s)
{
	uint64_t a = vdrv_alloc(&f->env.d, strlen(s));

	vdrv_poke(&f->env.d, a, s, strlen(s));
	vdrv_submit(&f->env.d, TXQ, &(struct vdrv_buf){ a, (uint32_t)strlen(s), false }, 1);
}

static size_t drain(int fd, char *buf, size_t max)
{
	ssize_t n = read(fd, buf, max);

	return n < 0 ? 0 : (size_t)n;
}

static void transmit_reaches_the_capture(void **state)
{
	struct fx *f = *state;
	uint64_t a = vdrv_alloc(&f->env.d, 16), b = vdrv_alloc(&f->env.d, 16);
	struct vdrv_buf two[2] = { { a, 6, false }, { b, 6, false } };
	char got[64];
	uint32_t id, len;
	uint64_t bytes, dropped;

	send_text(f, "hello ");
	vdrv_poke(&f->env.d, a, "from ", 5);
	vdrv_poke(&f->env.d, a + 5, "t", 1);
	vdrv_poke(&f->env.d, b, "he vm\n", 6);
	vdrv_submit(&f->env.d, TXQ, two, 2);
	assert_true(vdrv_get_used(&f->env.d, TXQ, &id, &len));
	assert_int_equal(len, 0);
	assert_true(vdrv_get_used(&f->env.d, TXQ, &id, &len));
	assert_int_equal(drain(f->out[0], got, sizeof(got)), 18);
	assert_memory_equal(got, "hello from the vm\n", 18);
	virtio_console_counters(f->dev, &bytes, &dropped);
	assert_int_equal(bytes, 18);
	assert_int_equal(dropped, 0);
}

static void emergency_write(void **state)
{
	struct fx *f = *state;
	char got[4];

	vdrv_write32(&f->env.d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_true(vdrv_read32(&f->env.d, VIRTIO_MMIO_DEVICE_FEATURES) & (1u << 2));
	virtio_mmio_write(f->env.t, VIRTIO_MMIO_CONFIG + 8, 4, 'O');
	virtio_mmio_write(f->env.t, VIRTIO_MMIO_CONFIG + 8, 4, 0x100 | 'k');	/* low byte */
	virtio_mmio_write(f->env.t, VIRTIO_MMIO_CONFIG + 9, 1, 'X');	/* not the register */
	assert_int_equal(drain(f->out[0], got, sizeof(got)), 2);
	assert_memory_equal(got, "Ok", 2);
}

static void config_space(void **state)
{
	struct fx *f = *state;
	uint64_t v;

	virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG, 4, &v);
	assert_int_equal(v, 0);		/* no size */
	virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG + 4, 4, &v);
	assert_int_equal(v, 1);		/* max_nr_ports */
	virtio_mmio_read(f->env.t, VIRTIO_MMIO_CONFIG + 12, 1, &v);
	assert_int_equal(vdrv_env_stats(&f->env).bad_accesses, 1);	/* past the end */
}

static void input_goes_to_receive_buffers(void **state)
{
	struct fx *f = *state;
	uint64_t a = vdrv_alloc(&f->env.d, 4), b = vdrv_alloc(&f->env.d, 64);
	char got[64];
	uint32_t id, len;

	/* Input before any buffer: read once, held, delivered when buffers come. */
	assert_int_equal(write(f->in[1], "ls -l\n", 6), 6);
	vdrv_env_io(&f->env);
	assert_int_equal(vdrv_used_idx(&f->env.d, RXQ), 0);
	vdrv_submit(&f->env.d, RXQ, &(struct vdrv_buf){ a, 4, true }, 1);
	assert_true(vdrv_get_used(&f->env.d, RXQ, &id, &len));
	assert_int_equal(len, 4);
	vdrv_peek(&f->env.d, a, got, 4);
	assert_memory_equal(got, "ls -", 4);
	vdrv_submit(&f->env.d, RXQ, &(struct vdrv_buf){ b, 64, true }, 1);
	assert_true(vdrv_get_used(&f->env.d, RXQ, &id, &len));
	assert_int_equal(len, 2);
	vdrv_peek(&f->env.d, b, got, 2);
	assert_memory_equal(got, "l\n", 2);
	/* With a buffer waiting, new input flows on the next I/O round. */
	vdrv_submit(&f->env.d, RXQ, &(struct vdrv_buf){ b, 64, true }, 1);
	assert_int_equal(write(f->in[1], "pwd\n", 4), 4);
	vdrv_env_io(&f->env);
	assert_true(vdrv_get_used(&f->env.d, RXQ, &id, &len));
	assert_int_equal(len, 4);
	assert_true(f->env.level);
}

static void poll_set_follows_the_state(void **state)
{
	struct fx *f = *state;
	struct pollfd fds[8];
	int n;

	n = virtio_mmio_poll_fds(f->env.t, fds, 8);
	assert_int_equal(n, 2);			/* wake fd + input */
	assert_int_equal(fds[1].fd, f->in[0]);
	assert_int_equal(fds[1].events, POLLIN);
	assert_int_equal(write(f->in[1], "x", 1), 1);
	vdrv_env_io(&f->env);			/* held: no RX buffer */
	n = virtio_mmio_poll_fds(f->env.t, fds, 8);
	assert_int_equal(n, 1);			/* input not polled while one is held */
	/* EOF on input: never polled again. */
	uint64_t a = vdrv_alloc(&f->env.d, 8);
	vdrv_submit(&f->env.d, RXQ, &(struct vdrv_buf){ a, 8, true }, 1);
	close(f->in[1]);
	f->in[1] = -1;
	vdrv_env_io(&f->env);
	vdrv_env_io(&f->env);
	n = virtio_mmio_poll_fds(f->env.t, fds, 8);
	assert_int_equal(n, 1);
}

static void full_capture_pipe_buffers_then_drops(void **state)
{
	struct fx *f = *state;
	size_t pipe_size = (size_t)fcntl(f->out[1], F_GETPIPE_SZ);
	size_t total = pipe_size + (64u << 10) + 1000;
	uint64_t big = vdrv_alloc(&f->env.d, total);
	char *buf = malloc(total);
	struct pollfd fds[8];
	uint64_t bytes, dropped;
	size_t got = 0;
	int n;

	for (size_t i = 0; i < total; i++)
		buf[i] = (char)('a' + i % 26);
	vdrv_poke(&f->env.d, big, buf, total);
	vdrv_submit(&f->env.d, TXQ, &(struct vdrv_buf){ big, (uint32_t)total, false }, 1);
	assert_int_equal(vdrv_used_idx(&f->env.d, TXQ), 1);	/* never waits for the host */
	virtio_console_counters(f->dev, &bytes, &dropped);
	assert_int_equal(bytes, total);
	assert_int_equal(dropped, 1000);
	n = virtio_mmio_poll_fds(f->env.t, fds, 8);
	assert_int_equal(fds[1].fd, f->out[1]);
	assert_int_equal(fds[1].events, POLLOUT);
	/* The reader drains; the held 64 KiB follow, in order. */
	char *rd = malloc(total);
	while (got < total - 1000) {
		size_t k = drain(f->out[0], rd + got, total - got);

		got += k;
		vdrv_env_io(&f->env);
		if (!k && got < total - 1000)
			assert_true(virtio_mmio_poll_fds(f->env.t, fds, 8) > 1);
	}
	assert_int_equal(got, total - 1000);
	assert_memory_equal(rd, buf, got);
	n = virtio_mmio_poll_fds(f->env.t, fds, 8);
	assert_int_equal(n, 2);	/* wake + input: nothing left to write */
	free(rd);
	free(buf);
}

static void hostile_chains(void **state)
{
	struct fx *f = *state;
	uint64_t a = vdrv_alloc(&f->env.d, 16);
	char got[8];

	/* A writable buffer in transmitq. */
	vdrv_submit(&f->env.d, TXQ, &(struct vdrv_buf){ a, 8, true }, 1);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "console: device-writable buffer in transmitq");
	assert_int_equal(drain(f->out[0], got, sizeof(got)), 0);
	/* A readable buffer in receiveq (with input waiting). */
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_CONSOLE, F, 2, 16), 0);
	assert_int_equal(write(f->in[1], "in", 2), 2);
	vdrv_env_io(&f->env);
	a = vdrv_alloc(&f->env.d, 16);
	vdrv_submit(&f->env.d, RXQ, &(struct vdrv_buf){ a, 8, false }, 1);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "console: device-readable buffer in receiveq");
	/* Transmit from a page the guest never shared. */
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_CONSOLE, F, 2, 16), 0);
	guest_mem_buf_share(&f->env.gm, BASE, 4096, false);
	vdrv_submit(&f->env.d, TXQ, &(struct vdrv_buf){ BASE, 8, false }, 1);
	assert_string_equal(vdrv_env_stats(&f->env).broken_reason,
			    "console: buffer not accessible");
	assert_int_equal(vdrv_used_idx(&f->env.d, TXQ), 0);
	/* Input survived all of it and is delivered after the next reset. */
	assert_int_equal(vdrv_init(&f->env.d, VIRTIO_ID_CONSOLE, F, 2, 16), 0);
	a = vdrv_alloc(&f->env.d, 16);
	vdrv_submit(&f->env.d, RXQ, &(struct vdrv_buf){ a, 8, true }, 1);
	vdrv_peek(&f->env.d, a, got, 2);
	assert_memory_equal(got, "in", 2);
}

static void capture_reader_gone(void **state)
{
	struct fx *f = *state;
	uint64_t bytes, dropped;

	/* The VMM ignores SIGPIPE (virtio.h); then a dead reader is EPIPE: output dropped,
	 * counted, the guest unaffected. */
	signal(SIGPIPE, SIG_IGN);
	close(f->out[0]);
	f->out[0] = -1;
	send_text(f, "lost");
	send_text(f, "also lost");
	assert_int_equal(vdrv_used_idx(&f->env.d, TXQ), 2);
	virtio_console_counters(f->dev, &bytes, &dropped);
	assert_int_equal(bytes, 13);
	assert_int_equal(dropped, 13);
	assert_false(vdrv_env_stats(&f->env).broken);
	assert_int_equal(f->env.log_lines, 1);	/* said once */
	assert_true(strstr(f->env.last_log, "Broken pipe") != NULL);
}

static void output_to_a_file(void **state)
{
	char path[] = "/tmp/avf-console-test-XXXXXX";
	int fd = mkstemp(path);
	struct virtio_console_config cfg = { .out_fd = fd, .in_fd = -1 };
	struct virtio_device *dev;
	struct vdrv_env env;
	struct pollfd fds[4];
	char got[16];
	uint64_t a;

	assert_true(fd >= 0);
	assert_int_equal(virtio_console_create(&cfg, &dev), 0);
	assert_int_equal(vdrv_env_init(&env, dev, BASE, SIZE, false), 0);
	assert_int_equal(virtio_mmio_poll_fds(env.t, fds, 4), 1);	/* nothing to poll */
	assert_int_equal(vdrv_init(&env.d, VIRTIO_ID_CONSOLE, F, 2, 16), 0);
	a = vdrv_alloc(&env.d, 8);
	vdrv_poke(&env.d, a, "booted\n", 7);
	vdrv_submit(&env.d, TXQ, &(struct vdrv_buf){ a, 7, false }, 1);
	vdrv_env_fini(&env);
	assert_int_equal(pread(fd, got, sizeof(got), 0), 7);
	assert_memory_equal(got, "booted\n", 7);
	close(fd);
	unlink(path);
}

static void create_errors(void **state)
{
	struct virtio_console_config cfg = { .out_fd = -1, .in_fd = -1 };
	struct virtio_device *dev;

	assert_int_equal(virtio_console_create(&cfg, &dev), -EINVAL);
	cfg.out_fd = 1000;	/* not open */
	assert_int_equal(virtio_console_create(&cfg, &dev), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(transmit_reaches_the_capture),
		T(emergency_write),
		T(config_space),
		T(input_goes_to_receive_buffers),
		T(poll_set_follows_the_state),
		T(full_capture_pipe_buffers_then_drops),
		T(hostile_chains),
		T(capture_reader_gone),
		cmocka_unit_test(output_to_a_file),
		cmocka_unit_test(create_errors),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
