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

struct vmm_stats {
	uint64_t console_bytes;		/* UART + virtio console */
	uint64_t first_byte_ns;		/* CLOCK_MONOTONIC of the first console byte, or 0 */
	uint64_t mmio_exits, unclaimed_mmio;
	uint64_t hypercall_exits;	/* answered NOT_SUPPORTED by the VMM */
	uint64_t insns;			/* guest instructions (virtual-time backends) */
	uint64_t virtual_ns;		/* the machine's clock at the end */
	uint64_t ram_pages, firmware_pages;
};

void vmm_get_stats(struct vmm *v, struct vmm_stats *st);

#endif /* AVF_VMM_H */
