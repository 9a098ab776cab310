/* SPDX-License-Identifier: MIT */
/*
 * The contract between the VMM core's files (private to stack/vmm/):
 *   host.c       struct vmm_host: the HAL machine, the hyp, the host page allocator
 *   vm.c         vmm_create(): configuration checks, the order of the build steps
 *   memory.c     guest memory: host pages for RAM and firmware, writing through the
 *                host view, giving pages to the guest, IPA -> PA translation
 *   boot.c       boot placement (kernel, initrd, DT) for the VMM's layout
 *   devices.c    the UART and the virtio-mmio transports on the MMIO bus
 *   run.c        the vCPU loops and how a VM ends
 *   teardown.c   vmm_destroy(): reclaim, scrub, return pages
 *   fdt.c, uart16550.c, mmio_bus.c, console.c, host_pages.c: see their headers
 *
 * Locking: a VM is built and destroyed by one thread. While it runs, the vCPU threads
 * (threaded backends) share only: the MMIO bus (immutable, handlers lock themselves),
 * the console (its own mutex), v->end_lock (how the VM ended) and atomics.
 */
#ifndef AVF_VMM_INTERNAL_H
#define AVF_VMM_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/image/image.h"
#include "stack/hyp/hyp.h"
#include "stack/vmm/console.h"
#include "stack/vmm/host_pages.h"
#include "stack/vmm/layout.h"
#include "stack/vmm/mmio_bus.h"
#include "stack/vmm/uart16550.h"
#include "stack/vmm/virtio.h"
#include "stack/vmm/vmm.h"
#include "stack/vmm/vmm_fdt.h"

#define PAGE_SIZE_4K	4096ull
#define PAGE_SHIFT_4K	12

struct vmm_host {
	struct hal_machine *m;
	struct hyp *h;
	struct host_pages pages;
	uint64_t seed;
	bool has_pvmfw;
	/* Capabilities the run loop chooses by (asked once). */
	bool threaded, idle_exit, budget, virtual_time;
	unsigned nr_vms;		/* live VMs (vmm_host_destroy refuses while > 0) */
	pthread_mutex_t lock;		/* nr_vms */
};

/* A run of guest memory: npages consecutive host pages at consecutive IPAs. */
struct vmm_mem_region {
	uint64_t ipa;
	uint64_t pfn;
	uint64_t npages;
	uint64_t given;			/* pages already donated/shared to the guest */
};

#define VMM_MAX_REGIONS	64

struct vmm_vcpu {
	struct vmm *vm;
	unsigned index;
	uint64_t run_pfn;		/* 0: none yet */
	bool run_shared;		/* SHARE_HYP done */
	bool initialized;		/* INIT_VCPU done */
	pthread_t thread;
	bool thread_started;
	bool thread_done;		/* set by the thread as it leaves (atomic) */
	bool idle;			/* last turn ended idle (round-robin) */
};

struct vmm_device {
	const char *kind;		/* "console", "blk", "vsock", "net", "rng" */
	struct virtio_mmio *t;
	uint64_t base;
	uint32_t intid;
};

/* Where boot.c put things. */
struct vmm_boot {
	struct img_plan image;		/* the payload (kernel) */
	uint64_t entry;			/* first instruction of vCPU 0 (unless firmware) */
	uint64_t fdt_addr;
	bool has_initrd;
	uint64_t initrd_start, initrd_end;
};

/*
 * The payload channel (payload_channel.c): the error text being assembled from
 * PAYLOAD_ERROR_TEXT calls, and the relay connection to <vsock_uds>_5000.
 */
struct vmm_payload_channel {
	pthread_mutex_t lock;		/* vCPU threads report concurrently */
	char text[VMM_PAYLOAD_MESSAGE_MAX + 1];
	unsigned text_len;		/* bytes received since the last ERROR */
	int relay_fd;			/* -1: not connected (yet, or for good) */
	bool relay_tried;		/* connect once: a failure is logged once */
	uint64_t events;		/* ready / finished / error seen (stats) */
};

struct vmm {
	struct vmm_host *host;
	struct vmm_config cfg;		/* strings point into strings[] owned below */
	char *name;
	bool protected_vm;
	uint32_t handle;		/* 0: INIT_VM not done */
	struct vmm_mem_region regions[VMM_MAX_REGIONS];
	unsigned nr_regions;
	bool has_firmware;		/* pvmfw loaded at VMM_FW_BASE */
	struct vmm_vcpu *vcpus;
	unsigned nr_vcpus;
	struct vmm_boot boot;
	struct vmm_guest_mem gmem;
	struct mmio_bus bus;
	struct vmm_console console;
	struct uart16550 *uart;
	struct vmm_device devs[VMM_VIRTIO_MAX];
	unsigned nr_devs;
	int console_pipe[2];		/* virtio console -> console sink; -1 when closed */
	struct pollfd *pollfds;		/* the I/O loop's poll set (devices.c) */
	/* Run state. */
	int wake_fd;			/* eventfd: vmm_stop() and vCPU threads wake the loop */
	int stop_signal;		/* set by vmm_stop() (atomic) */
	pthread_mutex_t end_lock;
	bool ended;
	enum vmm_end end;
	bool ran;			/* vmm_run() was called */
	bool threads_stuck;		/* threaded mode: a vCPU could not be stopped */
	int run_err;			/* -errno when the VMM itself failed */
	uint64_t max_insns, insns;	/* instruction limit (virtual-time backends) */
	uint64_t mmio_exits, hypercall_exits;	/* atomic */
	uint64_t rr_state;		/* seeded quantum generator (round-robin) */
	uint64_t irq_warned;		/* SPIs we failed to raise, logged once each */
	struct vmm_payload_channel payload;
	bool boot_checked;		/* vmm.crash.boot asked (first run or turn) */
	char error[512];
};

/* ---- errors (vm.c) ---- */
/* Record the first error of v ("vmm: NAME: step: cause"), log it, return -errnum. */
int vmm_fail(struct vmm *v, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A note on stderr, "vmm: NAME: ..." (not an error of the VM). */
void vmm_log(struct vmm *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- host calls ---- */
/* hyp_call() with the host's error mapping: NOT_SUPPORTED becomes -ENOSYS. */
int64_t vmm_hcall(struct vmm_host *host, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
		  uint64_t a4, uint64_t a5, uint64_t *out2);
/* Zero npages host pages from pfn through the host view (0 or -EFAULT). */
int vmm_host_zero_pages(struct vmm_host *host, uint64_t pfn, uint64_t npages);

/* ---- boot.c ---- */
struct vmm_boot_input {
	const uint8_t *image;
	size_t image_size;
	enum vmm_image_kind kind;
	uint64_t load_addr;		/* raw images; 0: the RAM base */
	uint64_t initrd_size;		/* 0: no initrd */
	uint64_t ram_size;
};
/* Decide where everything goes (no memory touched). 0 or -errno with a message. */
int vmm_boot_plan(const struct vmm_boot_input *in, struct vmm_boot *out,
		  struct img_error *err);

/* ---- memory.c ---- */
/* Allocate host pages for [ipa, ipa + npages pages) as regions of v. */
int vmm_mem_alloc(struct vmm *v, uint64_t ipa, uint64_t npages);
/* Copy into guest memory through the host view, before the pages are given away. */
int vmm_mem_write(struct vmm *v, uint64_t ipa, const void *src, uint64_t len);
/* Give every allocated page to the guest: DONATE (protected) or SHARE (normal). */
int vmm_mem_give(struct vmm *v);
/* The host pfn backing ipa, or 0 if none. */
uint64_t vmm_mem_pfn(const struct vmm *v, uint64_t ipa);
/* The vmm_guest_mem callbacks for the devices. */
void vmm_mem_init_callbacks(struct vmm *v);

/* ---- devices.c ---- */
int vmm_devices_create(struct vmm *v);
void vmm_devices_destroy(struct vmm *v);
/* Fill the FDT's virtio list. */
void vmm_devices_describe(const struct vmm *v, struct vmm_fdt_params *p);
/* Poll device I/O; timeout_ms as poll(2). Returns how many fds were ready (>= 0), or
 * -errno. When none of the devices waits for the outside world, *external is false. */
int vmm_devices_poll(struct vmm *v, int timeout_ms, bool *external);
/* Drain the virtio console pipe into the console sink. */
void vmm_devices_drain_console(struct vmm *v);

/* ---- payload_channel.c ---- */
/* Set up / release v->payload (vm.c's vmm_alloc, teardown.c's vmm_release). */
void vmm_payload_channel_init(struct vmm *v);
void vmm_payload_channel_fini(struct vmm *v);
/*
 * A guest call the hyp forwarded (HYP_EXIT_HYPERCALL) from vCPU vcpu: args[0] = function
 * id, args[1..6] = x1..x6; ret[0..3] hold the hyp's default answer (x0 = NOT_SUPPORTED,
 * x1..x3 unchanged) and get the VMM's answer. false: the VM must end (vmm_set_end was
 * called: an injected crash).
 */
bool vmm_guest_hypercall(struct vmm *v, unsigned vcpu, const uint64_t args[7],
			 uint64_t ret[4]);

/* ---- fault injection (vm.c) ---- */
/* The injected fault point (a vmm.crash.* name) fires for v now: abort() when the
 * configuration asks, else end the VM with VMM_END_CRASH. true: it fired. */
bool vmm_injected_crash(struct vmm *v, const char *point);

/* ---- run.c ---- */
/* Set how the VM ended, once (the first caller wins); wakes the run loop. */
void vmm_set_end(struct vmm *v, enum vmm_end end, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- teardown.c ---- */
/* Undo whatever vmm_create() did so far (also the error path of vmm_create) and free v.
 * false: a vCPU thread still uses v, which is then left alone (leaked). */
bool vmm_release(struct vmm *v);

#endif /* AVF_VMM_INTERNAL_H */
