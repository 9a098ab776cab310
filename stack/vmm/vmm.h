/* SPDX-License-Identifier: MIT */
/*
 * vmm: a crosvm-like virtual machine monitor. One VM per struct vmm; in a deployment one
 * `avf-vmm` process per VM (as AVF forks crosvm), or several in one process sharing one
 * host for deterministic multi-VM simulation.
 *
 * A vmm_host is the machine the VMMs run on: the HAL machine, the hyp on it, and the
 * host's allocator of the physical pages it still owns. A vmm is one VM on that host:
 * guest memory (donated for protected VMs, shared otherwise), the FDT, the loaded images,
 * the devices (16550 UART, virtio-mmio console/blk/vsock/net/rng) and the vCPU loops.
 * docs/VMM.md describes the memory map, the boot protocols and the process model.
 *
 * Errors are -errno; the step that failed is logged once by the layer that knows it
 * ("vmm: NAME: load kernel: ...") and kept in vmm_error().
 *
 * Threads: vmm_host_* and vmm_create/vmm_destroy are called by one thread at a time per
 * host. vmm_run() runs one VM on the calling thread (plus one thread per vCPU where the
 * backend runs vCPUs in parallel, HAL_CAP_THREADED_VCPUS). vmm_stop() may be called from
 * any thread or a signal handler.
 */
#ifndef AVF_VMM_H
#define AVF_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vmm_host;
struct vmm;

struct vmm_host_config {
	const char *backend;		/* "sim" (default) or "kvm" */
	uint64_t phys_mib;		/* physical memory of the machine (> 0) */
	uint64_t seed;			/* deterministic backends */
	const void *pvmfw;		/* firmware image the hyp loads into protected VMs */
	size_t pvmfw_size;		/* at most VMM_FW_SIZE; 0: protected VMs boot their
					 * payload directly (crosvm's "without firmware") */
	bool check_spec;		/* check the hyp against its executable spec */
	const char *trace_path;
};

/*
 * Create the machine, start the hyp with its page pool at the top of physical memory,
 * and hand the rest to the host's allocator. 0, or -EINVAL (bad configuration), -ENODEV
 * / -EOPNOTSUPP (backend unavailable), -ENOMEM. Errors are logged ("vmm: host: ...").
 */
int vmm_host_create(const struct vmm_host_config *cfg, struct vmm_host **out);
/* Destroy the host. Every VM must have been destroyed (else it is logged and leaked). */
void vmm_host_destroy(struct vmm_host *host);
/* Pages the host's allocator holds (free), and the hyp's free pool pages. */
uint64_t vmm_host_free_pages(struct vmm_host *host);
uint64_t vmm_host_pool_free(struct vmm_host *host);
/* Physical memory a VM of mem_mib MiB needs on the host beyond its RAM (firmware, run
 * pages, the hyp's tables), in MiB, rounded up: for sizing vmm_host_config.phys_mib. */
uint64_t vmm_host_overhead_mib(uint64_t mem_mib, unsigned nr_vcpus, bool protected_vm);

enum vmm_image_kind {
	VMM_IMAGE_AUTO,		/* detect: ELF, arm64 Image, else raw */
	VMM_IMAGE_ELF,
	VMM_IMAGE_LINUX,	/* arm64 Linux Image (header, text offset, 2 MiB alignment) */
	VMM_IMAGE_RAW,		/* raw bytes at load_addr */
};

#define VMM_MAX_DISKS 4

struct vmm_disk {
	const char *path;	/* raw image file */
	bool read_only;
};

/*
 * What the payload's runtime reported on the VM-to-host channel (avf_hvc.h,
 * docs/RUNTIME.md): the same three events AVF's VM service delivers.
 */
enum vmm_payload_kind {
	VMM_PAYLOAD_READY,		/* PAYLOAD_READY */
	VMM_PAYLOAD_FINISHED,		/* PAYLOAD_FINISHED: code is the exit code */
	VMM_PAYLOAD_ERROR,		/* PAYLOAD_ERROR: code and message */
};

#define VMM_PAYLOAD_MESSAGE_MAX 256

struct vmm_payload_event {
	enum vmm_payload_kind kind;
	int32_t code;			/* FINISHED, ERROR; 0 for READY */
	/* ERROR: the text the guest sent (PAYLOAD_ERROR_TEXT), NUL-terminated, at most
	 * VMM_PAYLOAD_MESSAGE_MAX bytes; bytes that are not printable ASCII (a newline, a
	 * NUL) are replaced by '?'. "" otherwise. */
	char message[VMM_PAYLOAD_MESSAGE_MAX + 1];
};

struct vmm_config {
	const char *name;		/* shown in logs, in `ps`, and in /avf/vm-name */
	unsigned nr_vcpus;		/* 1..64 */
	uint64_t mem_mib;		/* guest RAM, at VMM_RAM_BASE; at least 4 */
	bool protected_vm;		/* memory donated, pvmfw boots first, MMIO guard */
	const char *kernel;		/* image path (the payload for protected VMs) */
	enum vmm_image_kind kind;
	uint64_t load_addr;		/* raw images: IPA inside RAM; 0: RAM base */
	const char *initrd;
	const char *bootargs;
	const char *console_out;	/* file for the virtio console + UART ("-" or NULL =
					 * stdout) */
	struct vmm_disk disks[VMM_MAX_DISKS];
	unsigned nr_disks;
	uint32_t vsock_cid;		/* 0: no vsock device */
	const char *vsock_uds;		/* host-side Unix socket path (Firecracker style) */
	const char *net_switch;		/* user-space L2 switch socket, or NULL */
	const char *net_tap;		/* TAP device name, or NULL */
	const char *pcap;		/* capture of the net device's frames, or NULL */
	bool rng;			/* virtio-rng fed from the machine's entropy */
	uint64_t instance_id;		/* passed in the /avf node */
	bool debug;			/* debug level for the guest (/avf/debug) */
	/* Stop with VMM_END_TIMEOUT after this many guest instructions (0: no limit).
	 * Needs a backend that counts them (HAL_CAP_VIRTUAL_TIME): -EOPNOTSUPP elsewhere. */
	uint64_t max_insns;

	/*
	 * Hooks for whoever embeds the VMM (the scenario runner, tests). Each is optional
	 * (NULL: not called) and gets hook_ctx. They run on the thread that handled the
	 * guest's exit: a vCPU thread on threaded backends, so they must lock what they
	 * share; they must not call vmm_run()/vmm_destroy() on this VM (vmm_stop(),
	 * vmm_read_guest() and vmm_write_guest() are fine).
	 *
	 * on_payload: the runtime reported ready / finished / error. Called in the order
	 * the guest made the calls, before the relay line is written (below).
	 *
	 * on_hypercall: a guest call in AVF_HVC_BASE + 5 .. AVF_HVC_BASE + 0xff that the
	 * VMM itself does not answer, or AVF_HVC_TEST_MARK / AVF_HVC_TEST_WAIT (which it
	 * does answer when no hook takes them: MARK is logged as "vmm: NAME: mark N" and
	 * answered 0, WAIT is answered 0 = released, so a scenario script runs to its end
	 * under a plain avf-vmm). fn is the function id, a1..a3 the guest's x1..x3.
	 * Return 1 when handled, with *x0 the guest's result; 0 to decline (the guest then
	 * gets NOT_SUPPORTED, or the default above for MARK and WAIT). For MARK the log
	 * line is written before the hook is asked.
	 */
	void *hook_ctx;
	void (*on_payload)(void *ctx, struct vmm *v, const struct vmm_payload_event *ev);
	int (*on_hypercall)(void *ctx, struct vmm *v, unsigned vcpu_index, uint32_t fn,
			    uint64_t a1, uint64_t a2, uint64_t a3, uint64_t *x0);

	/*
	 * The injected faults vmm.crash.boot / vmm.crash.mmio / vmm.crash.ready (lib/fault,
	 * rules matched with the VM's name): false (the library default) ends the VM with
	 * VMM_END_CRASH and the error "injected fault: vmm.crash.X"; true calls abort(), so
	 * a VMM process dies of SIGABRT exactly like a real crash (avf-vmm sets it).
	 */
	bool abort_on_injected_crash;
};

/*
 * How a VM ended. The values are the VMM process's exit status, chosen as crosvm's so
 * that the service maps them to death reasons as AVF's does (docs/VMM.md).
 */
enum vmm_end {
	VMM_END_SHUTDOWN = 0,	/* PSCI SYSTEM_OFF */
	VMM_END_ERROR = 1,	/* the VMM could not go on (bad image, host failure) */
	VMM_END_REBOOT = 32,	/* PSCI SYSTEM_RESET */
	VMM_END_CRASH = 33,	/* the guest crashed (fault the VMM cannot serve, backend
				 * error on its vCPU, a hung guest, PSCI crash event) */
	VMM_END_TIMEOUT = 124,	/* max_insns reached (kvm-unit-tests' timeout status) */
	VMM_END_KILLED = 128,	/* vmm_stop(): avf-vmm then dies of the signal that asked
				 * (a shell shows 128 + N) */
};

/* Build the VM (not running yet). 0 or -errno; on failure nothing is left behind. */
int vmm_create(struct vmm_host *host, const struct vmm_config *cfg, struct vmm **out);
/*
 * Run the VM until it ends. *end tells how. Returns 0, or -errno if the VMM itself
 * failed (*end is then VMM_END_ERROR). A VM runs once: later calls return -EBUSY.
 */
int vmm_run(struct vmm *v, enum vmm_end *end);
/*
 * Deterministic multi-VM simulation (backends without HAL_CAP_THREADED_VCPUS, else
 * -EOPNOTSUPP): give every vCPU of v one quantum, in order, then poll its devices
 * without blocking. Returns 1 when the VM has ended (*end says how), 0 when it goes on
 * (*idle: every vCPU is idle), or -errno. A scheduler interleaves the VMs of one host by
 * calling this for each in turn, and calls vmm_host_advance_idle() when all are idle.
 * vmm_run() is this loop for a single VM.
 */
int vmm_run_turn(struct vmm *v, bool *idle, enum vmm_end *end);
/*
 * Every vCPU of every VM of the host is idle: move the virtual clock to the next armed
 * timer. 0, -ENOENT (no timer armed: nothing will wake the guests by itself), or
 * -EOPNOTSUPP (the backend's clock is not virtual).
 */
int vmm_host_advance_idle(struct vmm_host *host);
/* Ask a running (or about to run) VM to end with VMM_END_KILLED. Async-signal-safe. */
void vmm_stop(struct vmm *v);
/* Stop and tear the VM down: pages reclaimed (scrubbed) and returned to the host. */
void vmm_destroy(struct vmm *v);
/* The first error (or why the VM ended, if not by SYSTEM_OFF); "" if none. */
const char *vmm_error(const struct vmm *v);
/* A short name for an end ("shutdown", "reboot", "crash", ...). */
const char *vmm_end_name(enum vmm_end end);

/*
 * The host (this VMM) touching guest memory at [ipa, ipa + len) through its own view of
 * physical memory, exactly as a malicious host could: page by page through the HAL host
 * view, which the hyp revokes for pages the host gave away. 0 on success; -EFAULT if a
 * byte lies outside the VM's RAM and firmware regions (nothing is copied then); -EPERM
 * if the hyp does not let the host reach a page of the range (a protected VM's private
 * page, a page the guest unshared): pages before it may have been copied. Callable from
 * any thread while the VM exists (a hook may call it).
 */
int vmm_read_guest(struct vmm *v, uint64_t ipa, void *buf, size_t len);
int vmm_write_guest(struct vmm *v, uint64_t ipa, const void *buf, size_t len);

/* The VM's name (the configuration's, "" if none). */
const char *vmm_name(const struct vmm *v);

struct vmm_stats {
	uint64_t console_bytes;		/* UART + virtio console */
	uint64_t first_byte_ns;		/* CLOCK_MONOTONIC of the first console byte, or 0 */
	uint64_t mmio_exits, unclaimed_mmio;
	uint64_t hypercall_exits;	/* guest calls forwarded to the VMM (HYP_EXIT_HYPERCALL) */
	uint64_t payload_events;	/* ready / finished / error reported */
	uint64_t insns;			/* guest instructions (virtual-time backends) */
	uint64_t virtual_ns;		/* the machine's clock at the end */
	uint64_t ram_pages, firmware_pages;
};

void vmm_get_stats(struct vmm *v, struct vmm_stats *st);

#endif /* AVF_VMM_H */
