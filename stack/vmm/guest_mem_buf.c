// SPDX-License-Identifier: MIT
/* Buffer-backed guest memory for tests and fuzzers (guest_mem_buf.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stack/vmm/guest_mem_buf.h"

/* Offset of [ipa, ipa + len) in the buffer, or -1 if any byte is outside it. */
static int64_t offset_of(const struct guest_mem_buf *gm, uint64_t ipa, uint64_t len)
{
	if (ipa < gm->base)
		return -1;
	ipa -= gm->base;
	if (ipa > gm->size || len > gm->size - ipa)
		return -1;
	return (int64_t)ipa;
}

static bool accessible(struct guest_mem_buf *gm, uint64_t ipa, size_t len, int64_t *off)
{
	*off = offset_of(gm, ipa, len);
	if (*off < 0)
		return false;
	if (gm->protected_vm && len) {
		for (uint64_t p = (uint64_t)*off / GUEST_MEM_PAGE;
		     p <= ((uint64_t)*off + len - 1) / GUEST_MEM_PAGE; p++)
			if (!gm->shared[p])
				return false;
	}
	return true;
}

static int gm_read(void *ctx, uint64_t ipa, void *dst, size_t len)
{
	struct guest_mem_buf *gm = ctx;
	int64_t off;

	if (!accessible(gm, ipa, len, &off)) {
		gm->faults++;
		return -EFAULT;
	}
	memcpy(dst, gm->bytes + off, len);
	return 0;
}

static int gm_write(void *ctx, uint64_t ipa, const void *src, size_t len)
{
	struct guest_mem_buf *gm = ctx;
	int64_t off;

	if (!accessible(gm, ipa, len, &off)) {
		gm->faults++;
		return -EFAULT;
	}
	if (gm->on_write)	/* before the copy: the hook sees memory as the device did */
		gm->on_write(gm->on_write_ctx, ipa, len);
	memcpy(gm->bytes + off, src, len);
	return 0;
}

int guest_mem_buf_init(struct guest_mem_buf *gm, uint64_t base, size_t size,
		       bool protected_vm)
{
	memset(gm, 0, sizeof(*gm));
	if (base % GUEST_MEM_PAGE || size % GUEST_MEM_PAGE || size == 0 ||
	    base > UINT64_MAX - size)
		return -EINVAL;
	gm->bytes = calloc(1, size);
	gm->shared = calloc(size / GUEST_MEM_PAGE, sizeof(*gm->shared));
	if (!gm->bytes || !gm->shared) {
		guest_mem_buf_fini(gm);
		return -ENOMEM;
	}
	gm->base = base;
	gm->size = size;
	gm->protected_vm = protected_vm;
	gm->mem = (struct vmm_guest_mem){ .ctx = gm, .read = gm_read, .write = gm_write };
	guest_mem_buf_share(gm, base, size, true);
	return 0;
}

void guest_mem_buf_fini(struct guest_mem_buf *gm)
{
	free(gm->bytes);
	free(gm->shared);
	gm->bytes = NULL;
	gm->shared = NULL;
}

void guest_mem_buf_share(struct guest_mem_buf *gm, uint64_t ipa, uint64_t len, bool shared)
{
	uint64_t first, last;

	if (len > UINT64_MAX - ipa)
		len = UINT64_MAX - ipa;
	if (len == 0 || ipa >= gm->base + gm->size || ipa + len <= gm->base)
		return;
	first = ipa < gm->base ? 0 : (ipa - gm->base) / GUEST_MEM_PAGE;
	last = (ipa + len - 1 - gm->base) / GUEST_MEM_PAGE;
	if (ipa + len - 1 >= gm->base + gm->size)
		last = gm->size / GUEST_MEM_PAGE - 1;
	for (uint64_t p = first; p <= last; p++)
		gm->shared[p] = shared;
}

void *guest_mem_buf_ptr(struct guest_mem_buf *gm, uint64_t ipa, uint64_t len)
{
	int64_t off = offset_of(gm, ipa, len);

	return off < 0 ? NULL : gm->bytes + off;
}
