/* SPDX-License-Identifier: MIT */
/*
 * Boot placement: where the initrd, the DTB and the boot stub go and what the first CPU
 * starts with, for each kind of image, as QEMU's hw/arm/boot.c decides for `-kernel`
 * on aarch64. Pure arithmetic on a load plan: no machine involved.
 *
 * Bare ELF (image->linux_boot false):
 *   - the DTB goes at the start of RAM, only if the whole blob (VIRT_FDT_SIZE) fits
 *     below the image's lowest segment; otherwise the guest gets no DTB at all (an ELF
 *     linked at RAM + 512 KiB gets none, exactly as on QEMU);
 *   - the initrd is ignored (QEMU ignores it too);
 *   - CPU 0 starts at the ELF entry with every register at its reset value (x0 = 0).
 * Linux boot (arm64 Image, raw):
 *   - initrd at RAM + min(RAM / 2, 128 MiB), or after the kernel if that is higher,
 *     rounded up to 4 KiB; it must fit in RAM;
 *   - DTB at the first 2 MiB boundary after the initrd (or where the initrd would be);
 *   - a boot stub at the start of RAM (unless the image covers it) holding QEMU's
 *     sequence: x0 = DTB, x1 = x2 = x3 = 0, x4 = entry, branch to entry. The board
 *     starts CPU 0 at the entry with those registers already set, which is the state
 *     the stub leaves; the stub is in RAM so that memory looks the same as on QEMU.
 * Secondary CPUs stay powered off until PSCI CPU_ON, in both cases.
 */
#ifndef AVF_SIM_BOARD_BOOT_H
#define AVF_SIM_BOARD_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/image/image.h"

#define BOARD_STUB_WORDS 10

struct board_boot_plan {
	bool has_dtb;
	uint64_t dtb_pa;		/* VIRT_FDT_SIZE bytes */
	bool has_initrd;		/* false for ELF, or without --initrd */
	bool initrd_ignored;		/* an initrd was given but the image is an ELF */
	uint64_t initrd_start, initrd_end;
	bool has_stub;
	uint64_t stub_pa;
	uint32_t stub[BOARD_STUB_WORDS];	/* little-endian words to store at stub_pa */
	/* CPU 0's start state. */
	uint64_t pc;
	uint64_t x0;
	uint64_t x4;
};

/*
 * Decide the placement. initrd_size 0 with have_initrd means an empty initrd file,
 * which QEMU also accepts (it then describes no initrd). Returns 0, or -ERANGE when
 * the initrd or the DTB does not fit in RAM, with a message.
 */
int board_boot_plan(const struct img_plan *img, const struct img_ram *ram,
		    bool have_initrd, uint64_t initrd_size, struct board_boot_plan *out,
		    struct img_error *err);

#endif /* AVF_SIM_BOARD_BOOT_H */
