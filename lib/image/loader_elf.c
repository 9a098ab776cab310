// SPDX-License-Identifier: MIT
/*
 * ELF64 AArch64 executables, loaded as QEMU's load_elf() does for `-kernel`: every
 * PT_LOAD segment with a non-zero p_memsz goes to its physical address (p_paddr), the
 * part beyond p_filesz is zero. The entry point is e_entry, translated from virtual to
 * physical when an executable segment has p_vaddr != p_paddr and contains it.
 *
 * Every header field is checked against the file size and RAM before use; fields are
 * read byte by byte (little endian), so the file needs no alignment.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "lib/image/image.h"

/* ELF64 layout (System V ABI, AArch64 supplement): offsets of the fields we use. */
#define EH_SIZE		64
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define E_TYPE		16
#define E_MACHINE	18
#define E_VERSION	20
#define E_ENTRY		24
#define E_PHOFF		32
#define E_PHENTSIZE	54
#define E_PHNUM		56
#define PH_SIZE		56
#define P_TYPE		0
#define P_FLAGS		4
#define P_OFFSET	8
#define P_VADDR		16
#define P_PADDR		24
#define P_FILESZ	32
#define P_MEMSZ		40

#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1
#define ET_EXEC		2
#define EM_AARCH64	183
#define PT_LOAD		1
#define PF_X		1
#define PN_XNUM		0xffff

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void elf_read_phdr(const uint8_t *p, struct elf_phdr *ph)
{
	ph->type = img_le32(p + P_TYPE);
	ph->flags = img_le32(p + P_FLAGS);
	ph->offset = img_le64(p + P_OFFSET);
	ph->vaddr = img_le64(p + P_VADDR);
	ph->paddr = img_le64(p + P_PADDR);
	ph->filesz = img_le64(p + P_FILESZ);
	ph->memsz = img_le64(p + P_MEMSZ);
}

/* The ELF header: identification, type, machine, program header table bounds. */
static int elf_check_header(const uint8_t *d, size_t size, struct img_error *err)
{
	uint64_t phoff;
	unsigned phnum;

	if (size < EH_SIZE)
		return img_fail(err, EINVAL, "ELF truncated: %zu bytes, the ELF header "
				"alone is %d", size, EH_SIZE);
	if (memcmp(d, "\x7f" "ELF", 4) != 0)
		return img_fail(err, EINVAL, "not an ELF file: bad magic "
				"%02x %02x %02x %02x", d[0], d[1], d[2], d[3]);
	if (d[EI_CLASS] != ELFCLASS64)
		return img_fail(err, ENOEXEC, "ELF class %u is not ELFCLASS64: only 64-bit "
				"AArch64 executables can be loaded", d[EI_CLASS]);
	if (d[EI_DATA] != ELFDATA2LSB)
		return img_fail(err, ENOEXEC, "ELF data encoding %u is not little-endian "
				"(ELFDATA2LSB)", d[EI_DATA]);
	if (d[EI_VERSION] != EV_CURRENT || img_le32(d + E_VERSION) != EV_CURRENT)
		return img_fail(err, EINVAL, "ELF version is not EV_CURRENT (1)");
	if (img_le16(d + E_MACHINE) != EM_AARCH64)
		return img_fail(err, ENOEXEC, "ELF machine %u is not AArch64 (%u)",
				img_le16(d + E_MACHINE), EM_AARCH64);
	if (img_le16(d + E_TYPE) != ET_EXEC)
		return img_fail(err, ENOEXEC, "ELF type %u is not an executable "
				"(ET_EXEC); relocatable and shared objects cannot be booted",
				img_le16(d + E_TYPE));
	phoff = img_le64(d + E_PHOFF);
	phnum = img_le16(d + E_PHNUM);
	if (phnum == 0)
		return img_fail(err, EINVAL, "ELF has no program headers");
	if (phnum == PN_XNUM)
		return img_fail(err, EINVAL, "ELF uses extended program header numbering "
				"(e_phnum = PN_XNUM), which is not supported");
	if (img_le16(d + E_PHENTSIZE) != PH_SIZE)
		return img_fail(err, EINVAL, "ELF e_phentsize is %u, expected %d",
				img_le16(d + E_PHENTSIZE), PH_SIZE);
	if (phoff > size || (uint64_t)phnum * PH_SIZE > size - phoff)
		return img_fail(err, EINVAL, "ELF truncated: program header table at "
				"0x%" PRIx64 " (%u entries) runs past the end of the file "
				"(%zu bytes)", phoff, phnum, size);
	return 0;
}

/* One PT_LOAD segment: inside the file, inside RAM, not overlapping earlier ones. */
static int elf_check_segment(const struct elf_phdr *ph, unsigned idx, size_t size,
			     const struct img_ram *ram, const struct img_plan *img,
			     struct img_error *err)
{
	unsigned i;

	if (ph->filesz > ph->memsz)
		return img_fail(err, EINVAL, "ELF program header %u: p_filesz 0x%" PRIx64
				" is larger than p_memsz 0x%" PRIx64, idx, ph->filesz,
				ph->memsz);
	if (ph->offset > size || ph->filesz > size - ph->offset)
		return img_fail(err, EINVAL, "ELF truncated: program header %u's data "
				"[0x%" PRIx64 ", +0x%" PRIx64 ") runs past the end of the file "
				  "(%zu bytes)", idx, ph->offset, ph->filesz, size);
	if (!img_ram_contains(ram, ph->paddr, ph->memsz))
		return img_fail(err, ERANGE, "ELF program header %u: segment [0x%" PRIx64
				", +0x%" PRIx64 ") lies outside RAM [0x%" PRIx64 ", 0x%"
				  PRIx64 ")", idx, ph->paddr, ph->memsz, ram->base,
				  ram->base + ram->size);
	for (i = 0; i < img->nr_segments; i++) {
		const struct img_segment *s = &img->seg[i];

		if (ph->paddr < s->pa + s->memsz && s->pa < ph->paddr + ph->memsz)
			return img_fail(err, EINVAL, "ELF program header %u: segment "
					"[0x%" PRIx64 ", +0x%" PRIx64 ") overlaps an earlier "
					  "segment [0x%" PRIx64 ", +0x%" PRIx64 ")", idx,
					  ph->paddr, ph->memsz, s->pa, s->memsz);
	}
	if (img->nr_segments == IMG_MAX_SEGMENTS)
		return img_fail(err, EINVAL, "ELF has more than %d loadable segments",
				IMG_MAX_SEGMENTS);
	return 0;
}

/*
 * e_entry is virtual; when an executable segment with p_vaddr != p_paddr holds it, QEMU
 * starts at its physical copy instead.
 */
static bool elf_entry_moves(uint64_t e_entry, const struct elf_phdr *ph)
{
	return ph->vaddr != ph->paddr && (ph->flags & PF_X) && e_entry >= ph->vaddr &&
	       e_entry - ph->vaddr < ph->filesz;
}

static void elf_add_segment(const uint8_t *d, const struct elf_phdr *ph,
			    struct img_plan *img)
{
	img->seg[img->nr_segments++] = (struct img_segment){
		.pa = ph->paddr, .data = d + ph->offset,
		.filesz = ph->filesz, .memsz = ph->memsz,
	};
	if (img->nr_segments == 1 || ph->paddr < img->low)
		img->low = ph->paddr;
	if (ph->paddr + ph->memsz > img->high)
		img->high = ph->paddr + ph->memsz;
}

int img_load_elf(const uint8_t *d, size_t size, const struct img_ram *ram,
		 struct img_plan *out, struct img_error *err)
{
	uint64_t phoff, e_entry, entry;
	unsigned phnum, i;
	struct elf_phdr ph;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = elf_check_header(d, size, err);
	if (ret)
		return ret;
	phoff = img_le64(d + E_PHOFF);
	phnum = img_le16(d + E_PHNUM);
	e_entry = entry = img_le64(d + E_ENTRY);
	for (i = 0; i < phnum; i++) {
		elf_read_phdr(d + phoff + (uint64_t)i * PH_SIZE, &ph);
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		ret = elf_check_segment(&ph, i, size, ram, out, err);
		if (ret)
			return ret;
		elf_add_segment(d, &ph, out);
		if (elf_entry_moves(e_entry, &ph))
			entry = e_entry - ph.vaddr + ph.paddr;
	}
	if (out->nr_segments == 0)
		return img_fail(err, EINVAL, "ELF has no loadable (PT_LOAD) segment");
	if (entry & 3)
		return img_fail(err, EINVAL, "ELF entry point 0x%" PRIx64 " is not 4-byte "
				"aligned", entry);
	if (!img_ram_contains(ram, entry, 4))
		return img_fail(err, ERANGE, "ELF entry point 0x%" PRIx64 " lies outside "
				"RAM [0x%" PRIx64 ", 0x%" PRIx64 ")", entry, ram->base,
				  ram->base + ram->size);
	out->format = IMG_FORMAT_ELF;
	out->linux_boot = false;
	out->entry = entry;
	return 0;
}
