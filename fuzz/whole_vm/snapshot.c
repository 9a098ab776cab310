// SPDX-License-Identifier: MIT
/*
 * Snapshot and restore of the whole system under the fuzzer.
 *
 * The machine (CPU, GIC, timers, clock, random stream, RAM) is the HAL's snapshot,
 * hal_machine_snapshot(): copy-on-write on the sim, so a restore costs the pages the
 * input wrote. What lives outside the machine is captured here:
 *   - the hyp's records: the page array, the pool's free stack, our VM's record (its
 *     stage-2 tables are in machine memory, restored with it);
 *   - the HAL's host view (which pages the host may touch) and each vCPU's pending exit,
 *     which the sim backend keeps outside the sim machine;
 *   - the VMM: the virtio transports (a device reset returns each to the state it had at
 *     the snapshot, where the agent had not touched them), the UART's registers, the
 *     disk image's bytes, the run loop's generator and end state.
 * The set of VMs and vCPUs never changes after the snapshot (host ops that would create
 * or destroy one are not offered).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/whole_vm/whole_vm.h"

static const uint8_t uart_regs[] = { UART_IER, UART_LCR, UART_MCR, UART_SCR };

static void uart_save(struct wvm *w)
{
	uint64_t val;

	for (unsigned i = 0; i < sizeof(uart_regs); i++) {
		uart16550_read(w->v->uart, uart_regs[i], 1, &val);
		w->snap.uart[i] = (uint8_t)val;
	}
	uart16550_write(w->v->uart, UART_LCR, 1, w->snap.uart[1] | UART_LCR_DLAB);
	uart16550_read(w->v->uart, UART_DLL, 1, &val);
	w->snap.uart[4] = (uint8_t)val;
	uart16550_read(w->v->uart, UART_DLM, 1, &val);
	w->snap.uart[5] = (uint8_t)val;
	uart16550_write(w->v->uart, UART_LCR, 1, w->snap.uart[1]);
}

static void uart_restore(struct wvm *w)
{
	struct uart16550 *u = w->v->uart;
	uint64_t val;

	uart16550_write(u, UART_LCR, 1, UART_LCR_DLAB);
	uart16550_write(u, UART_DLL, 1, w->snap.uart[4]);
	uart16550_write(u, UART_DLM, 1, w->snap.uart[5]);
	uart16550_write(u, UART_LCR, 1, w->snap.uart[1] & ~UART_LCR_DLAB);
	uart16550_write(u, UART_FCR, 1, UART_FCR_CLR_RX | UART_FCR_CLR_TX);
	for (unsigned i = 0; i < 4; i++)	/* drain whatever the RX FIFO holds */
		uart16550_read(u, UART_RBR, 1, &val);
	uart16550_write(u, UART_IER, 1, w->snap.uart[0]);
	uart16550_write(u, UART_MCR, 1, w->snap.uart[2]);
	uart16550_write(u, UART_SCR, 1, w->snap.uart[3]);
}

static bool bit(const uint64_t *map, uint64_t i)
{
	return map[i / 64] >> (i % 64) & 1;
}

int wvm_snapshot(struct wvm *w)
{
	struct wvm_snap *s = &w->snap;
	struct hyp *h = w->h;
	int err;

	s->pages = malloc(h->nr_pfns * sizeof(*s->pages));
	s->pool_free = malloc((h->pool.nr_pages ? h->pool.nr_pages : 1) * sizeof(uint64_t));
	s->host_access = calloc((w->nr_pfns + 63) / 64, sizeof(uint64_t));
	if (!s->pages || !s->pool_free || !s->host_access)
		return -ENOMEM;
	err = hal_machine_snapshot(w->m);
	if (err)
		return err;
	memcpy(s->pages, h->pages, h->nr_pfns * sizeof(*s->pages));
	memcpy(s->pool_free, h->pool.free, h->pool.nr_free * sizeof(uint64_t));
	s->pool_nr_free = h->pool.nr_free;
	s->vm = *w->hvm;
	for (uint64_t i = 0; i < w->nr_pfns; i++)
		if (hal_host_can_access(w->m, hal_pa((w->base_pfn + i) << 12)))
			s->host_access[i / 64] |= 1ull << (i % 64);
	s->rr_state = w->v->rr_state;
	uart_save(w);
	return 0;
}

static void restore_devices(struct wvm *w)
{
	for (unsigned i = 0; i < w->v->nr_devs; i++)
		virtio_mmio_write(w->v->devs[i].t, VIRTIO_MMIO_STATUS, 4, 0);
	uart_restore(w);
	if (pwrite(w->disk_fd, w->disk_init, WVM_DISK_SIZE, 0) != WVM_DISK_SIZE)
		wvm_violation("restore: rewriting the disk image failed");
	vmm_devices_drain_console(w->v);
}

static void restore_hyp(struct wvm *w)
{
	struct hyp *h = w->h;
	struct hyp_lock lock = w->hvm->lock;

	memcpy(h->pages, w->snap.pages, h->nr_pfns * sizeof(*h->pages));
	memcpy(h->pool.free, w->snap.pool_free, w->snap.pool_nr_free * sizeof(uint64_t));
	h->pool.nr_free = w->snap.pool_nr_free;
	*w->hvm = w->snap.vm;
	w->hvm->lock = lock;
}

static void restore_access(struct wvm *w, uint64_t pfn)
{
	hal_pa_t pa = hal_pa(pfn << 12);
	uint64_t i = pfn - w->base_pfn;
	bool want;

	if (pfn < w->base_pfn || i >= w->nr_pfns)
		return;
	want = bit(w->snap.host_access, i);
	if (hal_host_can_access(w->m, pa) != want && hal_host_set_access(w->m, pa, 4096, want))
		wvm_violation("restore: host view of page %#llx", (unsigned long long)pa.pa);
}

/*
 * The hyp changes the host view only in a transition, which also changes the page's
 * record: so the pages to write back are those whose record differs from the snapshot
 * (compared 64 at a time), plus those a host op named. Runs before restore_hyp().
 */
static void restore_host_view(struct wvm *w)
{
	const struct hyp_page *now = w->h->pages, *then = w->snap.pages;
	uint64_t n = w->h->nr_pfns;

	for (uint64_t i = 0; i < n; i += 64) {
		uint64_t k = n - i < 64 ? n - i : 64;

		if (!memcmp(now + i, then + i, k * sizeof(*now)))
			continue;
		for (uint64_t j = i; j < i + k; j++)
			if (memcmp(now + j, then + j, sizeof(*now)))
				restore_access(w, w->h->base_pfn + j);
	}
	for (unsigned i = 0; i < w->nr_touched; i++)
		restore_access(w, w->touched[i]);
}

static void restore_vmm(struct wvm *w)
{
	struct vmm *v = w->v;

	v->ended = false;
	v->end = VMM_END_SHUTDOWN;
	v->error[0] = 0;
	v->run_err = 0;
	v->rr_state = w->snap.rr_state;
	v->insns = 0;
	for (unsigned i = 0; i < v->nr_vcpus; i++)
		v->vcpus[i].idle = true;
}

void wvm_restore(struct wvm *w)
{
	int err;

	restore_devices(w);
	err = hal_machine_restore(w->m);
	if (err)
		wvm_violation("restore: hal_machine_restore: %s", strerror(-err));
	/* The sim backend keeps each vCPU's last exit outside the machine: forget it, or
	 * the next run would "complete" an MMIO read or hypercall of the previous input
	 * into the restored registers. */
	for (unsigned i = 0; i < w->hvm->nr_vcpus; i++)
		hal_vcpu_exit(w->hvm->vcpus[i].hv)->kind = HAL_EXIT_NONE;
	restore_host_view(w);
	restore_hyp(w);
	restore_vmm(w);
	w->nr_touched = 0;
}
