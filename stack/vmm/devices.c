// SPDX-License-Identifier: MIT
/*
 * The VM's devices on its MMIO bus: the 16550 UART at VMM_UART_BASE and one virtio-mmio
 * transport per device at VMM_VIRTIO_BASE + n * VMM_VIRTIO_STRIDE with SPI
 * VMM_VIRTIO_SPI(n), in a fixed order so the guest sees the same tree every time:
 * console (always), then the disks in order, vsock, net, rng.
 *
 * Both consoles end in the VM's console sink: the UART writes into it directly; the
 * virtio console writes into a pipe the I/O loop drains into it (the device makes its
 * fd non-blocking, which must not happen to the sink's stdout).
 *
 * Interrupts: the UART (IER/IIR) and each transport (InterruptStatus/InterruptACK)
 * compute a level and call irq_set_level() when it changes; it drives the device's SPI
 * through the hyp (HYP_HOST_SET_IRQ), from whichever thread the change happened on
 * (a vCPU thread handling MMIO, or the I/O thread completing a request). The VMM never
 * touches the HAL VM itself: the hyp owns it. docs/VMM.md has the IRQ map.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack/vmm/vmm_internal.h"

static bool vm_ending(struct vmm *v)
{
	bool ended;

	pthread_mutex_lock(&v->end_lock);
	ended = v->ended;
	pthread_mutex_unlock(&v->end_lock);
	return ended;
}

/*
 * A device's line changed: tell the guest's GIC. A failure means the level the device
 * holds and the GIC's differ, so the guest may wait for an interrupt that never comes:
 * logged once per line, unless the VM is ending anyway (teardown lowers lines of a VM
 * the hyp already calls dying).
 */
static void irq_set_level(void *ctx, uint32_t intid, bool level)
{
	struct vmm *v = ctx;
	uint64_t bit = 1ull << ((intid - 32) & 63);
	int64_t rc = vmm_hcall(v->host, HYP_HOST_SET_IRQ, v->handle, intid, level, 0, 0, NULL);

	if (!rc || vm_ending(v))
		return;
	if (!(__atomic_fetch_or(&v->irq_warned, bit, __ATOMIC_RELAXED) & bit))
		vmm_log(v, "cannot %s INTID %u: SET_IRQ: %s; the guest may miss this device's "
			"interrupts", level ? "raise" : "lower", intid, strerror((int)-rc));
}

static void uart_out(void *ctx, const uint8_t *buf, size_t len)
{
	vmm_console_write(ctx, buf, len);
}

static int uart_mmio_read(void *ctx, uint64_t off, unsigned size, uint64_t *val)
{
	return uart16550_read(ctx, off, size, val);
}

static int uart_mmio_write(void *ctx, uint64_t off, unsigned size, uint64_t val)
{
	return uart16550_write(ctx, off, size, val);
}

static int virtio_read(void *ctx, uint64_t off, unsigned size, uint64_t *val)
{
	return virtio_mmio_read(ctx, off, size, val);
}

static int virtio_write(void *ctx, uint64_t off, unsigned size, uint64_t val)
{
	return virtio_mmio_write(ctx, off, size, val);
}

static void transport_log(void *ctx, const char *line)
{
	vmm_log(ctx, "%s", line);
}

static int rng_entropy(void *ctx, void *buf, size_t len)
{
	struct vmm *v = ctx;

	return hal_entropy(v->host->m, buf, len);
}

static int add_uart(struct vmm *v)
{
	struct uart16550_config uc = {
		.out = uart_out, .out_ctx = &v->console,
		.irq = { .ctx = v, .intid = VMM_UART_SPI, .set_level = irq_set_level },
	};
	struct mmio_region r = {
		.name = "uart", .base = VMM_UART_BASE, .size = VMM_UART_SIZE,
		.read = uart_mmio_read, .write = uart_mmio_write,
	};
	int err = uart16550_create(&uc, &v->uart);

	if (err)
		return vmm_fail(v, -err, "create the UART: %s", strerror(-err));
	r.ctx = v->uart;
	err = mmio_bus_add(&v->bus, &r);
	return err ? vmm_fail(v, -err, "map the UART: %s", strerror(-err)) : 0;
}

/* Wrap dev (owned by the transport from here on) and put it on the bus. */
static int add_transport(struct vmm *v, const char *kind, struct virtio_device *dev)
{
	unsigned n = v->nr_devs;
	struct vmm_device *d = &v->devs[n];
	struct virtio_mmio_config tc = {
		.mem = &v->gmem,
		.irq = { .ctx = v, .intid = VMM_VIRTIO_SPI(n), .set_level = irq_set_level },
		.access_platform = v->protected_vm,
		.log = transport_log, .log_ctx = v,
	};
	struct mmio_region r = {
		.name = kind, .base = VMM_VIRTIO_BASE + n * VMM_VIRTIO_STRIDE,
		.size = VMM_VIRTIO_STRIDE, .read = virtio_read, .write = virtio_write,
	};
	int err;

	err = virtio_mmio_create(&tc, dev, &d->t);
	if (err)
		return vmm_fail(v, -err, "virtio-%s: create the transport: %s", kind,
				strerror(-err));
	d->kind = kind;
	d->base = r.base;
	d->intid = tc.irq.intid;
	v->nr_devs++;
	r.ctx = d->t;
	err = mmio_bus_add(&v->bus, &r);
	return err ? vmm_fail(v, -err, "virtio-%s: map at 0x%" PRIx64 ": %s", kind, r.base,
			      strerror(-err)) : 0;
}

/*
 * One device: made by create (its error is the device's; what names the device's file
 * or socket, or ""), then put on a transport.
 */
#define ADD_DEVICE(v, kind, what, call) do { \
	struct virtio_device *dev_; \
	int err_; \
	if ((v)->nr_devs == VMM_VIRTIO_MAX) \
		return vmm_fail(v, ENOSPC, "virtio-%s: more than %u virtio devices", kind, \
				VMM_VIRTIO_MAX); \
	err_ = (call); \
	if (err_) \
		return vmm_fail(v, -err_, "virtio-%s%s%s: %s", kind, *(what) ? " " : "", \
				what, strerror(-err_)); \
	err_ = add_transport(v, kind, dev_); \
	if (err_) \
		return err_; \
} while (0)

static int add_console(struct vmm *v)
{
	struct virtio_console_config cc = { .in_fd = -1 };

	if (pipe2(v->console_pipe, O_CLOEXEC | O_NONBLOCK))
		return vmm_fail(v, errno, "virtio-console: pipe: %s", strerror(errno));
	cc.out_fd = v->console_pipe[1];
	ADD_DEVICE(v, "console", "", virtio_console_create(&cc, &dev_));
	return 0;
}

/* A MAC for the VM: locally administered, from what tells VMs apart (deterministic). */
static void vm_mac(const struct vmm *v, uint8_t mac[6])
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	const char *name = v->name ? v->name : "";

	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
	h = (h ^ v->cfg.instance_id) * 0x100000001b3ull;
	h = (h ^ v->cfg.vsock_cid) * 0x100000001b3ull;
	mac[0] = 0x02;				/* locally administered, unicast */
	mac[1] = 0x41;
	for (unsigned i = 2; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
}

static int add_optional(struct vmm *v)
{
	const struct vmm_config *c = &v->cfg;

	for (unsigned i = 0; i < c->nr_disks; i++) {
		struct virtio_blk_config bc = { .path = c->disks[i].path,
						.read_only = c->disks[i].read_only,
						.vm_name = v->name };

		ADD_DEVICE(v, "blk", bc.path, virtio_blk_create(&bc, &dev_));
	}
	if (c->vsock_cid) {
		struct virtio_vsock_config vc = { .guest_cid = c->vsock_cid,
						  .uds_path = c->vsock_uds, .vm_name = v->name };

		ADD_DEVICE(v, "vsock", vc.uds_path, virtio_vsock_create(&vc, &dev_));
	}
	if (c->net_switch || c->net_tap) {
		struct virtio_net_config nc = { .switch_path = c->net_switch, .tap = c->net_tap,
						.pcap_path = c->pcap, .vm_name = v->name };

		vm_mac(v, nc.mac);
		ADD_DEVICE(v, "net", c->net_switch ? c->net_switch : c->net_tap,
			   virtio_net_create(&nc, &dev_));
	}
	if (c->rng) {
		struct virtio_rng_config rc = { .entropy = rng_entropy, .ctx = v };

		ADD_DEVICE(v, "rng", "", virtio_rng_create(&rc, &dev_));
	}
	return 0;
}

int vmm_devices_create(struct vmm *v)
{
	int err = add_uart(v);

	if (!err)
		err = add_console(v);
	if (!err)
		err = add_optional(v);
	if (err)
		return err;
	/* Room for every transport's largest poll set, the console pipe and wake_fd. */
	v->pollfds = calloc(v->nr_devs * VIRTIO_MAX_POLL_FDS + 2, sizeof(*v->pollfds));
	return v->pollfds ? 0 : vmm_fail(v, ENOMEM, "devices: out of memory");
}

void vmm_devices_destroy(struct vmm *v)
{
	for (unsigned i = 0; i < v->nr_devs; i++)
		virtio_mmio_destroy(v->devs[i].t);
	v->nr_devs = 0;
	for (unsigned i = 0; i < 2; i++) {
		if (v->console_pipe[i] >= 0)
			close(v->console_pipe[i]);
		v->console_pipe[i] = -1;
	}
	uart16550_destroy(v->uart);
	v->uart = NULL;
	free(v->pollfds);
	v->pollfds = NULL;
}

void vmm_devices_describe(const struct vmm *v, struct vmm_fdt_params *p)
{
	p->nr_virtio = v->nr_devs;
	for (unsigned i = 0; i < v->nr_devs; i++)
		p->virtio[i] = (struct vmm_fdt_virtio){ v->devs[i].base, v->devs[i].intid };
}

void vmm_devices_drain_console(struct vmm *v)
{
	uint8_t buf[4096];
	ssize_t n;

	if (v->console_pipe[0] < 0)
		return;
	while ((n = read(v->console_pipe[0], buf, sizeof(buf))) > 0)
		vmm_console_write(&v->console, buf, (size_t)n);
}

/*
 * One round of device I/O: gather every transport's poll set (plus the console pipe and
 * the VM's wake eventfd), poll, and hand each transport its slice back.
 */
int vmm_devices_poll(struct vmm *v, int timeout_ms, bool *external)
{
	struct pollfd *fds = v->pollfds;
	int start[VMM_VIRTIO_MAX + 1], n = 0, ready;

	*external = false;
	for (unsigned i = 0; i < v->nr_devs; i++) {
		int got = virtio_mmio_poll_fds(v->devs[i].t, fds + n, VIRTIO_MAX_POLL_FDS);

		start[i] = n;
		if (got > 1)
			*external = true;
		n += got > 0 ? got : 0;
	}
	start[v->nr_devs] = n;
	fds[n++] = (struct pollfd){ .fd = v->console_pipe[0], .events = POLLIN };
	fds[n++] = (struct pollfd){ .fd = v->wake_fd, .events = POLLIN };
	ready = poll(fds, (nfds_t)n, timeout_ms);
	if (ready < 0) {
		if (errno != EINTR)
			return -errno;
		ready = 0;
		for (int i = 0; i < n; i++)
			fds[i].revents = 0;
	}
	for (unsigned i = 0; i < v->nr_devs; i++)
		virtio_mmio_process_io(v->devs[i].t, fds + start[i], start[i + 1] - start[i]);
	if (fds[n - 1].revents & POLLIN) {
		uint64_t count;

		if (read(v->wake_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
			return -errno;
	}
	vmm_devices_drain_console(v);
	return ready;
}
