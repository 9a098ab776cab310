// SPDX-License-Identifier: MIT
/* Boot placement for each kind of image; see boot.h for the rules and their source. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sim/board/boot.h"
#include "sim/board/virt.h"

/*
 * The boot stub, A64: the literals follow the six instructions.
 *   ldr x0, #24     LDR (literal), 64-bit: 0x58000000 | imm19 << 5 | Rt
 *   mov x1, xzr     ORR x1, xzr, xzr
 *   mov x2, xzr
 *   mov x3, xzr
 *   ldr x4, #16
 *   br  x4          0xd61f0000 | Rn << 5
 *   .quad dtb
 *   .quad entry
 */
static void boot_fill_stub(uint32_t *w, uint64_t dtb, uint64_t entry)
{
	w[0] = 0x58000000u | (6u << 5) | 0;
	w[1] = 0xaa1f03e1u;
	w[2] = 0xaa1f03e2u;
	w[3] = 0xaa1f03e3u;
	w[4] = 0x58000000u | (4u << 5) | 4;
	w[5] = 0xd61f0000u | (4u << 5);
	w[6] = (uint32_t)dtb;
	w[7] = (uint32_t)(dtb >> 32);
	w[8] = (uint32_t)entry;
	w[9] = (uint32_t)(entry >> 32);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void boot_plan_elf(const struct img_plan *img, const struct img_ram *ram,
			  struct board_boot_plan *p)
{
	/* Room below the image: QEMU's dtb_limit is the image's lowest address. */
	if (img->low > ram->base && img->low - ram->base >= VIRT_FDT_SIZE) {
		p->has_dtb = true;
		p->dtb_pa = ram->base;
	}
	p->pc = img->entry;
}

static int boot_plan_linux(const struct img_plan *img, const struct img_ram *ram,
			   uint64_t initrd_size, struct board_boot_plan *p,
			   struct img_error *err)
{
	uint64_t ram_end = ram->base + ram->size;
	uint64_t start = ram->base + (ram->size / 2 < VIRT_INITRD_MAX_OFFSET ?
				      ram->size / 2 : VIRT_INITRD_MAX_OFFSET);

	if (img->high > start)
		start = img->high;
	start = align_up(start, VIRT_INITRD_ALIGN);
	if (p->has_initrd && (start >= ram_end || initrd_size > ram_end - start))
		return img_fail(err, ERANGE, "initrd (0x%" PRIx64 " bytes) does not fit in "
				"RAM after the kernel: it would start at 0x%" PRIx64 " and RAM "
				"ends at 0x%" PRIx64, initrd_size, start, ram_end);
	if (p->has_initrd) {
		p->initrd_start = start;
		p->initrd_end = start + initrd_size;
	}
	p->dtb_pa = align_up(start + (p->has_initrd ? initrd_size : 0), VIRT_DTB_ALIGN);
	if (p->dtb_pa >= ram_end || VIRT_FDT_SIZE > ram_end - p->dtb_pa)
		return img_fail(err, ERANGE, "not enough RAM for the DTB after the kernel%s: "
				"it needs [0x%" PRIx64 ", +0x%llx) and RAM ends at 0x%" PRIx64,
				  p->has_initrd ? " and initrd" : "", p->dtb_pa,
				  (unsigned long long)VIRT_FDT_SIZE, ram_end);
	p->has_dtb = true;
	p->pc = img->entry;
	p->x0 = p->dtb_pa;
	p->x4 = img->entry;
	/* The stub is cosmetic (registers are set directly), so an image over it wins. */
	if (img->low >= ram->base + VIRT_BOOT_STUB_SIZE) {
		p->has_stub = true;
		p->stub_pa = ram->base;
		boot_fill_stub(p->stub, p->dtb_pa, img->entry);
	}
	return 0;
}

int board_boot_plan(const struct img_plan *img, const struct img_ram *ram,
		    bool have_initrd, uint64_t initrd_size, struct board_boot_plan *out,
		    struct img_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!img->linux_boot) {
		out->initrd_ignored = have_initrd;
		boot_plan_elf(img, ram, out);
		return 0;
	}
	out->has_initrd = have_initrd && initrd_size > 0;
	return boot_plan_linux(img, ram, initrd_size, out, err);
}
