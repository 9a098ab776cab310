// SPDX-License-Identifier: MIT
/*
 * Whole-VM fuzz target: a protected VM running the agent (agent/) on the sim, through
 * the VMM library and the hyp, booted once and snapshotted; each input restores the
 * snapshot and is replayed by the agent as guest-side actions (wvm_abi.h) with host
 * actions in between (host_ops.c). Oracles: oracles.c, plus ASan/UBSan and the VM not
 * ending (the agent cannot power off; a VMM error or a crash report is a finding).
 *
 * Per input: restore (snapshot.c), write the script into the mailbox through the hyp's
 * view, wake the agent by moving virtual time, then run VMM turns until the agent says
 * DONE, serving its host requests, for at most MAX_TURNS turns. An input whose agent
 * waits in WFI with nothing armed (a WFI op without a timer) ends there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz/whole_vm/whole_vm.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const uint8_t wvm_agent_elf[], wvm_agent_elf_end[];

#define MAX_TURNS	64
/* An input stops after this many guest instructions (the agent spinning, e.g. waiting
 * in WFI with an interrupt pending that it never takes). */
#define MAX_INSNS	2000000u
#define BOOT_TURNS	10000

static struct wvm W;

static _Noreturn void die(const char *what, int err)
{
	fprintf(stderr, "whole_vm: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* A memfd holding bytes, and its /proc path (the VMM opens images and disks by path). */
static int memfd_with(const char *name, const void *buf, size_t len, char *path, size_t n)
{
	int fd = memfd_create(name, 0);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
		die("memfd", errno);
	snprintf(path, n, "/proc/self/fd/%d", fd);
	return fd;
}

static struct hyp_vm *find_vm(struct hyp *h, uint32_t handle)
{
	for (unsigned i = 0; i < HYP_MAX_VMS; i++)
		if (h->vms[i] && h->vms[i]->handle == handle)
			return h->vms[i];
	die("our VM is not in the hyp's table", ENOENT);
}

static void create_vm(struct wvm *w)
{
	static char kernel[64], disk[64];
	struct vmm_host_config hc = {
		.backend = "sim", .seed = 1,
		.phys_mib = WVM_RAM_MIB + 4 + vmm_host_overhead_mib(WVM_RAM_MIB, 1, true),
	};
	struct vmm_config vc = {
		.name = "wvm", .nr_vcpus = 1, .mem_mib = WVM_RAM_MIB, .protected_vm = true,
		.kernel = kernel, .kind = VMM_IMAGE_ELF,
		/* WVM_CONSOLE=FILE keeps what the guest printed (debugging seeds). */
		.console_out = getenv("WVM_CONSOLE") ? getenv("WVM_CONSOLE") : "/dev/null",
		.disks = { { .path = disk } }, .nr_disks = 1, .rng = true,
	};
	hal_pa_t base;
	uint64_t size;
	int err;

	memfd_with("wvm-agent", wvm_agent_elf, (size_t)(wvm_agent_elf_end - wvm_agent_elf),
		   kernel, sizeof(kernel));
	for (unsigned i = 0; i < WVM_DISK_SIZE; i++)
		w->disk_init[i] = (uint8_t)(i * 7 + i / 512);
	w->disk_fd = memfd_with("wvm-disk", w->disk_init, WVM_DISK_SIZE, disk, sizeof(disk));
	err = vmm_host_create(&hc, &w->host);
	if (err)
		die("vmm_host_create", err);
	err = vmm_create(w->host, &vc, &w->v);
	if (err)
		die("vmm_create", err);
	w->h = w->host->h;
	w->m = w->host->m;
	w->hvm = find_vm(w->h, w->v->handle);
	hal_machine_memory(w->m, &base, &size);
	w->base_pfn = base.pa >> 12;
	w->nr_pfns = size >> 12;
	w->mbox = hal_phys_ptr(w->m, hal_pa(vmm_mem_pfn(w->v, WVM_MBOX) << 12), 4096, true);
	w->script = hal_phys_ptr(w->m, hal_pa(vmm_mem_pfn(w->v, WVM_SCRIPT) << 12),
				 WVM_SCRIPT_MAX, true);
	if (!w->mbox || !w->script)
		die("mailbox outside memory", EFAULT);
	/* The script's pages must be contiguous in the host too (one hyp-view pointer). */
	for (uint64_t off = 0; off < WVM_SCRIPT_MAX; off += 4096)
		if (vmm_mem_pfn(w->v, WVM_SCRIPT + off) != vmm_mem_pfn(w->v, WVM_SCRIPT) + off / 4096)
			die("the script pages are not contiguous", EINVAL);
}

/* One VMM turn; a VM that ended is a finding (the agent never powers off). */
static void turn(struct wvm *w, bool *idle)
{
	enum vmm_end end = VMM_END_SHUTDOWN;
	int rc = vmm_run_turn(w->v, idle, &end);

	w->turns++;
	if (rc < 0)
		wvm_violation("vmm_run_turn: %s", strerror(-rc));
	if (rc == 1) {
		w->ended++;
		wvm_violation("the VM ended (%s): %s", vmm_end_name(end), vmm_error(w->v));
	}
}

/* Wake an idle agent: move virtual time to the next timer. false: nothing is armed. */
static bool wake(struct wvm *w)
{
	int err = vmm_host_advance_idle(w->host);

	if (err && err != -ENOENT)
		wvm_violation("vmm_host_advance_idle: %s", strerror(-err));
	return !err;
}

static void boot(struct wvm *w)
{
	bool idle = false;

	for (unsigned i = 0; i < BOOT_TURNS; i++) {
		if (idle && !wake(w))
			break;
		turn(w, &idle);
		if (w->mbox->state == WVM_READY && idle)
			return;
	}
	fprintf(stderr, "whole_vm: the agent did not become ready (state %u): %s\n",
		w->mbox->state, vmm_error(w->v));
	exit(1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int err;

	create_vm(&W);
	wvm_oracles_install(&W);
	boot(&W);
	if (W.mbox->dma_shared != WVM_DMA_PAGES) {
		fprintf(stderr, "whole_vm: the agent shared %llu of %u DMA pages\n",
			(unsigned long long)W.mbox->dma_shared, WVM_DMA_PAGES);
		exit(1);
	}
	err = wvm_snapshot(&W);
	if (err)
		die("snapshot", err);
	return 0;
}

static void run_input(struct wvm *w)
{
	uint32_t seq = 1;
	bool idle = true;

	for (unsigned t = 0; t < MAX_TURNS && w->v->insns < MAX_INSNS; t++) {
		if (idle && !wake(w)) {
			w->hung++;
			return;
		}
		turn(w, &idle);
		switch (w->mbox->state) {
		case WVM_DONE:
			return;
		case WVM_HOST_REQ:
			if (w->mbox->seq != seq)
				break;
			wvm_host_op(w);
			w->mbox->seq = ++seq;
			idle = true;
			break;
		default:
			break;
		}
	}
}

/*
 * WVM_BREAK=host_view: after each restore, wrongly give the host access to the agent's
 * private arena, as a broken hyp or HAL would. Only for the harness's own test
 * (harness/test_whole_vm.py), which checks that the oracles then fire: the device
 * oracle when a descriptor points there, the ownership check otherwise.
 */
static void sabotage(struct wvm *w)
{
	static int mode = -1;

	if (mode < 0) {
		const char *s = getenv("WVM_BREAK");

		mode = s && !strcmp(s, "host_view");
	}
	if (!mode)
		return;
	for (unsigned i = 0; i < WVM_PRIV_PAGES; i++)
		hal_host_set_access(w->m, hal_pa(vmm_mem_pfn(w->v, WVM_PRIV + i * 4096ull) << 12),
				    4096, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!W.v)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size > WVM_SCRIPT_MAX)
		size = WVM_SCRIPT_MAX;
	wvm_restore(&W);
	sabotage(&W);
	memcpy(W.script, data, size);
	W.mbox->script_len = (uint32_t)size;
	W.mbox->seq = 1;
	W.inputs++;
	run_input(&W);
	W.insns += W.v->insns;
	if (getenv("WVM_TRACE"))	/* one line per input: what the agent got through */
		fprintf(stderr, "whole_vm: state %u, %u ops, %llu exceptions (last ESR %#llx at %#llx), "
			"%llu guest instructions\n", W.mbox->state, W.mbox->ops_done,
			(unsigned long long)W.mbox->exceptions,
			(unsigned long long)W.mbox->last_esr, (unsigned long long)W.mbox->last_elr,
			(unsigned long long)W.v->insns);
	wvm_check_ownership(&W);
	return 0;
}

/* WVM_STATS=1: what the inputs did, at exit (how deep the fuzzer gets). */
static void __attribute__((destructor)) print_stats(void)
{
	const char *s = getenv("WVM_STATS");

	if (s && *s == '1' && W.inputs)
		fprintf(stderr, "whole_vm: %llu inputs, %llu turns, %llu host ops, %llu device "
			"faults, %llu hung in WFI, %llu guest instructions\n", (unsigned long long)W.inputs,
			(unsigned long long)W.turns, (unsigned long long)W.host_ops,
			(unsigned long long)W.dev_faults, (unsigned long long)W.hung,
			(unsigned long long)W.insns);
}
