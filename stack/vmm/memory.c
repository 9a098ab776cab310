// SPDX-License-Identifier: MIT
/*
 * Guest memory. The VMM takes host pages for the guest's RAM (and the firmware region of
 * a protected VM), writes the images into them through the HAL host view while it still
 * owns them, and only then gives them to the guest: DONATE for a protected VM (the host
 * loses them), SHARE otherwise (the host keeps access, as a plain crosvm would).
 *
 * Afterwards the VMM reaches guest memory only through the host view, page by page: for
 * a protected VM only the pages the guest shared back (MEM_SHARE) answer; every other
 * access fails with -EFAULT, which the devices treat as a broken queue, never as a crash.
 * The VMM never keeps a pointer into guest memory.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "stack/vmm/vmm_internal.h"

int vmm_mem_alloc(struct vmm *v, uint64_t ipa, uint64_t npages)
{
	while (npages) {
		struct vmm_mem_region *r;
		uint64_t pfn, got;
		int err;

		if (v->nr_regions == VMM_MAX_REGIONS)
			return vmm_fail(v, ENOMEM, "guest memory at 0x%" PRIx64 ": host memory is "
					"fragmented into more than %u runs", ipa, VMM_MAX_REGIONS);
		err = host_pages_alloc(&v->host->pages, npages, &pfn, &got);
		if (err)
			return vmm_fail(v, ENOMEM, "guest memory at 0x%" PRIx64 ": the host has %"
					PRIu64 " pages left, %" PRIu64 " more are needed", ipa,
					host_pages_nr_free(&v->host->pages), npages);
		r = &v->regions[v->nr_regions++];
		*r = (struct vmm_mem_region){ .ipa = ipa, .pfn = pfn, .npages = got };
		ipa += got << PAGE_SHIFT_4K;
		npages -= got;
	}
	return 0;
}

/* The region holding ipa, or NULL. */
static const struct vmm_mem_region *region_of(const struct vmm *v, uint64_t ipa)
{
	for (unsigned i = 0; i < v->nr_regions; i++) {
		const struct vmm_mem_region *r = &v->regions[i];

		if (ipa >= r->ipa && (ipa - r->ipa) >> PAGE_SHIFT_4K < r->npages)
			return r;
	}
	return NULL;
}

uint64_t vmm_mem_pfn(const struct vmm *v, uint64_t ipa)
{
	const struct vmm_mem_region *r = region_of(v, ipa);

	return r ? r->pfn + ((ipa - r->ipa) >> PAGE_SHIFT_4K) : 0;
}

/*
 * Copy between guest memory at ipa and the host: into dst (a read) or from src (a
 * write), in pieces that stay inside one region. -EFAULT if a byte is outside guest
 * memory or revoked from the host (earlier pieces may have been copied).
 */
static int mem_copy(const struct vmm *v, uint64_t ipa, uint8_t *dst, const uint8_t *src,
		    uint64_t len)
{
	while (len) {
		const struct vmm_mem_region *r = region_of(v, ipa);
		uint64_t off, n;
		hal_pa_t pa;
		int err;

		if (!r)
			return -EFAULT;
		off = ipa - r->ipa;
		n = (r->npages << PAGE_SHIFT_4K) - off;
		if (n > len)
			n = len;
		pa = hal_pa((r->pfn << PAGE_SHIFT_4K) + off);
		err = dst ? hal_host_read(v->host->m, pa, dst, n, NULL)
			  : hal_host_write(v->host->m, pa, src, n, NULL);
		if (err)
			return -EFAULT;
		ipa += n;
		len -= n;
		if (dst)
			dst += n;
		else
			src += n;
	}
	return 0;
}

int vmm_mem_write(struct vmm *v, uint64_t ipa, const void *src, uint64_t len)
{
	return mem_copy(v, ipa, NULL, src, len);
}

int vmm_mem_give(struct vmm *v)
{
	uint32_t fn = v->protected_vm ? HYP_HOST_DONATE_GUEST : HYP_HOST_SHARE_GUEST;

	for (unsigned i = 0; i < v->nr_regions; i++) {
		struct vmm_mem_region *r = &v->regions[i];

		for (; r->given < r->npages; r->given++) {
			uint64_t gfn = (r->ipa >> PAGE_SHIFT_4K) + r->given;
			int64_t err = vmm_hcall(v->host, fn, r->pfn + r->given, v->handle, gfn, 0,
						0, NULL);

			if (err)
				return vmm_fail(v, (int)-err, "%s page at IPA 0x%" PRIx64 ": %s",
						v->protected_vm ? "donate" : "share",
						gfn << PAGE_SHIFT_4K, strerror((int)-err));
		}
	}
	return 0;
}

/* ---- the devices' view (struct vmm_guest_mem) ---- */

static int guest_read(void *ctx, uint64_t ipa, void *dst, size_t len)
{
	return mem_copy(ctx, ipa, dst, NULL, len);
}

static int guest_write(void *ctx, uint64_t ipa, const void *src, size_t len)
{
	return mem_copy(ctx, ipa, NULL, src, len);
}

void vmm_mem_init_callbacks(struct vmm *v)
{
	v->gmem = (struct vmm_guest_mem){ .ctx = v, .read = guest_read, .write = guest_write };
}

/* ---- the host touching guest memory (vmm_read_guest / vmm_write_guest) ---- */

/* Every byte of [ipa, ipa + len) lies in a region of v (overflow-safe). */
static bool range_in_regions(const struct vmm *v, uint64_t ipa, uint64_t len)
{
	while (len) {
		const struct vmm_mem_region *r = region_of(v, ipa);
		uint64_t left;

		if (!r)
			return false;
		left = (r->npages << PAGE_SHIFT_4K) - (ipa - r->ipa);
		if (left >= len)
			return true;
		ipa += left;
		len -= left;
	}
	return true;
}

/*
 * The same path as the devices' (mem_copy: the HAL host view, which the hyp revokes for
 * pages the host gave away), but telling "not guest memory" (-EFAULT) from "the hyp does
 * not let the host there" (-EPERM), page by page so the first refused page stops it.
 */
static int host_copy(struct vmm *v, uint64_t ipa, uint8_t *dst, const uint8_t *src,
		     uint64_t len)
{
	if (ipa + len < ipa || !range_in_regions(v, ipa, len))
		return -EFAULT;
	while (len) {
		uint64_t n = PAGE_SIZE_4K - (ipa & (PAGE_SIZE_4K - 1));

		if (n > len)
			n = len;
		if (mem_copy(v, ipa, dst, src, n))
			return -EPERM;
		ipa += n;
		len -= n;
		if (dst)
			dst += n;
		else
			src += n;
	}
	return 0;
}

int vmm_read_guest(struct vmm *v, uint64_t ipa, void *buf, size_t len)
{
	return host_copy(v, ipa, buf, NULL, len);
}

int vmm_write_guest(struct vmm *v, uint64_t ipa, const void *buf, size_t len)
{
	return host_copy(v, ipa, NULL, buf, len);
}
