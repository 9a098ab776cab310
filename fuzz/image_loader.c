// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the guest image loaders (lib/image: ELF, arm64 Image, raw), which parse
 * files a user or a client hands to avf-sim and avf-vmm. The first input byte picks the
 * format (auto, ELF, Image, raw) and the RAM layout (avf-sim's QEMU-like one or the
 * VMM's); the rest is the file. Oracle, on success: every segment lies inside RAM without
 * wrapping, reads only bytes of the file, has filesz <= memsz, stays inside [low, high),
 * and the entry point is inside RAM. On failure: the message is a non-empty, terminated
 * string. Either way nothing reads outside the input (ASan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/image/image.h"

static void fail(const char *what, uint64_t a, uint64_t b)
{
	fprintf(stderr, "image loader oracle: %s (%#llx, %#llx)\n", what, (unsigned long long)a,
		(unsigned long long)b);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct img_ram layouts[] = {
		{ .base = 0x40000000, .size = 128 << 20, .stub_size = 4096,
		  .raw_offset = 512 << 10 },				/* avf-sim (QEMU virt) */
		{ .base = 0x80000000, .size = 64 << 20, .stub_size = 0, .raw_offset = 0 },
	};
	static const enum img_format formats[] = {
		IMG_FORMAT_AUTO, IMG_FORMAT_ELF, IMG_FORMAT_IMAGE, IMG_FORMAT_RAW,
	};
	const struct img_ram *ram;
	struct img_error err;
	struct img_plan plan;
	const uint8_t *file;
	size_t len;
	int rc;

	if (size < 1)
		return 0;
	ram = &layouts[(data[0] >> 2) & 1];
	file = data + 1;
	len = size - 1;
	memset(&err, 0, sizeof(err));
	rc = img_load(file, len, formats[data[0] & 3], (data[0] >> 3) & 1,
		      ram->base + ((uint64_t)(data[0] >> 4) << 16), ram, &plan, &err);
	if (rc) {
		if (!err.msg[0] || !memchr(err.msg, 0, sizeof(err.msg)))
			fail("error without a message", (uint64_t)rc, 0);
		return 0;
	}
	if (plan.entry < ram->base || plan.entry - ram->base >= ram->size)
		fail("entry outside RAM", plan.entry, 0);
	if (plan.nr_segments > IMG_MAX_SEGMENTS)
		fail("too many segments", plan.nr_segments, 0);
	for (unsigned i = 0; i < plan.nr_segments; i++) {
		const struct img_segment *s = &plan.seg[i];

		if (s->filesz > s->memsz)
			fail("filesz > memsz", s->filesz, s->memsz);
		if (s->pa < ram->base || s->memsz > ram->size || s->pa - ram->base > ram->size - s->memsz)
			fail("segment outside RAM", s->pa, s->memsz);
		if (s->pa < plan.low || s->pa + s->memsz > plan.high)
			fail("segment outside [low, high)", s->pa, s->memsz);
		if (s->filesz && (s->data < file || s->data > file + len ||
				  s->filesz > (uint64_t)(file + len - s->data)))
			fail("segment reads outside the file", (uint64_t)(s->data - file), s->filesz);
	}
	return 0;
}
