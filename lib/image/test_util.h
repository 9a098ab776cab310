/* SPDX-License-Identifier: MIT */
/*
 * Helpers for unit tests that load images (lib/image, sim/board, stack/vmm): little-endian
 * stores and small builders for ELF files and arm64 Image headers, so each test states
 * only the fields it is about.
 */
#ifndef AVF_LIB_IMAGE_TEST_UTIL_H
#define AVF_LIB_IMAGE_TEST_UTIL_H

#include <stdint.h>
#include <string.h>

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* ELF64 AArch64 executable: header at 0, program headers at 64, data after. */
#define TELF_PHOFF 64
#define TELF_PHSIZE 56

struct telf_seg {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* Write the ELF header and nseg program headers into buf (which must be big enough). */
static inline void telf_build(uint8_t *buf, uint64_t entry, const struct telf_seg *segs,
			      unsigned nseg)
{
	unsigned i;

	memset(buf, 0, TELF_PHOFF + nseg * TELF_PHSIZE);
	memcpy(buf, "\x7f" "ELF", 4);
	buf[4] = 2;	/* ELFCLASS64 */
	buf[5] = 1;	/* little endian */
	buf[6] = 1;	/* EV_CURRENT */
	put_le16(buf + 16, 2);	/* ET_EXEC */
	put_le16(buf + 18, 183);	/* EM_AARCH64 */
	put_le32(buf + 20, 1);
	put_le64(buf + 24, entry);
	put_le64(buf + 32, TELF_PHOFF);
	put_le16(buf + 52, 64);
	put_le16(buf + 54, TELF_PHSIZE);
	put_le16(buf + 56, (uint16_t)nseg);
	for (i = 0; i < nseg; i++) {
		uint8_t *ph = buf + TELF_PHOFF + i * TELF_PHSIZE;

		put_le32(ph + 0, segs[i].type);
		put_le32(ph + 4, segs[i].flags);
		put_le64(ph + 8, segs[i].offset);
		put_le64(ph + 16, segs[i].vaddr);
		put_le64(ph + 24, segs[i].paddr);
		put_le64(ph + 32, segs[i].filesz);
		put_le64(ph + 40, segs[i].memsz);
	}
}

/* arm64 Image header (64 bytes) at buf. */
static inline void timage_build(uint8_t *buf, uint64_t text_offset, uint64_t image_size,
				uint64_t flags)
{
	memset(buf, 0, 64);
	put_le32(buf, 0x14000010);	/* b +64: code0 */
	put_le64(buf + 8, text_offset);
	put_le64(buf + 16, image_size);
	put_le64(buf + 24, flags);
	memcpy(buf + 0x38, "ARM\x64", 4);
}

#endif /* AVF_LIB_IMAGE_TEST_UTIL_H */
