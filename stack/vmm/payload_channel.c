// SPDX-License-Identifier: MIT
/*
 * The VM-to-host channel: guest calls the hyp forwards to the VMM (HYP_EXIT_HYPERCALL).
 *
 *   PAYLOAD_READY / FINISHED / ERROR_TEXT / ERROR (avf_hvc.h, docs/RUNTIME.md): the
 *   runtime's reports. The whole message travels in registers (ERROR_TEXT carries 40
 *   bytes per call), so the VMM never has to read guest memory for them: a protected VM
 *   shares nothing to report. Each complete report becomes one struct vmm_payload_event
 *   for the embedder (on_payload) and one line on the relay connection.
 *
 *   The relay: when the VM has a vsock device, the VMM connects once to
 *   "<vsock_uds>_5000", the Unix socket a guest connection to host vsock port 5000 (AVF's
 *   VM service port) would reach through the vsock bridge, and writes the lines the
 *   service expects from it (docs/SERVICE.md, "payload service"): "ready",
 *   "finished CODE", "error CODE MESSAGE". The connection stays open until the VM is torn
 *   down. Nobody listening (or a listener that does not keep up) is not an error of the
 *   VM: it is logged once and the relay stops; the embedder's hook still hears all.
 *
 *   TEST_MARK / TEST_WAIT and the rest of AVF_HVC_BASE + 5 .. + 0xff: offered to the
 *   embedder's on_hypercall hook (vmm.h), with the defaults documented there.
 *
 * A guest controls every argument: offsets and lengths are checked, text is sanitised
 * (a newline in a message must not become a second relay line).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/guest/include/avf_hvc.h"
#include "stack/vmm/vmm_internal.h"

#define TEXT_BYTES_PER_CALL	40u
#define SERVICE_PORT_SUFFIX	"_5000"

void vmm_payload_channel_init(struct vmm *v)
{
	pthread_mutex_init(&v->payload.lock, NULL);
	v->payload.relay_fd = -1;
}

void vmm_payload_channel_fini(struct vmm *v)
{
	if (v->payload.relay_fd >= 0)
		close(v->payload.relay_fd);
	v->payload.relay_fd = -1;
	pthread_mutex_destroy(&v->payload.lock);
}

/* ---- the relay ---- */

/* Connect to <vsock_uds>_5000 the first time (with the lock held). */
static void relay_connect(struct vmm *v)
{
	struct vmm_payload_channel *p = &v->payload;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, n;

	p->relay_tried = true;
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s%s", v->cfg.vsock_uds,
		     SERVICE_PORT_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
		vmm_log(v, "payload relay: %s%s: path too long", v->cfg.vsock_uds,
			SERVICE_PORT_SUFFIX);
		return;
	}
	/* Non-blocking: a listener with a full backlog, or one that stops reading, must not
	 * stall a vCPU (connect then fails with EAGAIN; a stuck send closes the relay). */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		vmm_log(v, "payload relay: connect %s: %s (the reports are not relayed)",
			sa.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	p->relay_fd = fd;
}

/* Write one line to the relay (with the lock held); a dead peer closes it for good. */
static void relay_line(struct vmm *v, const char *line)
{
	struct vmm_payload_channel *p = &v->payload;
	size_t len = strlen(line), done = 0;

	if (!v->cfg.vsock_cid || !v->cfg.vsock_uds)
		return;
	if (!p->relay_tried)
		relay_connect(v);
	while (p->relay_fd >= 0 && done < len) {
		ssize_t n = send(p->relay_fd, line + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			vmm_log(v, "payload relay: write: %s (closing it)",
				n < 0 ? strerror(errno) : "connection closed");
			close(p->relay_fd);
			p->relay_fd = -1;
			return;
		}
		done += (size_t)n;
	}
}

/* ---- the runtime's reports ---- */

static void report(struct vmm *v, const struct vmm_payload_event *ev)
{
	char line[VMM_PAYLOAD_MESSAGE_MAX + 32];

	switch (ev->kind) {
	case VMM_PAYLOAD_READY:
		snprintf(line, sizeof(line), "ready\n");
		break;
	case VMM_PAYLOAD_FINISHED:
		snprintf(line, sizeof(line), "finished %" PRId32 "\n", ev->code);
		break;
	case VMM_PAYLOAD_ERROR:
		snprintf(line, sizeof(line), "error %" PRId32 " %s\n", ev->code, ev->message);
		break;
	}
	v->payload.events++;
	if (v->cfg.on_payload)
		v->cfg.on_payload(v->cfg.hook_ctx, v, ev);
	relay_line(v, line);
}

/* ERROR_TEXT: x1 = offset, x2..x6 = 40 bytes. Out-of-order or oversized pieces are
 * ignored (the message then ends where the text stopped being contiguous). */
static void error_text(struct vmm_payload_channel *p, const uint64_t args[7])
{
	uint64_t off = args[1];

	if (off != p->text_len || off >= VMM_PAYLOAD_MESSAGE_MAX)
		return;
	for (unsigned i = 0; i < TEXT_BYTES_PER_CALL && p->text_len < VMM_PAYLOAD_MESSAGE_MAX;
	     i++)
		p->text[p->text_len++] = (char)(args[2 + i / 8] >> (8 * (i % 8)));
}

/* ERROR: x1 = code, x2 = length of the message delivered by ERROR_TEXT. */
static void error_event(struct vmm_payload_channel *p, const uint64_t args[7],
			struct vmm_payload_event *ev)
{
	uint64_t len = args[2] < p->text_len ? args[2] : p->text_len;

	*ev = (struct vmm_payload_event){ .kind = VMM_PAYLOAD_ERROR,
					  .code = (int32_t)args[1] };
	for (uint64_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p->text[i];

		if (!c)
			break;		/* NUL padding: the message ended */
		ev->message[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	p->text_len = 0;
}

/* One of the four payload calls, with the lock held. false: the VM must end. */
static bool payload_call(struct vmm *v, uint32_t fn, const uint64_t args[7])
{
	struct vmm_payload_event ev = { 0 };

	switch (fn) {
	case AVF_HVC_PAYLOAD_READY:
		if (vmm_injected_crash(v, "vmm.crash.ready"))
			return false;
		ev.kind = VMM_PAYLOAD_READY;
		break;
	case AVF_HVC_PAYLOAD_FINISHED:
		ev.kind = VMM_PAYLOAD_FINISHED;
		ev.code = (int32_t)args[1];
		break;
	case AVF_HVC_PAYLOAD_ERROR_TEXT:
		error_text(&v->payload, args);
		return true;
	default:
		error_event(&v->payload, args, &ev);
		break;
	}
	report(v, &ev);
	return true;
}

/* ---- test calls and the rest of the block ---- */

static bool test_or_other_call(struct vmm *v, unsigned vcpu, uint32_t fn,
			       const uint64_t args[7], uint64_t ret[4])
{
	uint64_t x0 = 0;

	if (fn == AVF_HVC_TEST_MARK)
		vmm_log(v, "mark %" PRIu64, args[1]);
	if (v->cfg.on_hypercall &&
	    v->cfg.on_hypercall(v->cfg.hook_ctx, v, vcpu, fn, args[1], args[2], args[3], &x0)) {
		ret[0] = x0;
		return true;
	}
	if (fn == AVF_HVC_TEST_MARK || fn == AVF_HVC_TEST_WAIT)
		ret[0] = 0;	/* logged / released: vmm.h, "on_hypercall" */
	return true;
}

bool vmm_guest_hypercall(struct vmm *v, unsigned vcpu, const uint64_t args[7],
			 uint64_t ret[4])
{
	uint32_t fn = (uint32_t)args[0];
	bool go_on = true;

	if (fn >= AVF_HVC_PAYLOAD_READY && fn <= AVF_HVC_PAYLOAD_ERROR) {
		pthread_mutex_lock(&v->payload.lock);
		go_on = payload_call(v, fn, args);
		pthread_mutex_unlock(&v->payload.lock);
		if (go_on)
			ret[0] = AVF_SMCCC_SUCCESS;
		return go_on;
	}
	if (fn > AVF_HVC_PAYLOAD_ERROR && fn <= AVF_HVC_TEST_LAST)
		return test_or_other_call(v, vcpu, fn, args, ret);
	return true;	/* not ours: NOT_SUPPORTED, as the hyp left it */
}
