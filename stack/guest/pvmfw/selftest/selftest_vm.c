// SPDX-License-Identifier: Apache-2.0
/*
 * A minimal VMM for one protected VM, for pvmfw-selftest: the real hyp on a HAL backend,
 * the firmware region and RAM donated at the layout's addresses (stack/vmm/layout.h),
 * the DT and payload written by the host before it gives the pages away, pvmfw loaded
 * by the hyp, and a run loop that emulates the 16550 console and answers the guest's
 * hypercalls (recording the reboot-reason channel and the test payload's reports).
 */
#include "stack/guest/pvmfw/selftest/selftest.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stack/guest/include/avf_hvc.h"
#include "stack/vmm/layout.h"

#define PHYS_BASE	0x40000000ull
#define PHYS_SIZE	(32ull << 20)
#define POOL_PAGES	256ull
#define POOL_BASE	(PHYS_BASE + PHYS_SIZE - POOL_PAGES * 4096)
#define RUN_PFN		((PHYS_BASE >> 12) + 1)
#define FW_PFN		((PHYS_BASE >> 12) + 16)
#define RAM_PFN		((PHYS_BASE >> 12) + 2048)
#define RAM_PAGES	(ST_RAM_SIZE >> 12)
#define MAX_RUNS	20000	/* x 1M instructions: far more than a boot needs */

static int fail(struct st_outcome *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->error, sizeof(out->error), fmt, ap);
	va_end(ap);
	return -1;
}

static int64_t call(struct st_vm *vm, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
		    uint64_t a4, uint64_t a5)
{
	return hyp_call(vm->h, fn, a1, a2, a3, a4, a5, 0, NULL);
}

/* Host page for guest address @ipa, or 0. */
static uint64_t host_pfn(const struct st_vm *vm, uint64_t ipa)
{
	if (ipa >= VMM_FW_BASE && ipa < VMM_FW_BASE + vm->fw_pages * 4096)
		return FW_PFN + ((ipa - VMM_FW_BASE) >> 12);
	if (ipa >= VMM_RAM_BASE && ipa < VMM_RAM_BASE + ST_RAM_SIZE)
		return RAM_PFN + ((ipa - VMM_RAM_BASE) >> 12);
	return 0;
}

static int host_put(struct st_vm *vm, uint64_t ipa, const void *data, size_t size,
		    struct st_outcome *out)
{
	if (!host_pfn(vm, ipa) || !host_pfn(vm, ipa + size - 1))
		return fail(out, "placing %zu bytes at %#" PRIx64 ": outside the VM", size, ipa);
	if (hal_host_write(vm->m, hal_pa((host_pfn(vm, ipa) << 12) | (ipa & 0xfff)), data, size,
			   NULL))
		return fail(out, "host write at %#" PRIx64 " failed", ipa);
	return 0;
}

static int donate(struct st_vm *vm, uint64_t pfn, uint64_t ipa, uint64_t pages,
		  struct st_outcome *out)
{
	for (uint64_t i = 0; i < pages; i++)
		if (call(vm, HYP_HOST_DONATE_GUEST, pfn + i, vm->handle, (ipa >> 12) + i, 0, 0))
			return fail(out, "donate page %" PRIu64 " at %#" PRIx64, i, ipa);
	return 0;
}

static int build_vm(struct st_vm *vm, const struct st_vm_setup *s, struct st_outcome *out)
{
	uint64_t handle;

	if (hyp_call(vm->h, HYP_HOST_INIT_VM, HYP_VM_PROTECTED, 1, VMM_IPA_BITS, VMM_GICD_BASE,
		     VMM_GICR_BASE(1), VMM_NR_SPIS, &handle))
		return fail(out, "init vm");
	vm->handle = (uint32_t)handle;
	if (donate(vm, FW_PFN, VMM_FW_BASE, vm->fw_pages, out))
		return -1;
	if (call(vm, HYP_HOST_LOAD_FIRMWARE, vm->handle, VMM_FW_BASE >> 12, vm->fw_pages, 0, 0))
		return fail(out, "load firmware");
	/* The host writes the DT and the payload, then gives RAM away: it keeps no access. */
	if (s->dtb && host_put(vm, s->dtb_addr, s->dtb, s->dtb_size, out))
		return -1;
	if (s->payload && host_put(vm, s->payload_addr, s->payload, s->payload_size, out))
		return -1;
	if (donate(vm, RAM_PFN, VMM_RAM_BASE, RAM_PAGES, out))
		return -1;
	if (call(vm, HYP_HOST_SHARE_HYP, RUN_PFN, 0, 0, 0, 0) ||
	    call(vm, HYP_HOST_INIT_VCPU, vm->handle, 0, RUN_PFN, VMM_RAM_BASE, s->boot_x0) ||
	    call(vm, HYP_HOST_VCPU_LOAD, vm->handle, 0, 0, 0, 0))
		return fail(out, "vcpu setup");
	return 0;
}

int st_vm_create(const char *backend, const struct st_vm_setup *s, struct st_vm *vm,
		 struct st_outcome *out)
{
	const struct hal_ops *ops = hal_backend_find(backend);
	struct hal_machine_config mc = { .phys_base = PHYS_BASE, .phys_size = PHYS_SIZE,
					 .seed = 7 };
	struct hyp_config hc = { .pool_base = hal_pa(POOL_BASE), .pool_pages = POOL_PAGES,
				 .pvmfw = s->firmware, .pvmfw_size = s->firmware_size };

	memset(vm, 0, sizeof(*vm));
	memset(out, 0, sizeof(*out));
	out->reason = -1;
	vm->fw_pages = s->fw_pages;
	if (!ops)
		return fail(out, "no backend %s", backend);
	if (FW_PFN + s->fw_pages > RAM_PFN)
		return fail(out, "firmware of %" PRIu64 " pages does not fit", s->fw_pages);
	if (hal_machine_create(ops, &mc, &vm->m))
		return fail(out, "machine: %s", hal_error(NULL));
	if (hyp_init(vm->m, &hc, &vm->h))
		return fail(out, "hyp init");
	return build_vm(vm, s, out);
}

/* The 16550: THR writes are console bytes, LSR reads say "ready", the rest reads 0. */
static uint64_t uart_access(struct st_outcome *out, const struct hyp_vcpu_run *r)
{
	uint64_t reg = r->mmio.ipa - VMM_UART_BASE;

	if (r->mmio.is_write) {
		if (reg == 0 && out->console_len + 1 < sizeof(out->console))
			out->console[out->console_len++] = (char)r->mmio.data;
		return 0;
	}
	return reg == 5 ? 0x60 : 0;
}

/* Answer a forwarded hypercall; returns x0 for the guest. */
static uint64_t hypercall(struct st_outcome *out, const struct hyp_vcpu_run *r)
{
	uint32_t fn = (uint32_t)r->hypercall.args[0];

	if (fn == AVF_HVC_PVMFW_REBOOT_REASON) {
		out->reason = (int)r->hypercall.args[1];
		out->nr_reason_calls++;
		return AVF_SMCCC_SUCCESS;
	}
	if (fn == AVF_HVC_PAYLOAD_READY) {
		out->nr_ready++;
		return AVF_SMCCC_SUCCESS;
	}
	if (fn == AVF_HVC_PAYLOAD_FINISHED) {
		out->finished = true;
		out->exit_code = (int64_t)r->hypercall.args[1];
		return AVF_SMCCC_SUCCESS;
	}
	if (fn == AVF_HVC_PAYLOAD_ERROR_TEXT) {
		uint64_t off = r->hypercall.args[1];

		for (unsigned i = 0; i < 40 && off + i < sizeof(out->error_text) - 1; i++)
			out->error_text[off + i] = (char)(r->hypercall.args[2 + i / 8] >> (8 * (i % 8)));
		return AVF_SMCCC_SUCCESS;
	}
	if (fn == AVF_HVC_PAYLOAD_ERROR) {
		out->nr_errors++;
		out->error_code = (int64_t)r->hypercall.args[1];
		if (r->hypercall.args[2] < sizeof(out->error_text))
			out->error_text[r->hypercall.args[2]] = 0;
		return AVF_SMCCC_SUCCESS;
	}
	if (fn == ST_REPORT && out->nr_reports < 2) {
		memcpy(out->reports[out->nr_reports++], r->hypercall.args, 7 * sizeof(uint64_t));
		return AVF_SMCCC_SUCCESS;
	}
	return AVF_SMCCC_NOT_SUPPORTED;
}

/* The one vCPU waits in WFI: on a virtual clock, jump to the next timer deadline (as
 * the VMM's scheduler does); with none armed the guest is hung. Elsewhere the backend
 * blocks in WFI itself, and an idle exit just means "run again". */
static int idle(struct st_vm *vm, struct st_outcome *out)
{
	uint64_t deadline;

	if (!hal_capability(vm->m, HAL_CAP_VIRTUAL_TIME))
		return 0;
	if (hal_clock_next_deadline(vm->m, &deadline))
		return fail(out, "hal_clock_next_deadline failed");
	if (deadline == UINT64_MAX)
		return fail(out, "the guest is hung: WFI with no timer armed");
	if (deadline > hal_clock_ns(vm->m) && hal_clock_advance(vm->m, deadline))
		return fail(out, "hal_clock_advance failed");
	return 0;
}

void st_vm_run(struct st_vm *vm, struct st_outcome *out)
{
	const hal_pa_t run_pa = hal_pa(RUN_PFN << 12);
	struct hyp_vcpu_run r;

	for (unsigned i = 0; i < MAX_RUNS && !out->ended; i++) {
		if (call(vm, HYP_HOST_VCPU_RUN, 1000000, 0, 0, 0, 0) ||
		    hal_host_read(vm->m, run_pa, &r, sizeof(r), NULL)) {
			fail(out, "VCPU_RUN failed");
			return;
		}
		switch (r.exit_reason) {
		case HYP_EXIT_MMIO:
			if (r.mmio.ipa < VMM_UART_BASE ||
			    r.mmio.ipa >= VMM_UART_BASE + VMM_UART_SIZE) {
				fail(out, "MMIO at %#" PRIx64 " (no device there)", r.mmio.ipa);
				return;
			}
			r.mmio.data = uart_access(out, &r);
			break;
		case HYP_EXIT_HYPERCALL:
			r.hypercall.ret[0] = hypercall(out, &r);
			break;
		case HYP_EXIT_SYSTEM_EVENT:
			out->ended = true;
			out->event = r.system_event.type;
			return;
		case HYP_EXIT_IDLE:
			if (idle(vm, out))
				return;
			continue;
		case HYP_EXIT_PREEMPTED:
			continue;
		default:
			fail(out, "unexpected exit %u", r.exit_reason);
			return;
		}
		if (hal_host_write(vm->m, run_pa, &r, sizeof(r), NULL)) {
			fail(out, "writing the run page failed");
			return;
		}
	}
	if (!out->ended && !out->error[0])
		fail(out, "the VM did not stop within %u runs", MAX_RUNS);
}

const uint8_t *st_vm_guest_ptr(struct st_vm *vm, uint64_t ipa, uint64_t len)
{
	uint64_t pfn = host_pfn(vm, ipa), last = host_pfn(vm, ipa + len - 1);

	/* Each region is backed by consecutive host pages: both ends in the same one. */
	if (!len || !pfn || !last || last - pfn != ((ipa + len - 1) >> 12) - (ipa >> 12))
		return NULL;
	return hal_phys_ptr(vm->m, hal_pa((pfn << 12) | (ipa & 0xfff)), len, false);
}

static bool region_contains(const uint8_t *p, size_t size, const uint8_t *s, size_t len)
{
	for (size_t i = 0; i + len <= size; i++)
		if (p[i] == s[0] && !memcmp(p + i, s, len))
			return true;
	return false;
}

bool st_vm_memory_contains(struct st_vm *vm, const uint8_t *secret, size_t len)
{
	const uint8_t *fw = st_vm_guest_ptr(vm, VMM_FW_BASE, vm->fw_pages * 4096);
	const uint8_t *ram = st_vm_guest_ptr(vm, VMM_RAM_BASE, ST_RAM_SIZE);

	return !fw || !ram || region_contains(fw, vm->fw_pages * 4096, secret, len) ||
	       region_contains(ram, ST_RAM_SIZE, secret, len);
}

void st_vm_destroy(struct st_vm *vm)
{
	if (vm->h && vm->handle) {
		call(vm, HYP_HOST_VCPU_PUT, 0, 0, 0, 0, 0);
		call(vm, HYP_HOST_START_TEARDOWN, vm->handle, 0, 0, 0, 0);
		for (uint64_t i = 0; i < vm->fw_pages; i++)
			call(vm, HYP_HOST_RECLAIM_PAGE, FW_PFN + i, 0, 0, 0, 0);
		for (uint64_t i = 0; i < RAM_PAGES; i++)
			call(vm, HYP_HOST_RECLAIM_PAGE, RAM_PFN + i, 0, 0, 0, 0);
		call(vm, HYP_HOST_FINALIZE_TEARDOWN, vm->handle, 0, 0, 0, 0);
	}
	hyp_destroy(vm->h);
	hal_machine_destroy(vm->m);
	memset(vm, 0, sizeof(*vm));
}
