// SPDX-License-Identifier: MIT
/*
 * virtio-console (virtio 1.2, 5.3), one port without MULTIPORT: receiveq0 (0) and
 * transmitq0 (1), plus the emergency-write register for early output. What the guest
 * transmits goes to the capture fd; what the host writes to the input fd is offered to
 * the guest in receiveq0.
 *
 * Nothing blocks: output that does not fit a full pipe waits in a bounded buffer for
 * POLLOUT (beyond that it is dropped and counted, as a serial line would drop it); input
 * is read only into one bounded buffer, and only when that buffer is empty, so a host
 * writing faster than the guest reads is held back by the pipe itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack/vmm/virtio_internal.h"

#define VIRTIO_CONSOLE_F_EMERG_WRITE	2
#define CONSOLE_CONFIG_SIZE		12	/* cols, rows, max_nr_ports, emerg_wr */
#define CONSOLE_EMERG_WR		8
#define RXQ				0
#define TXQ				1
#define OUT_PENDING_MAX			(64u << 10)
#define IN_BUF				4096u
#define TX_CHUNK			4096u

struct console {
	struct virtio_device dev;
	int out_fd, in_fd;
	bool in_eof;
	uint8_t *pending;		/* output waiting for POLLOUT */
	size_t pending_len;
	uint8_t in_buf[IN_BUF];		/* host input not yet given to the guest */
	size_t in_len, in_off;
	uint64_t out_bytes, dropped;
	bool out_error_logged;
};

static struct console *to_console(struct virtio_device *dev)
{
	return container_of_virtio(dev, struct console, dev);
}

/* ---- output ------------------------------------------------------------------------------ */

static void hold_output(struct console *con, const uint8_t *p, size_t len)
{
	size_t room = OUT_PENDING_MAX - con->pending_len;
	size_t n = len < room ? len : room;

	memcpy(con->pending + con->pending_len, p, n);
	con->pending_len += n;
	con->dropped += len - n;
}

/* Write what the fd takes now; returns bytes written, or -1 on a real error. */
static ssize_t write_some(struct console *con, const uint8_t *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(con->out_fd, p + done, len - done);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (!con->out_error_logged)
			virtio_dev_log(&con->dev, "capture write: %s", strerror(errno));
		con->out_error_logged = true;
		return -1;
	}
	return (ssize_t)done;
}

static void console_emit(struct console *con, const uint8_t *p, size_t len)
{
	ssize_t n = 0;

	con->out_bytes += len;
	if (con->pending_len == 0) {
		n = write_some(con, p, len);
		if (n < 0) {
			con->dropped += len;
			return;
		}
	}
	hold_output(con, p + n, len - (size_t)n);
}

static void flush_pending(struct console *con)
{
	ssize_t n;

	if (!con->pending_len)
		return;
	n = write_some(con, con->pending, con->pending_len);
	if (n < 0) {
		con->dropped += con->pending_len;
		con->pending_len = 0;
		return;
	}
	memmove(con->pending, con->pending + n, con->pending_len - (size_t)n);
	con->pending_len -= (size_t)n;
}

static void console_tx(struct console *con)
{
	struct virtq *q = virtio_dev_queue(&con->dev, TXQ);
	uint8_t buf[TX_CHUNK];
	struct virtq_chain c;
	int ret = 0;

	if (!q)
		return;
	/* One ring's worth per notification: the driver notifies again for more. */
	for (unsigned i = 0; i < q->num && (ret = virtq_pop(q, &c)) > 0; i++) {
		if (c.writable_len) {
			virtio_dev_broken(&con->dev, "console: device-writable buffer in transmitq");
			return;
		}
		for (uint64_t off = 0; off < c.readable_len; off += sizeof(buf)) {
			size_t n = c.readable_len - off < sizeof(buf) ? c.readable_len - off
								      : sizeof(buf);

			if (virtq_chain_read(q, &c, off, buf, n)) {
				virtio_dev_broken(&con->dev, "console: buffer not accessible");
				return;
			}
			console_emit(con, buf, n);
		}
		if (virtq_push(q, &c, 0)) {
			ret = -EFAULT;
			break;
		}
	}
	if (ret < 0) {
		virtio_dev_broken(&con->dev, q->error);
		return;
	}
	virtio_dev_signal_used(&con->dev, TXQ);
}

/* ---- input ------------------------------------------------------------------------------- */

static void console_rx(struct console *con)
{
	struct virtq *q = virtio_dev_queue(&con->dev, RXQ);
	struct virtq_chain c;
	bool pushed = false;
	int ret = 0;

	if (!q)
		return;
	while (con->in_off < con->in_len && (ret = virtq_pop(q, &c)) > 0) {
		size_t avail = con->in_len - con->in_off;
		size_t n = c.writable_len < avail ? c.writable_len : avail;

		if (c.nr_readable) {
			virtio_dev_broken(&con->dev, "console: device-readable buffer in receiveq");
			return;
		}
		if (virtq_chain_write(q, &c, 0, con->in_buf + con->in_off, n)) {
			virtio_dev_broken(&con->dev, "console: buffer not accessible");
			return;
		}
		if (virtq_push(q, &c, (uint32_t)n)) {
			ret = -EFAULT;
			break;
		}
		con->in_off += n;
		pushed = true;
	}
	if (ret < 0) {
		virtio_dev_broken(&con->dev, q->error);
		return;
	}
	if (con->in_off == con->in_len)
		con->in_off = con->in_len = 0;
	if (pushed)
		virtio_dev_signal_used(&con->dev, RXQ);
}

static void read_input(struct console *con)
{
	ssize_t n;

	if (con->in_fd < 0 || con->in_eof || con->in_len)
		return;
	n = read(con->in_fd, con->in_buf, sizeof(con->in_buf));
	if (n > 0)
		con->in_len = (size_t)n;
	else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
		con->in_eof = true;	/* EOF or a broken fd: stop polling it */
}

/* ---- device ops -------------------------------------------------------------------------- */

static uint64_t console_features(struct virtio_device *dev)
{
	return 1ull << VIRTIO_CONSOLE_F_EMERG_WRITE;
}

static void console_config_read(struct virtio_device *dev, uint8_t *buf)
{
	/* cols = rows = 0 (no size), max_nr_ports = 1 (only read with MULTIPORT), emerg_wr
	 * reads 0. */
	virtio_put_le32(buf + 4, 1);
}

static void console_config_write(struct virtio_device *dev, uint32_t off, const uint8_t *buf,
				 unsigned len)
{
	/* emerg_wr: the low byte of a write at its offset is one character (5.3.4). */
	if (off == CONSOLE_EMERG_WR)
		console_emit(to_console(dev), buf, 1);
}

static int console_activate(struct virtio_device *dev)
{
	return 0;
}

static void console_notify(struct virtio_device *dev, unsigned queue)
{
	struct console *con = to_console(dev);

	if (queue == TXQ)
		console_tx(con);
	else
		console_rx(con);
}

static void console_reset(struct virtio_device *dev)
{
	/* Host-side state (captured output, unread input) survives a guest reset. */
}

static int console_poll_fds(struct virtio_device *dev, struct pollfd *fds, int max)
{
	struct console *con = to_console(dev);
	int n = 0;

	if (con->pending_len && n < max)
		fds[n++] = (struct pollfd){ .fd = con->out_fd, .events = POLLOUT };
	if (con->in_fd >= 0 && !con->in_eof && !con->in_len && n < max)
		fds[n++] = (struct pollfd){ .fd = con->in_fd, .events = POLLIN };
	return n;
}

static void console_process_io(struct virtio_device *dev, const struct pollfd *fds, int n)
{
	struct console *con = to_console(dev);

	for (int i = 0; i < n; i++) {
		if (fds[i].fd == con->out_fd && (fds[i].events & POLLOUT) && fds[i].revents)
			flush_pending(con);
		if (fds[i].fd == con->in_fd && (fds[i].events & POLLIN) && fds[i].revents)
			read_input(con);
	}
	/* Deliver held input whenever there is any: RX buffers may have arrived since. */
	console_rx(con);
}

static void console_destroy(struct virtio_device *dev)
{
	struct console *con = to_console(dev);

	flush_pending(con);
	free(con->pending);
	free(con);
}

static const struct virtio_device_ops console_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.queue_max = 256,
	.config_size = CONSOLE_CONFIG_SIZE,
	.features = console_features,
	.config_read = console_config_read,
	.config_write = console_config_write,
	.activate = console_activate,
	.notify = console_notify,
	.reset = console_reset,
	.poll_fds = console_poll_fds,
	.process_io = console_process_io,
	.destroy = console_destroy,
};

int virtio_console_create(const struct virtio_console_config *cfg, struct virtio_device **out)
{
	struct console *con;
	int ret;

	if (!cfg || cfg->out_fd < 0)
		return -EINVAL;
	ret = virtio_set_nonblock(cfg->out_fd);
	if (!ret && cfg->in_fd >= 0)
		ret = virtio_set_nonblock(cfg->in_fd);
	if (ret)
		return ret;
	con = calloc(1, sizeof(*con));
	if (!con)
		return -ENOMEM;
	con->pending = malloc(OUT_PENDING_MAX);
	if (!con->pending) {
		free(con);
		return -ENOMEM;
	}
	con->dev.ops = &console_ops;
	con->out_fd = cfg->out_fd;
	con->in_fd = cfg->in_fd;
	*out = &con->dev;
	return 0;
}

void virtio_console_counters(struct virtio_device *dev, uint64_t *out_bytes, uint64_t *dropped)
{
	struct console *con = to_console(dev);

	virtio_dev_lock(dev);
	*out_bytes = con->out_bytes;
	*dropped = con->dropped;
	virtio_dev_unlock(dev);
}
