// SPDX-License-Identifier: Apache-2.0
/*
 * The virtio-mmio transport (virtio 1.2, 4.2.2, register layout version 2) for the
 * runtime's drivers: DT probe, feature negotiation, split virtqueues in the DMA pool,
 * completion by polling the used ring (docs/RUNTIME.md, "virtio"). The device is the
 * host's: whatever it reports is checked before use, and a device that misbehaves is
 * marked broken and never touched again.
 */
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/fdt/gfdt.h"

#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_DEVICE_FEATURES	0x010
#define REG_DEVICE_FEATURES_SEL	0x014
#define REG_DRIVER_FEATURES	0x020
#define REG_DRIVER_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_READY		0x044
#define REG_QUEUE_NOTIFY	0x050
#define REG_INTERRUPT_STATUS	0x060
#define REG_INTERRUPT_ACK	0x064
#define REG_STATUS		0x070
#define REG_QUEUE_DESC		0x080
#define REG_QUEUE_DRIVER	0x090
#define REG_QUEUE_DEVICE	0x0a0
#define REG_CONFIG_GENERATION	0x0fc
#define REG_CONFIG		0x100

#define STATUS_ACKNOWLEDGE	1u
#define STATUS_DRIVER		2u
#define STATUS_DRIVER_OK	4u
#define STATUS_FEATURES_OK	8u
#define STATUS_NEEDS_RESET	64u
#define STATUS_FAILED		128u

#define VIRTIO_MAGIC		0x74726976u	/* "virt" */
#define MMIO_WINDOW		0x1000u
#define CFG_RETRIES		64
/* Features we understand beyond the device-specific ones (bits 0..23). */
#define DEVICE_SPECIFIC_MASK	0xffffffull

static struct rt_vdev devs[RT_VIRTIO_MAX_DEVS];
static unsigned nr_devs;
/* The DT's transports, recorded at boot; identified on first use (probe_devices), so a
 * payload that uses no device makes no MMIO access and no hypercall for them. */
static uint64_t dt_bases[RT_VIRTIO_MAX_DEVS];
static unsigned dt_intids[RT_VIRTIO_MAX_DEVS];	/* 0: the node names no SPI */
static unsigned nr_dt_bases;
static bool probed;
/* Set by any started device's interrupt: rt_virtio_idle() returns early. */
static volatile bool kicked;

static uint32_t rd(const struct rt_vdev *d, unsigned off)
{
	return mmio_read32(d->base + off);
}

static void wr(const struct rt_vdev *d, unsigned off, uint32_t v)
{
	mmio_write32(d->base + off, v);
}

/* The transport's page must be MMIO-guard mapped before a protected VM touches it. */
static bool guard_map(uint64_t base)
{
	if (!rt_vm_is_protected())
		return true;
	return arch_hvc(AVF_HVC_PKVM_MMIO_GUARD_MAP, base, 0, 0, 0, 0, 0,
			(struct arch_smccc_res *)0) == AVF_SMCCC_SUCCESS;
}

static void add_device(uint64_t base, unsigned intid)
{
	struct rt_vdev *d = &devs[nr_devs];

	if (base % MMIO_WINDOW || base >= (1ull << 30) - MMIO_WINDOW) {
		rt_log("runtime: virtio-mmio at %#lx is outside the device region, ignored\n",
		       (unsigned long)base);
		return;
	}
	if (!guard_map(base)) {
		rt_log("runtime: MMIO_GUARD_MAP of virtio-mmio %#lx refused\n", (unsigned long)base);
		return;
	}
	*d = (struct rt_vdev){ .base = base, .intid = intid };
	if (rd(d, REG_MAGIC) != VIRTIO_MAGIC || rd(d, REG_VERSION) != 2)
		return;	/* not a modern transport: not ours to drive */
	d->device_id = rd(d, REG_DEVICE_ID);
	if (d->device_id != 0)	/* 0: a placeholder transport without a device */
		nr_devs++;
}

static int read_cells(const struct gfdt *t, const char *name, uint32_t *cells)
{
	const uint8_t *val;
	uint32_t len;

	if (gfdt_prop(t, gfdt_root(t), name, &val, &len) < 0 || len != 4)
		return -1;
	*cells = gfdt_be32(val);
	return *cells >= 1 && *cells <= 2 ? 0 : -1;
}

/* The node's interrupt as an INTID: `interrupts = <0 SPI flags>` (GIC SPI), else 0. */
static unsigned spi_of(const struct gfdt *t, int node)
{
	const uint8_t *val;
	uint32_t len, spi;

	if (gfdt_prop(t, node, "interrupts", &val, &len) < 0 || len != 12 || gfdt_be32(val) != 0)
		return 0;
	spi = gfdt_be32(val + 4);
	return spi < 988 ? 32 + spi : 0;
}

void rt_virtio_probe(uint64_t fdt_addr)
{
	uint32_t ac, sc, len;
	const uint8_t *val;
	struct gfdt t;
	int node;

	if (gfdt_open(&t, (const void *)(uintptr_t)fdt_addr, rt.info.fdt_size, (const char **)0) ||
	    read_cells(&t, "#address-cells", &ac) || read_cells(&t, "#size-cells", &sc))
		rt_panic("the DT does not parse any more");
	for (node = gfdt_first_child(&t, gfdt_root(&t));
	     node >= 0 && nr_dt_bases < RT_VIRTIO_MAX_DEVS;
	     node = gfdt_next_sibling(&t, node)) {
		if (gfdt_prop(&t, node, "compatible", &val, &len) < 0 ||
		    !gfdt_stringlist_contains(val, len, "virtio,mmio"))
			continue;
		if (gfdt_prop(&t, node, "reg", &val, &len) < 0 || len < 4 * (ac + sc))
			continue;
		dt_intids[nr_dt_bases] = spi_of(&t, node);
		dt_bases[nr_dt_bases++] = gfdt_read_cells(val, ac);
	}
}

static void probe_devices(void)
{
	if (probed)
		return;
	probed = true;
	for (unsigned i = 0; i < nr_dt_bases; i++)
		add_device(dt_bases[i], dt_intids[i]);
}

struct rt_vdev *rt_virtio_find(uint32_t device_id, unsigned nth)
{
	probe_devices();
	for (unsigned i = 0; i < nr_devs; i++)
		if (devs[i].device_id == device_id && nth-- == 0)
			return &devs[i];
	return (struct rt_vdev *)0;
}

unsigned rt_virtio_count(uint32_t device_id)
{
	unsigned n = 0;

	probe_devices();
	for (unsigned i = 0; i < nr_devs; i++)
		n += devs[i].device_id == device_id;
	return n;
}

int rt_virtio_fail(struct rt_vdev *d, const char *why)
{
	if (!d->broken)
		rt_log("runtime: virtio device %u at %#lx: %s\n", d->device_id,
		       (unsigned long)d->base, why);
	d->broken = true;
	wr(d, REG_STATUS, rd(d, REG_STATUS) | STATUS_FAILED);
	return -RT_EIO;
}

static uint64_t device_features(struct rt_vdev *d)
{
	uint64_t f;

	wr(d, REG_DEVICE_FEATURES_SEL, 0);
	f = rd(d, REG_DEVICE_FEATURES);
	wr(d, REG_DEVICE_FEATURES_SEL, 1);
	return f | (uint64_t)rd(d, REG_DEVICE_FEATURES) << 32;
}

static int negotiate(struct rt_vdev *d, uint64_t wanted)
{
	uint64_t offer = device_features(d), accept;

	if (!(offer & VIRTIO_F_VERSION_1))
		return rt_virtio_fail(d, "does not offer VIRTIO_F_VERSION_1");
	accept = VIRTIO_F_VERSION_1 | (offer & VIRTIO_F_ACCESS_PLATFORM) |
		 (offer & wanted & DEVICE_SPECIFIC_MASK);
	wr(d, REG_DRIVER_FEATURES_SEL, 0);
	wr(d, REG_DRIVER_FEATURES, (uint32_t)accept);
	wr(d, REG_DRIVER_FEATURES_SEL, 1);
	wr(d, REG_DRIVER_FEATURES, (uint32_t)(accept >> 32));
	wr(d, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	if (!(rd(d, REG_STATUS) & STATUS_FEATURES_OK))
		return rt_virtio_fail(d, "refused our features");
	d->features = accept;
	return 0;
}

static void wr64(struct rt_vdev *d, unsigned off, uint64_t v)
{
	wr(d, off, (uint32_t)v);
	wr(d, off + 4, (uint32_t)(v >> 32));
}

static int setup_queue(struct rt_vdev *d, unsigned i, uint16_t qsize)
{
	struct rt_vq *q = &d->q[i];
	uint32_t max;
	uint16_t num = 1;
	void *desc, *avail, *used;

	wr(d, REG_QUEUE_SEL, i);
	max = rd(d, REG_QUEUE_NUM_MAX);
	if (max == 0 || rd(d, REG_QUEUE_READY))
		return rt_virtio_fail(d, "a queue is missing or already live");
	while ((uint32_t)num * 2 <= max && num * 2 <= qsize)
		num = (uint16_t)(num * 2);
	desc = rt_dma_alloc(virtq_desc_size(num));
	avail = rt_dma_alloc(virtq_avail_size(num));
	used = rt_dma_alloc(virtq_used_size(num));
	if (virtq_drv_init(&q->drv, num, desc, avail, used))
		rt_panic("virtq_drv_init refused a pool allocation");
	q->dev = d;
	q->index = (uint16_t)i;
	wr(d, REG_QUEUE_NUM, num);
	wr64(d, REG_QUEUE_DESC, rt_dma_addr(desc));
	wr64(d, REG_QUEUE_DRIVER, rt_dma_addr(avail));
	wr64(d, REG_QUEUE_DEVICE, rt_dma_addr(used));
	dsb(st);
	wr(d, REG_QUEUE_READY, 1);
	return 0;
}

/* The device's interrupt: acknowledge it (the line is level: it drops once
 * InterruptStatus is 0) and wake whoever idles. Completions are still found by polling. */
static void virtio_irq(unsigned intid, void *ctx)
{
	struct rt_vdev *d = ctx;
	uint32_t st = rd(d, REG_INTERRUPT_STATUS);

	if (st)
		wr(d, REG_INTERRUPT_ACK, st);
	kicked = true;
}

void rt_virtio_idle(uint64_t max_ns)
{
	rt_wait_ns(max_ns, &kicked);
	kicked = false;
}

int rt_virtio_start(struct rt_vdev *d, uint64_t wanted, unsigned nr_queues, uint16_t qsize)
{
	if (d->started)
		return d->broken ? -RT_ENODEV : 0;
	d->started = true;
	if (nr_queues > RT_VIRTIO_MAX_QUEUES || d->broken)
		return -RT_ENODEV;
	/* The first device started shares the pool (once; protected VMs). */
	rt_dma_init();
	wr(d, REG_STATUS, 0);
	if (rd(d, REG_STATUS) != 0) {	/* the reset must be visible before we go on */
		rt_virtio_fail(d, "does not reset");
		return -RT_ENODEV;
	}
	wr(d, REG_STATUS, STATUS_ACKNOWLEDGE);
	wr(d, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	if (negotiate(d, wanted))
		return -RT_ENODEV;
	for (unsigned i = 0; i < nr_queues; i++)
		if (setup_queue(d, i, qsize))
			return -RT_ENODEV;
	d->nr_queues = nr_queues;
	/* Interrupts only shorten idle waits; without one (or if it never comes) the
	 * waits still end by polling, at the latest after their idle period. */
	if (d->intid && rt_irq_register(d->intid, virtio_irq, d))
		d->intid = 0;
	wr(d, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK |
			  STATUS_DRIVER_OK);
	if (rd(d, REG_STATUS) & (STATUS_NEEDS_RESET | STATUS_FAILED)) {
		rt_virtio_fail(d, "failed at DRIVER_OK");
		return -RT_ENODEV;
	}
	return 0;
}

uint8_t rt_virtio_cfg8(struct rt_vdev *d, unsigned off)
{
	return mmio_read8(d->base + REG_CONFIG + off);
}

uint32_t rt_virtio_cfg32(struct rt_vdev *d, unsigned off)
{
	return rd(d, REG_CONFIG + off);
}

uint64_t rt_virtio_cfg64(struct rt_vdev *d, unsigned off)
{
	uint32_t gen, lo, hi;

	/* Two 32-bit halves are not atomic: retry until the generation holds (4.2.2.2),
	 * a bounded number of times (a device changing it for ever is broken). */
	for (int tries = 0; tries < CFG_RETRIES; tries++) {
		gen = rd(d, REG_CONFIG_GENERATION);
		lo = rd(d, REG_CONFIG + off);
		hi = rd(d, REG_CONFIG + off + 4);
		if (gen == rd(d, REG_CONFIG_GENERATION))
			return lo | (uint64_t)hi << 32;
	}
	rt_virtio_fail(d, "its configuration never holds still");
	return 0;
}

int rt_vq_submit(struct rt_vq *q, const struct virtq_buf *bufs, unsigned n, void *token)
{
	int ret;

	if (q->dev->broken)
		return -RT_EIO;
	for (unsigned i = 0; i < n; i++)
		if (!rt_dma_contains((const void *)(uintptr_t)bufs[i].addr, bufs[i].len))
			rt_panic("virtio buffer %#lx+%u is not in the DMA pool",
				 (unsigned long)bufs[i].addr, bufs[i].len);
	ret = virtq_drv_add(&q->drv, bufs, n, token);
	if (ret < 0)
		return ret;
	/* The ring writes must reach memory before the device hears of them. */
	dsb(st);
	wr(q->dev, REG_QUEUE_NOTIFY, q->index);
	return 0;
}

int rt_vq_poll(struct rt_vq *q, void **token, uint32_t *len)
{
	int ret;

	if (q->dev->broken)
		return -RT_EIO;
	ret = virtq_drv_get(&q->drv, token, len);
	if (ret < 0)
		return rt_virtio_fail(q->dev, "wrote an impossible used element");
	if (ret == 0 && (rd(q->dev, REG_STATUS) & STATUS_NEEDS_RESET))
		return rt_virtio_fail(q->dev, "needs a reset (it found our queue broken)");
	/* InterruptStatus is left to the interrupt handler: acknowledging it here, after
	 * the used ring was read, could swallow the interrupt of a completion that landed
	 * in between and leave an idle wait asleep until its timer. */
	return ret;
}

int rt_vq_wait(struct rt_vq *q, void *token, uint32_t *len, uint64_t timeout_ns)
{
	uint64_t start = rt_time_ns();
	void *got;
	int ret;

	for (;;) {
		ret = rt_vq_poll(q, &got, len);
		if (ret < 0)
			return ret;
		if (ret == 1)
			return got == token ? 0 : rt_virtio_fail(q->dev, "completed a request "
								     "that was not in flight");
		if (rt_time_ns() - start > timeout_ns) {
			rt_virtio_fail(q->dev, "did not complete a request in time");
			return -RT_ETIMEDOUT;
		}
	}
}
