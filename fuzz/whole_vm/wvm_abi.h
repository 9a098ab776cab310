/* SPDX-License-Identifier: MIT */
/*
 * The whole-VM fuzz target's ABI between the harness (fuzz/whole_vm/whole_vm.c, on the
 * host) and the agent (fuzz/whole_vm/agent/, a bare-metal guest): where the mailbox and
 * the arenas are in guest memory, and how an input encodes the guest-side actions the
 * agent performs. Both sides include this header; it has no dependencies.
 *
 * Guest memory (8 MiB of RAM at 0x8000_0000, a protected VM):
 *   0x8000_0000  the agent (text, data, stack), under 1 MiB
 *   WVM_MBOX     the mailbox page, then the script (the fuzz input) up to WVM_SCRIPT_MAX
 *   WVM_DMA      WVM_DMA_PAGES pages the agent shares with the host at boot
 *                (MEM_SHARE): virtqueues (one page per queue) then buffers
 *   WVM_PRIV     WVM_PRIV_PAGES pages it never shares at boot (ops may share them)
 *   end - 2 MiB  the device tree (the VMM's)
 *
 * Input format (integers little-endian; reading past the end gives zeros): a sequence of
 * ops, [op:1] % WVM_NR_OPS, each followed by its operands:
 *   0 MMIO_WRITE  [tgt:1][off:2][size:1][val:8]  size = 1 << (size % 4), address aligned
 *   1 MMIO_READ   [tgt:1][off:2][size:1]         down to it; tgt % 8 picks the window:
 *                   0 UART (off % 8), 1..4 virtio-mmio transports 0..3 (off % 4096; the
 *                   VM has 3, so 4 is unclaimed), 5 GIC distributor, 6 GIC
 *                   redistributor (off % 64 KiB), 7 unclaimed low MMIO (0x1000 + off * 8)
 *   2 POKE        [off:4][len:1][bytes:len]      copy into the DMA arena at off % size
 *   3 DRIVER_INIT [dev:1][qlog:1][feat:8]        reset dev % 4, ACK, DRIVER, features,
 *                   FEATURES_OK, every queue the device has (up to 4) with 2 << (qlog % 6)
 *                   entries in its page of the arena, DRIVER_OK
 *   4 VQ_ADD      [dev:1][q:1][n:1] n % 8 + 1 x [off:4][len:2][flags:1]: a chain of
 *                   descriptors on buffers at arena offset off (flags bit 0: device
 *                   writable; bit 1: an out-of-arena address), published and notified
 *   5 HVC         [sel:1][a1:8][a2:8]            a guest hypercall (wvm_hvc_fn() below)
 *   6 SMC         [sel:1][a1:8][a2:8]            the same through SMC
 *   7 TIMER       [which:1][delta:4][ctl:1]      program the virtual (even) or physical
 *                                                (odd) timer: CVAL = now + delta
 *   8 WFI         wait for an interrupt (a timer the input armed; else the input ends)
 *   9 GIC_SYSREG  [which:1][val:8]               ICC_PMR/IGRPEN1/SGI1R write, IAR1 read
 *                                                + EOIR1 write, by which % 4
 *  10 HOST        [kind:1][a:8][b:8]             the agent stops and the harness acts as
 *                                                the host (whole_vm.c: host reads and
 *                                                writes of guest memory, host
 *                                                hypercalls, an SPI), then it goes on
 * At most WVM_MAX_OPS ops run per input. Exceptions the ops provoke (aborts the hyp
 * injects, undefined system registers) are counted and skipped.
 */
#ifndef AVF_FUZZ_WVM_ABI_H
#define AVF_FUZZ_WVM_ABI_H

#include <stdint.h>

#define WVM_RAM_BASE		0x80000000ull
#define WVM_RAM_MIB		8u
#define WVM_MBOX		0x80100000ull
#define WVM_SCRIPT		(WVM_MBOX + 0x1000)
#define WVM_SCRIPT_MAX		0xf000u
#define WVM_DMA			0x80200000ull
#define WVM_DMA_PAGES		64u
#define WVM_DMA_SIZE		(WVM_DMA_PAGES * 4096u)
#define WVM_VQ_PAGES		16u	/* pages 0..15: queue q of device d at page d * 4 + q */
#define WVM_PRIV		(WVM_DMA + WVM_DMA_SIZE)
#define WVM_PRIV_PAGES		16u
#define WVM_MAX_OPS		256u
#define WVM_NR_DEVS		4u	/* transports the ops can address (3 exist) */

/* MMIO windows (the VMM's layout, stack/vmm/layout.h, for one vCPU). */
#define WVM_UART		0x3f8ull
#define WVM_VIRTIO(d)		(0x02000000ull + (uint64_t)(d) * 0x1000)
#define WVM_GICD		0x3fff0000ull
#define WVM_GICR		0x3ffd0000ull
#define WVM_LOW_MMIO		0x1000ull

enum wvm_op {
	WVM_OP_MMIO_WRITE, WVM_OP_MMIO_READ, WVM_OP_POKE, WVM_OP_DRIVER_INIT, WVM_OP_VQ_ADD,
	WVM_OP_HVC, WVM_OP_SMC, WVM_OP_TIMER, WVM_OP_WFI, WVM_OP_GIC_SYSREG, WVM_OP_HOST,
	WVM_NR_OPS
};

/* Mailbox states, written by the agent. */
enum wvm_state {
	WVM_BOOTING = 0,
	WVM_READY,		/* booted, waiting for a script (the snapshot is taken here) */
	WVM_RUNNING,
	WVM_HOST_REQ,		/* host op in host_req; the harness does it, bumps seq */
	WVM_DONE,		/* the script of seq ran to its end */
};

enum wvm_host_kind {
	WVM_HOST_READ, WVM_HOST_WRITE, WVM_HOST_SHARE_HYP, WVM_HOST_UNSHARE_HYP,
	WVM_HOST_RECLAIM, WVM_HOST_UNSHARE_GUEST, WVM_HOST_DONATE, WVM_HOST_SPI,
	WVM_NR_HOST_KINDS
};

/* The mailbox page. The harness writes seq and the script; the agent the rest. */
struct wvm_mbox {
	volatile uint32_t state;	/* enum wvm_state */
	volatile uint32_t seq;		/* bumped by the harness: "go on" */
	volatile uint32_t script_len;
	volatile uint32_t ops_done;
	volatile uint64_t exceptions;	/* synchronous exceptions taken and skipped */
	volatile uint64_t last_esr;
	volatile uint64_t last_elr;
	volatile uint64_t read_acc;	/* MMIO reads folded in (keeps them observable) */
	volatile uint64_t host_req[3];	/* kind, a, b */
	volatile uint64_t dma_shared;	/* boot: pages of the DMA arena MEM_SHARE accepted */
};

/* Guest hypercall ids (pKVM's numbers, PSCI, SMCCC). */
#define WVM_HYP_MEMINFO		0xc6000002u
#define WVM_MEM_SHARE		0xc6000003u
#define WVM_MEM_UNSHARE		0xc6000004u
#define WVM_MMIO_GUARD_INFO	0xc6000005u
#define WVM_MMIO_GUARD_ENROLL	0xc6000006u
#define WVM_MMIO_GUARD_MAP	0xc6000007u
#define WVM_MMIO_GUARD_UNMAP	0xc6000008u
#define WVM_MEM_RELINQUISH	0xc6000009u
#define WVM_PSCI_VERSION	0x84000000u
#define WVM_PSCI_FEATURES	0x8400000au
#define WVM_PSCI_AFFINITY_INFO	0xc4000004u
#define WVM_SMCCC_VERSION	0x80000000u

/* The page of arena index i (0..WVM_DMA_PAGES + WVM_PRIV_PAGES - 1): DMA, then private. */
static inline uint64_t wvm_arena_page(uint64_t i)
{
	i %= WVM_DMA_PAGES + WVM_PRIV_PAGES;
	return i < WVM_DMA_PAGES ? WVM_DMA + i * 4096 : WVM_PRIV + (i - WVM_DMA_PAGES) * 4096;
}

/*
 * The function id of a HVC/SMC op: sel % 16 picks a call; PSCI calls that would end
 * the VM or a CPU (SYSTEM_OFF, SYSTEM_RESET, CPU_OFF, SYSTEM_SUSPEND, CPU_SUSPEND, ...:
 * the 0x84000000/0xc4000000 block) are never produced by the raw selectors, so that an
 * input explores the hyp and the VMM rather than ending the VM.
 */
static inline uint32_t wvm_hvc_fn(uint8_t sel, uint64_t a2)
{
	static const uint32_t fixed[12] = {
		WVM_HYP_MEMINFO, WVM_MEM_SHARE, WVM_MEM_UNSHARE, WVM_MEM_RELINQUISH,
		WVM_MMIO_GUARD_ENROLL, WVM_MMIO_GUARD_MAP, WVM_MMIO_GUARD_UNMAP,
		WVM_MMIO_GUARD_INFO, WVM_PSCI_VERSION, WVM_PSCI_FEATURES,
		WVM_PSCI_AFFINITY_INFO, WVM_SMCCC_VERSION,
	};
	uint32_t fn;

	sel %= 16;
	if (sel < 12)
		return fixed[sel];
	if (sel == 12)		/* the hyp's block, any number (mostly unknown ones) */
		return 0xc6000000u | (uint32_t)(a2 & 0xff) | (uint32_t)(a2 & 0x100) << 21;
	if (sel == 13)		/* the host's ABI, called from a guest */
		return 0xc6000100u + (uint32_t)(a2 % 16);
	fn = (uint32_t)a2;	/* anything else: goes to the VMM */
	if ((fn & 0xbfffffe0u) == 0x84000000u)
		fn = WVM_SMCCC_VERSION;
	return fn;
}

/* The first argument of a hypercall op: an arena page for the memory calls, an MMIO
 * page (or any low page) for the guard calls, the raw value otherwise. */
static inline uint64_t wvm_hvc_arg(uint32_t fn, uint64_t a1)
{
	switch (fn) {
	case WVM_MEM_SHARE:
	case WVM_MEM_UNSHARE:
	case WVM_MEM_RELINQUISH:
		/* bit 63: also a misaligned address, which the hyp must refuse */
		return wvm_arena_page(a1 & 0xff) + ((a1 >> 63) ? ((a1 >> 8) & 0xfff) : 0);
	case WVM_MMIO_GUARD_MAP:
	case WVM_MMIO_GUARD_UNMAP:
		switch (a1 % 8) {
		case 0: return 0;
		case 1: case 2: case 3: case 4: return WVM_VIRTIO(a1 % 8 - 1);
		case 5: return WVM_GICD;
		case 6: return wvm_arena_page(a1 >> 8);
		default: return (a1 >> 8) & 0xffffffffull;
		}
	default:
		return a1;
	}
}

#endif /* AVF_FUZZ_WVM_ABI_H */
