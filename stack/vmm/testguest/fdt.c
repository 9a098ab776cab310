// SPDX-License-Identifier: MIT
/*
 * Just enough of a flattened device tree reader (devicetree specification, chapter 5):
 * the header, then the structure block's tokens, with names from the strings block.
 */
#include "stack/vmm/testguest/guest.h"

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1u
#define FDT_END_NODE	2u
#define FDT_PROP	3u
#define FDT_NOP		4u
#define FDT_END		9u

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

uint64_t fdt_be64(const void *p)
{
	return (uint64_t)fdt_be32(p) << 32 | fdt_be32((const uint8_t *)p + 4);
}

bool fdt_valid(const void *blob)
{
	return blob && fdt_be32(blob) == FDT_MAGIC;
}

/* Does the node name ("uart@3f8") have base name want ("uart")? */
static bool name_is(const char *name, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(name, want, n) && (name[n] == '@' || name[n] == '\0');
}

/*
 * Walk the tree; for each property call visit(path of up to 2 names, depth, property
 * name, value, length, ctx). Stops when visit returns true.
 */
typedef bool (*fdt_visit)(const char *const names[2], unsigned depth, const char *prop,
			  const void *val, uint32_t len, void *ctx);

static void walk(const void *blob, fdt_visit visit, void *ctx)
{
	const uint8_t *base = blob;
	const uint8_t *p = base + fdt_be32(base + 8);		/* off_dt_struct */
	const char *strings = (const char *)base + fdt_be32(base + 12);
	const char *names[2] = { "", "" };
	unsigned depth = 0;

	for (;;) {
		uint32_t tok = fdt_be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			if (depth >= 1 && depth <= 2)
				names[depth - 1] = name;
			depth++;
			p += (strlen(name) + 4) & ~3ul;
		} else if (tok == FDT_END_NODE) {
			depth--;
		} else if (tok == FDT_PROP) {
			uint32_t len = fdt_be32(p), nameoff = fdt_be32(p + 4);

			if (visit(names, depth - 1, strings + nameoff, p + 8, len, ctx))
				return;
			p += 8 + ((len + 3) & ~3u);
		} else if (tok != FDT_NOP) {
			return;		/* FDT_END or garbage */
		}
	}
}

struct find {
	const char *node, *prop;
	unsigned skip;		/* matches to pass over before the one wanted */
	const void *val;
	uint32_t len;
};

static bool find_visit(const char *const names[2], unsigned depth, const char *prop,
		       const void *val, uint32_t len, void *ctx)
{
	struct find *f = ctx;

	if (depth != 1 || !name_is(names[0], f->node) || strncmp(prop, f->prop, 64))
		return false;
	if (f->skip) {
		f->skip--;
		return false;
	}
	f->val = val;
	f->len = len;
	return true;
}

const void *fdt_root_prop_nth(const void *blob, const char *node, unsigned n,
			      const char *prop, uint32_t *len)
{
	struct find f = { node, prop, n, 0, 0 };

	walk(blob, find_visit, &f);
	if (len)
		*len = f.len;
	return f.val;
}

const void *fdt_root_prop(const void *blob, const char *node, const char *prop,
			  uint32_t *len)
{
	return fdt_root_prop_nth(blob, node, 0, prop, len);
}

static bool count_visit(const char *const names[2], unsigned depth, const char *prop,
			const void *val, uint32_t len, void *ctx)
{
	/* Every cpu node has exactly one "reg". */
	if (depth == 2 && name_is(names[0], "cpus") && name_is(names[1], "cpu") &&
	    !strncmp(prop, "reg", 4))
		(*(unsigned *)ctx)++;
	return false;
}

unsigned fdt_count_cpus(const void *blob)
{
	unsigned n = 0;

	walk(blob, count_visit, &n);
	return n;
}
