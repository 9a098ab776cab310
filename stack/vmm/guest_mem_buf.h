/* SPDX-License-Identifier: MIT */
/*
 * A struct vmm_guest_mem over a plain host buffer, with a per-page "shared" map that
 * plays the host view of a protected VM: an access touching any page not marked shared
 * faults exactly as the HAL host view would. Unit tests and fuzz targets drive the
 * devices through it; nothing in the VMM proper uses it.
 *
 * The fake is stricter than it needs to be where that is cheap: every access is bounds-
 * and overflow-checked, faults are counted, and an optional hook sees every accepted
 * write just before it lands (fuzz oracles use it to check a device writes only where it
 * may).
 */
#ifndef AVF_VMM_GUEST_MEM_BUF_H
#define AVF_VMM_GUEST_MEM_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/vmm/virtio.h"

#define GUEST_MEM_PAGE 4096u

struct guest_mem_buf {
	struct vmm_guest_mem mem;	/* hand &gm->mem to the transport */
	uint64_t base;			/* IPA of bytes[0], page aligned */
	size_t size;			/* multiple of GUEST_MEM_PAGE */
	uint8_t *bytes;
	bool *shared;			/* one per page; consulted only if protected */
	bool protected_vm;
	uint64_t faults;
	void (*on_write)(void *ctx, uint64_t ipa, size_t len);
	void *on_write_ctx;
};

/* Zeroed memory, every page shared. 0, -EINVAL (unaligned base or size) or -ENOMEM. */
int guest_mem_buf_init(struct guest_mem_buf *gm, uint64_t base, size_t size,
		       bool protected_vm);
void guest_mem_buf_fini(struct guest_mem_buf *gm);
/* Mark the pages covering [ipa, ipa + len) shared or not (MEM_SHARE / MEM_UNSHARE). */
void guest_mem_buf_share(struct guest_mem_buf *gm, uint64_t ipa, uint64_t len, bool shared);
/* Host pointer to [ipa, ipa + len) regardless of sharing (the guest's own view), or NULL
 * if the range is outside the buffer. For test code playing the guest driver. */
void *guest_mem_buf_ptr(struct guest_mem_buf *gm, uint64_t ipa, uint64_t len);

#endif /* AVF_VMM_GUEST_MEM_BUF_H */
