// SPDX-License-Identifier: MIT
/*
 * The whole-VM fuzz agent: a bare-metal guest that performs, as the guest, the actions a
 * fuzz input encodes (fuzz/whole_vm/wvm_abi.h has the format and the memory map).
 *
 * Boot: enrol in the MMIO guard and guard the UART's and the virtio transports' pages,
 * share the DMA arena with the host (a protected guest's swiotlb), say READY in the
 * mailbox and wait. The harness snapshots the whole machine there; for each input it
 * restores the snapshot, writes the script and bumps seq. Waiting is WFI with the
 * virtual timer armed a little ahead, so that the harness wakes the agent by moving
 * virtual time (vmm_host_advance_idle()) and an idle agent costs no instructions.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuzz/whole_vm/wvm_abi.h"

void agent_main(void);
void agent_exception(uint64_t esr, uint64_t skipped);
uint64_t guarded_call(void (*fn)(void *), void *arg);
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#define MBOX ((struct wvm_mbox *)WVM_MBOX)

/* virtio-mmio registers and bits (virtio 1.2, 4.2.2; stack/vmm/virtio.h). */
#define VM_QUEUE_SEL		0x030
#define VM_QUEUE_NUM_MAX	0x034
#define VM_QUEUE_NUM		0x038
#define VM_QUEUE_READY		0x044
#define VM_QUEUE_NOTIFY		0x050
#define VM_FEATURES		0x020
#define VM_FEATURES_SEL		0x024
#define VM_STATUS		0x070
#define VM_QUEUE_DESC		0x080
#define VM_QUEUE_AVAIL		0x090
#define VM_QUEUE_USED		0x0a0
#define ST_ACK			0x01
#define ST_DRIVER		0x02
#define ST_DRIVER_OK		0x04
#define ST_FEATURES_OK		0x08
#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define MAX_QUEUES		4
#define AVAIL_OFF		0x400
#define USED_OFF		0x800
#define BUF_BASE		(WVM_DMA + WVM_VQ_PAGES * 4096ull)
#define BUF_SIZE		((WVM_DMA_PAGES - WVM_VQ_PAGES) * 4096u)

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* Driver-side queue state of this input (in .bss: the snapshot resets it). */
static uint16_t qsize[WVM_NR_DEVS][MAX_QUEUES];
static uint16_t next_desc[WVM_NR_DEVS][MAX_QUEUES];

/* ---- the few libc functions the compiler may call ---- */

void *memset(void *s, int c, size_t n)
{
	volatile uint8_t *p = s;

	while (n--)
		*p++ = (uint8_t)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

/* ---- hypercalls, MMIO, system registers ---- */

static uint64_t call(bool smc, uint64_t fn, uint64_t a1, uint64_t a2)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = 0;

	if (smc)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

static uint64_t mmio_read(uint64_t addr, unsigned size)
{
	switch (size) {
	case 1: return *(volatile uint8_t *)addr;
	case 2: return *(volatile uint16_t *)addr;
	case 4: return *(volatile uint32_t *)addr;
	default: return *(volatile uint64_t *)addr;
	}
}

static void mmio_write(uint64_t addr, unsigned size, uint64_t val)
{
	switch (size) {
	case 1: *(volatile uint8_t *)addr = (uint8_t)val; break;
	case 2: *(volatile uint16_t *)addr = (uint16_t)val; break;
	case 4: *(volatile uint32_t *)addr = (uint32_t)val; break;
	default: *(volatile uint64_t *)addr = val; break;
	}
}

static void w32(uint64_t addr, uint32_t val)
{
	mmio_write(addr, 4, val);
}

#define SYSREG_READ(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " name : "=r"(v_)); v_; })
#define SYSREG_WRITE(name, v) __asm__ volatile("msr " name ", %0\n\tisb" : : "r"((uint64_t)(v)))

/* ---- the script reader ---- */

struct reader {
	const volatile uint8_t *p;
	uint32_t len, pos;
};

/* n little-endian bytes; past the end reads zeros. */
static uint64_t rd(struct reader *r, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++, r->pos++)
		if (r->pos < r->len)
			v |= (uint64_t)r->p[r->pos] << (8 * i);
	if (r->pos > r->len)
		r->pos = r->len + 1;
	return v;
}

/* ---- waiting ---- */

/* Wait until the harness bumps seq past last; returns the new seq. */
static uint32_t wait_seq(uint32_t last)
{
	while (MBOX->seq == last) {
		SYSREG_WRITE("cntv_cval_el0", SYSREG_READ("cntvct_el0") + 1000);
		SYSREG_WRITE("cntv_ctl_el0", 1);
		__asm__ volatile("wfi" ::: "memory");
	}
	SYSREG_WRITE("cntv_ctl_el0", 0);
	return MBOX->seq;
}

/* ---- ops ---- */

static uint64_t mmio_target(uint8_t tgt, uint16_t off, unsigned size)
{
	uint64_t a;

	switch (tgt % 8) {
	case 0: a = WVM_UART + off % 8; break;
	case 1: case 2: case 3: case 4: a = WVM_VIRTIO(tgt % 8 - 1) + off % 4096; break;
	case 5: a = WVM_GICD + off; break;
	case 6: a = WVM_GICR + off; break;
	default: a = WVM_LOW_MMIO + (uint64_t)off * 8; break;
	}
	return a & ~(uint64_t)(size - 1);
}

static void op_mmio(struct reader *r, bool write)
{
	uint8_t tgt = (uint8_t)rd(r, 1);
	uint16_t off = (uint16_t)rd(r, 2);
	unsigned size = 1u << (rd(r, 1) % 4);
	uint64_t addr = mmio_target(tgt, off, size);

	if (write)
		mmio_write(addr, size, rd(r, 8));
	else
		MBOX->read_acc = MBOX->read_acc * 31 + mmio_read(addr, size);
}

static void op_poke(struct reader *r)
{
	uint32_t off = (uint32_t)rd(r, 4) % WVM_DMA_SIZE;
	unsigned len = (unsigned)rd(r, 1);
	volatile uint8_t *dst = (volatile uint8_t *)(WVM_DMA + off);

	for (unsigned i = 0; i < len; i++) {
		uint8_t b = (uint8_t)rd(r, 1);

		if (off + i < WVM_DMA_SIZE)
			dst[i] = b;
	}
}

static uint64_t queue_page(unsigned d, unsigned q)
{
	return WVM_DMA + (d * MAX_QUEUES + q) * 4096ull;
}

/* Zero a queue's descriptor table and rings, eight bytes at a time: instructions the
 * sim runs per input are what bounds the executions per second. */
static void clear_ring(uint64_t page, unsigned n)
{
	volatile uint64_t *p = (volatile uint64_t *)page;

	for (unsigned i = 0; i < n * 2; i++)		/* 16-byte descriptors */
		p[i] = 0;
	for (unsigned i = 0; i < (n * 2 + 6 + 7) / 8; i++)
		p[AVAIL_OFF / 8 + i] = 0;
	for (unsigned i = 0; i < (n * 8 + 6 + 7) / 8; i++)
		p[USED_OFF / 8 + i] = 0;
}

static void setup_queue(uint64_t base, unsigned d, unsigned q, unsigned want)
{
	uint64_t page = queue_page(d, q);
	uint32_t max;

	w32(base + VM_QUEUE_SEL, q);
	max = (uint32_t)mmio_read(base + VM_QUEUE_NUM_MAX, 4);
	if (!max || max > 0x8000)
		return;
	if (want > max)
		want = max;
	clear_ring(page, want);
	w32(base + VM_QUEUE_NUM, want);
	w32(base + VM_QUEUE_DESC, (uint32_t)page);
	w32(base + VM_QUEUE_DESC + 4, (uint32_t)(page >> 32));
	w32(base + VM_QUEUE_AVAIL, (uint32_t)(page + AVAIL_OFF));
	w32(base + VM_QUEUE_AVAIL + 4, (uint32_t)((page + AVAIL_OFF) >> 32));
	w32(base + VM_QUEUE_USED, (uint32_t)(page + USED_OFF));
	w32(base + VM_QUEUE_USED + 4, (uint32_t)((page + USED_OFF) >> 32));
	w32(base + VM_QUEUE_READY, 1);
	qsize[d][q] = (uint16_t)want;
	next_desc[d][q] = 0;
}

static void op_driver_init(struct reader *r)
{
	unsigned d = (unsigned)rd(r, 1) % WVM_NR_DEVS;
	unsigned want = 2u << (rd(r, 1) % 6);
	uint64_t feat = rd(r, 8), base = WVM_VIRTIO(d);

	w32(base + VM_STATUS, 0);
	w32(base + VM_STATUS, ST_ACK);
	w32(base + VM_STATUS, ST_ACK | ST_DRIVER);
	w32(base + VM_FEATURES_SEL, 0);
	w32(base + VM_FEATURES, (uint32_t)feat);
	w32(base + VM_FEATURES_SEL, 1);
	w32(base + VM_FEATURES, (uint32_t)(feat >> 32));
	w32(base + VM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	for (unsigned q = 0; q < MAX_QUEUES; q++) {
		qsize[d][q] = 0;
		setup_queue(base, d, q, want);
	}
	w32(base + VM_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
}

/* Where a descriptor points: the buffer area, an unshared page, or anywhere. */
static uint64_t desc_addr(uint32_t off, uint8_t flags)
{
	if (flags & 4)
		return (uint64_t)off << 8;
	if (flags & 2)
		return WVM_PRIV + off % (WVM_PRIV_PAGES * 4096u);
	return BUF_BASE + off % BUF_SIZE;
}

static void op_vq_add(struct reader *r)
{
	unsigned d = (unsigned)rd(r, 1) % WVM_NR_DEVS, q = (unsigned)rd(r, 1) % MAX_QUEUES;
	unsigned n = (unsigned)rd(r, 1) % 8 + 1, qs = qsize[d][q] ? qsize[d][q] : 8;
	uint64_t page = queue_page(d, q);
	volatile struct vring_desc *desc = (volatile struct vring_desc *)page;
	volatile uint16_t *avail = (volatile uint16_t *)(page + AVAIL_OFF);
	uint16_t head = next_desc[d][q] % qs, idx = head, aidx;

	for (unsigned i = 0; i < n; i++) {
		uint32_t off = (uint32_t)rd(r, 4);
		uint16_t len = (uint16_t)rd(r, 2);
		uint8_t flags = (uint8_t)rd(r, 1);
		uint16_t next = (uint16_t)((idx + 1) % qs);

		desc[idx].addr = desc_addr(off, flags);
		desc[idx].len = len;
		desc[idx].flags = (uint16_t)((i + 1 < n ? VRING_DESC_F_NEXT : 0) |
					     (flags & 1 ? VRING_DESC_F_WRITE : 0) |
					     (flags & 8 ? VRING_DESC_F_INDIRECT : 0));
		desc[idx].next = next;
		idx = next;
	}
	next_desc[d][q] = idx;
	aidx = avail[1];
	avail[2 + aidx % qs] = head;
	__asm__ volatile("dmb ishst" ::: "memory");
	avail[1] = (uint16_t)(aidx + 1);
	__asm__ volatile("dsb ish" ::: "memory");
	w32(WVM_VIRTIO(d) + VM_QUEUE_NOTIFY, q);
}

static void op_call(struct reader *r, bool smc)
{
	uint8_t sel = (uint8_t)rd(r, 1);
	uint64_t a1 = rd(r, 8), a2 = rd(r, 8);
	uint32_t fn = wvm_hvc_fn(sel, a2);

	MBOX->read_acc = MBOX->read_acc * 31 + call(smc, fn, wvm_hvc_arg(fn, a1), a2);
}

static void op_timer(struct reader *r)
{
	bool phys = rd(r, 1) & 1;
	uint64_t delta = rd(r, 4), ctl = rd(r, 1) & 3;

	if (phys) {
		SYSREG_WRITE("cntp_cval_el0", SYSREG_READ("cntpct_el0") + delta);
		SYSREG_WRITE("cntp_ctl_el0", ctl);
	} else {
		SYSREG_WRITE("cntv_cval_el0", SYSREG_READ("cntvct_el0") + delta);
		SYSREG_WRITE("cntv_ctl_el0", ctl);
	}
}

static void op_gic_sysreg(struct reader *r)
{
	unsigned which = (unsigned)rd(r, 1) % 4;
	uint64_t val = rd(r, 8), intid;

	switch (which) {
	case 0: SYSREG_WRITE("S3_0_C4_C6_0", val & 0xff); break;	/* ICC_PMR_EL1 */
	case 1: SYSREG_WRITE("S3_0_C12_C12_7", val & 1); break;	/* ICC_IGRPEN1_EL1 */
	case 2: SYSREG_WRITE("S3_0_C12_C11_5", val); break;		/* ICC_SGI1R_EL1 */
	default:
		intid = SYSREG_READ("S3_0_C12_C12_0");			/* ICC_IAR1_EL1 */
		MBOX->read_acc = MBOX->read_acc * 31 + intid;
		if (intid < 1020)
			SYSREG_WRITE("S3_0_C12_C12_1", intid);		/* ICC_EOIR1_EL1 */
		break;
	}
}

/* Hand a host op to the harness and wait until it is done. */
static uint32_t op_host(struct reader *r, uint32_t seq)
{
	MBOX->host_req[0] = rd(r, 1);
	MBOX->host_req[1] = rd(r, 8);
	MBOX->host_req[2] = rd(r, 8);
	__asm__ volatile("dsb ish" ::: "memory");
	MBOX->state = WVM_HOST_REQ;
	seq = wait_seq(seq);
	MBOX->state = WVM_RUNNING;
	return seq;
}

struct op_ctx {
	struct reader r;
	uint32_t seq;
};

static void run_op(void *arg)
{
	struct op_ctx *c = arg;
	struct reader *r = &c->r;

	switch (rd(r, 1) % WVM_NR_OPS) {
	case WVM_OP_MMIO_WRITE: op_mmio(r, true); break;
	case WVM_OP_MMIO_READ: op_mmio(r, false); break;
	case WVM_OP_POKE: op_poke(r); break;
	case WVM_OP_DRIVER_INIT: op_driver_init(r); break;
	case WVM_OP_VQ_ADD: op_vq_add(r); break;
	case WVM_OP_HVC: op_call(r, false); break;
	case WVM_OP_SMC: op_call(r, true); break;
	case WVM_OP_TIMER: op_timer(r); break;
	case WVM_OP_WFI: __asm__ volatile("wfi" ::: "memory"); break;
	case WVM_OP_GIC_SYSREG: op_gic_sysreg(r); break;
	default: c->seq = op_host(r, c->seq); break;
	}
}

/* Each op runs guarded: an exception it provokes ends it, and the script goes on. */
static uint32_t run_script(uint32_t seq)
{
	struct op_ctx c = { { (const volatile uint8_t *)WVM_SCRIPT, MBOX->script_len, 0 }, seq };

	if (c.r.len > WVM_SCRIPT_MAX)
		c.r.len = WVM_SCRIPT_MAX;
	for (unsigned n = 0; n < WVM_MAX_OPS && c.r.pos < c.r.len; n++) {
		guarded_call(run_op, &c);
		MBOX->ops_done = n + 1;
	}
	return c.seq;
}

/* ---- exceptions and boot ---- */

void agent_exception(uint64_t esr, uint64_t skipped)
{
	MBOX->exceptions = MBOX->exceptions + 1;
	MBOX->last_esr = esr | (skipped ? 0 : 1ull << 63);
	MBOX->last_elr = SYSREG_READ("elr_el1");
}

void agent_main(void)
{
	uint32_t seq = 0;
	uint64_t shared = 0;

	call(false, WVM_MMIO_GUARD_ENROLL, 0, 0);
	call(false, WVM_MMIO_GUARD_MAP, 0, 0);		/* the UART's page */
	for (unsigned d = 0; d < WVM_NR_DEVS; d++)
		call(false, WVM_MMIO_GUARD_MAP, WVM_VIRTIO(d), 0);
	for (unsigned i = 0; i < WVM_DMA_PAGES; i++)
		shared += call(false, WVM_MEM_SHARE, WVM_DMA + i * 4096ull, 0) == 0;
	MBOX->dma_shared = shared;
	MBOX->state = WVM_READY;
	for (;;) {
		seq = wait_seq(seq);
		MBOX->state = WVM_RUNNING;
		seq = run_script(seq);
		MBOX->state = WVM_DONE;
	}
}
