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
 *
 * Errors are -errno; the step that failed is logged once by the layer that knows it
 * ("vmm: load kernel: ...") and kept in vmm_error().
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
	uint64_t phys_mib;		/* physical memory of the machine */
	uint64_t seed;			/* deterministic backends */
	const void *pvmfw;		/* firmware image the hyp loads into protected VMs */
	size_t pvmfw_size;
	bool check_spec;		/* check the hyp against its executable spec */
	const char *trace_path;
};

int vmm_host_create(const struct vmm_host_config *cfg, struct vmm_host **out);
void vmm_host_destroy(struct vmm_host *host);

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
	const char *name;		/* shown in logs and in `ps` */
	unsigned nr_vcpus;
	uint64_t mem_mib;
	bool protected_vm;		/* memory donated, pvmfw boots first, MMIO guard */
	const char *kernel;		/* image path (the payload for protected VMs) */
	enum vmm_image_kind kind;
	uint64_t load_addr;		/* raw images */
	const char *initrd;
	const char *bootargs;
	const char *console_out;	/* file for the virtio console + UART ("-" = stdout) */
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
};

/* How a VM ended, mapped as AVF's service maps crosvm's exit. */
enum vmm_end {
	VMM_END_SHUTDOWN = 0,	/* PSCI SYSTEM_OFF */
	VMM_END_REBOOT = 32,	/* PSCI SYSTEM_RESET */
	VMM_END_CRASH = 33,	/* the guest crashed (fault loop, internal error) */
	VMM_END_ERROR = 1,	/* the VMM could not go on (bad image, host failure) */
};

int vmm_create(struct vmm_host *host, const struct vmm_config *cfg, struct vmm **out);
/* Run the VM until it ends. *end tells how. Returns 0 or -errno (VMM failure). */
int vmm_run(struct vmm *v, enum vmm_end *end);
/* Stop and tear the VM down: pages reclaimed (scrubbed) and returned to the host. */
void vmm_destroy(struct vmm *v);
const char *vmm_error(const struct vmm *v);

#endif /* AVF_VMM_H */
