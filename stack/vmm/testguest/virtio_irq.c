// SPDX-License-Identifier: MIT
/*
 * testguest.irq=rng: a minimal virtio-rng driver over virtio-mmio (virtio 1.2, 4.2.3:
 * the version-2 register layout; 2.7: the split virtqueue) that sleeps in WFI until each
 * request's completion arrives as an interrupt. The handler reads InterruptStatus (bit 0:
 * used buffer) and writes it back to InterruptACK, which lowers the line: the transport's
 * level, driven by the VMM through HYP_HOST_SET_IRQ.
 *
 * Normal VMs only: the rings and buffers are ordinary guest RAM the host can read, which
 * in a protected VM would first have to be shared (MEM_SHARE) page by page.
 */
#include "stack/vmm/testguest/guest.h"

/* virtio-mmio registers (4.2.2). */
#define MMIO_DEVICE_ID		0x008
#define MMIO_DEVICE_FEATURES	0x010
#define MMIO_DEVICE_FEAT_SEL	0x014
#define MMIO_DRIVER_FEATURES	0x020
#define MMIO_DRIVER_FEAT_SEL	0x024
#define MMIO_QUEUE_SEL		0x030
#define MMIO_QUEUE_NUM_MAX	0x034
#define MMIO_QUEUE_NUM		0x038
#define MMIO_QUEUE_READY	0x044
#define MMIO_QUEUE_NOTIFY	0x050
#define MMIO_INT_STATUS		0x060
#define MMIO_INT_ACK		0x064
#define MMIO_STATUS		0x070
#define MMIO_QUEUE_DESC		0x080
#define MMIO_QUEUE_DRIVER	0x090
#define MMIO_QUEUE_DEVICE	0x0a0

#define STATUS_ACK		1u
#define STATUS_DRIVER		2u
#define STATUS_DRIVER_OK	4u
#define STATUS_FEATURES_OK	8u
#define F_VERSION_1_HI		1u	/* feature bit 32, in the high word */
#define DEVICE_ID_RNG		4u
#define DESC_F_WRITE		2u
#define INT_USED_BUFFER		1u

#define QUEUE_SIZE		4u
#define REQUESTS		3u
#define REQUEST_BYTES		16u

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct {
	struct desc desc[QUEUE_SIZE];
} ring_desc __attribute__((aligned(4096)));
static struct {
	uint16_t flags, idx, ring[QUEUE_SIZE];
} ring_avail __attribute__((aligned(4096)));
static struct {
	uint16_t flags, idx;
	struct { uint32_t id, len; } ring[QUEUE_SIZE];
} ring_used __attribute__((aligned(4096)));
static uint8_t buffer[REQUEST_BYTES] __attribute__((aligned(16)));

static volatile struct {
	uint64_t base;
	unsigned irqs;
	uint32_t last_status;
} rng;

static volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(rng.base + off);
}

static void rng_irq(void)
{
	uint32_t st = *reg(MMIO_INT_STATUS);

	rng.irqs++;
	rng.last_status = st;
	*reg(MMIO_INT_ACK) = st;
}

static void set_addr(uint32_t off, const void *p)
{
	*reg(off) = (uint32_t)(uint64_t)p;
	*reg(off + 4) = (uint32_t)((uint64_t)p >> 32);
}

/* The device-init sequence of 3.1.1, with one queue; false if the device refuses. */
static bool rng_init(void)
{
	*reg(MMIO_STATUS) = 0;
	*reg(MMIO_STATUS) = STATUS_ACK | STATUS_DRIVER;
	*reg(MMIO_DEVICE_FEAT_SEL) = 1;
	if (!(*reg(MMIO_DEVICE_FEATURES) & F_VERSION_1_HI))
		return false;
	*reg(MMIO_DRIVER_FEAT_SEL) = 1;
	*reg(MMIO_DRIVER_FEATURES) = F_VERSION_1_HI;
	*reg(MMIO_DRIVER_FEAT_SEL) = 0;
	*reg(MMIO_DRIVER_FEATURES) = 0;
	*reg(MMIO_STATUS) = STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK;
	if (!(*reg(MMIO_STATUS) & STATUS_FEATURES_OK))
		return false;
	*reg(MMIO_QUEUE_SEL) = 0;
	if (*reg(MMIO_QUEUE_NUM_MAX) < QUEUE_SIZE)
		return false;
	*reg(MMIO_QUEUE_NUM) = QUEUE_SIZE;
	set_addr(MMIO_QUEUE_DESC, &ring_desc);
	set_addr(MMIO_QUEUE_DRIVER, &ring_avail);
	set_addr(MMIO_QUEUE_DEVICE, &ring_used);
	*reg(MMIO_QUEUE_READY) = 1;
	*reg(MMIO_STATUS) = STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK;
	return true;
}

/* The n-th virtio-mmio node that is a virtio-rng: its base and INTID. */
static bool rng_find(const void *fdt, uint64_t *base, uint32_t *intid)
{
	const uint8_t *regp, *irq;
	uint32_t len;

	for (unsigned n = 0; (regp = fdt_root_prop_nth(fdt, "virtio_mmio", n, "reg", NULL)); n++) {
		uint64_t b = fdt_be64(regp);

		if (*(volatile uint32_t *)(b + MMIO_DEVICE_ID) != DEVICE_ID_RNG)
			continue;
		irq = fdt_root_prop_nth(fdt, "virtio_mmio", n, "interrupts", &len);
		if (!irq || len != 12 || fdt_be32(irq) != 0)
			return false;
		*base = b;
		*intid = 32 + fdt_be32(irq + 4);
		return true;
	}
	return false;
}

/* One request: a device-writable buffer, notify, sleep until its interrupt. */
static uint32_t rng_request(uint16_t n)
{
	unsigned irqs = rng.irqs;

	ring_desc.desc[0] = (struct desc){ (uint64_t)buffer, REQUEST_BYTES, DESC_F_WRITE, 0 };
	ring_avail.ring[n % QUEUE_SIZE] = 0;
	__asm__ volatile("dmb sy" ::: "memory");
	ring_avail.idx = (uint16_t)(n + 1);
	__asm__ volatile("dmb sy" ::: "memory");
	*reg(MMIO_QUEUE_NOTIFY) = 0;
	while (rng.irqs == irqs)
		__asm__ volatile("wfi" ::: "memory");
	__asm__ volatile("dmb sy" ::: "memory");
	return ring_used.idx == n + 1 ? ring_used.ring[n % QUEUE_SIZE].len : 0;
}

void irq_demo_rng(const void *fdt, bool prot)
{
	uint32_t intid;
	uint64_t base;

	if (prot) {
		uart_puts("testguest: irq: virtio-rng skipped (rings would need MEM_SHARE)\n");
		return;
	}
	if (!rng_find(fdt, &base, &intid) || !gic_init(fdt)) {
		uart_puts("testguest: irq: no virtio-rng with an SPI, or no GICv3, in the DT\n");
		return;
	}
	rng.base = base;
	if (!rng_init()) {
		uart_puts("testguest: irq: the virtio-rng refused the driver\n");
		return;
	}
	uart_puts("testguest: irq: virtio-rng at ");
	uart_puthex(base);
	uart_puts(" on INTID ");
	uart_putdec(intid);
	uart_puts(", GIC ready\n");
	irq_register(intid, rng_irq);
	gic_enable_spi(intid);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	for (uint16_t n = 0; n < REQUESTS; n++) {
		uint32_t got = rng_request(n);

		uart_puts("testguest: irq: request ");
		uart_putdec(n + 1u);
		uart_puts(": ");
		uart_putdec(got);
		uart_puts(" bytes, InterruptStatus ");
		uart_puthex(rng.last_status);
		uart_puts("\n");
	}
	__asm__ volatile("msr daifset, #2" ::: "memory");
	gic_disable_spi(intid);
	*reg(MMIO_STATUS) = 0;		/* reset: the device lets go of the rings */
	irq_report(rng.irqs, intid, REQUESTS, " requests, ");
}
