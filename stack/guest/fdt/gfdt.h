/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gfdt: a minimal, strict reader of flattened device trees (DTSpec v0.4 chapter 5) for
 * freestanding guest code, which has no libfdt. Built for the host too (tests, fuzzing).
 *
 * The blob is untrusted (the host wrote it), so gfdt_open() validates the whole thing in
 * one linear pass before anything else may look at it: the header, the three blocks and
 * their bounds, every token of the structure block, every property name. Only then do the
 * lookup functions run, and they still bounds-check every read. Anything odd is refused
 * rather than interpreted: this reader is stricter than libfdt (see gfdt_open()).
 *
 * Nodes and properties are named by their byte offset in the structure block (the offset
 * of their FDT_BEGIN_NODE / FDT_PROP token), like libfdt's node offsets. Functions that
 * find something return that offset (>= 0) or a negative errno:
 *   -ENOENT  no such node / property / child;
 *   -EINVAL  the blob, or the offset passed in, is not valid;
 *   -EEXIST  the name asked for is ambiguous (two siblings or two properties share it).
 * No allocation, no global state, no libc.
 */
#ifndef AVF_GUEST_GFDT_H
#define AVF_GUEST_GFDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GFDT_EINVAL	(-22)
#define GFDT_ENOENT	(-2)
#define GFDT_EEXIST	(-17)

#define GFDT_MAGIC		0xd00dfeedu
#define GFDT_HEADER_SIZE	40u
#define GFDT_VERSION		17u
#define GFDT_MAX_DEPTH		32	/* nesting of nodes, root = depth 1 */
#define GFDT_MAX_NAME		255	/* node name length, without NUL */

/* Structure block tokens. */
#define GFDT_BEGIN_NODE	1u
#define GFDT_END_NODE	2u
#define GFDT_PROP	3u
#define GFDT_NOP	4u
#define GFDT_END	9u

struct gfdt {
	const uint8_t *blob;
	uint32_t totalsize;
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
	uint32_t rsvmap_off;
	uint32_t nr_rsv;		/* memory reservation entries before the terminator */
};

/*
 * Validate the blob at @blob (at most @avail readable bytes) and set up @t. Refused:
 * bad magic; version < 17 or last_comp_version > 17; totalsize < 40 or > @avail; a block
 * misaligned (rsvmap 8, struct 4), outside totalsize or overlapping the header or another
 * block; a reservation map without terminator inside totalsize; in the structure block:
 * an unknown token, a token or value crossing the block's end, anything but FDT_NOPs
 * before the root or between its end and FDT_END, a root with a name, a non-root node
 * with an empty name or one containing '/' or a non-printable byte or longer than
 * GFDT_MAX_NAME, nesting deeper than GFDT_MAX_DEPTH, a property after a subnode, a
 * property name offset outside the strings block or not NUL-terminated in it or empty,
 * FDT_END not being the last token of the structure block.
 * Returns 0 or GFDT_EINVAL; *@detail (if not NULL) names the first problem found.
 */
int gfdt_open(struct gfdt *t, const void *blob, size_t avail, const char **detail);

/* Big-endian readers for property values (any alignment). */
uint32_t gfdt_be32(const uint8_t *p);
uint64_t gfdt_be64(const uint8_t *p);
/* A value of @cells 32-bit cells (1 or 2) at @p. */
uint64_t gfdt_read_cells(const uint8_t *p, unsigned cells);

/* The root node's offset. */
int gfdt_root(const struct gfdt *t);
/* First child of @node / next sibling of @node; -ENOENT when there is none. */
int gfdt_first_child(const struct gfdt *t, int node);
int gfdt_next_sibling(const struct gfdt *t, int node);
/* The node's name (unit address included: "memory@80000000"); "" for the root. NULL if
 * @node is not a node offset. */
const char *gfdt_name(const struct gfdt *t, int node);
/*
 * The child of @parent whose name is @name: either exactly (with unit address) or, when
 * @name has no '@', the name part before '@' ("memory" finds "memory@80000000").
 * -EEXIST if two children match.
 */
int gfdt_subnode(const struct gfdt *t, int parent, const char *name);
/* The node at an absolute path ("/", "/avf", "/cpus/cpu@0"). */
int gfdt_path(const struct gfdt *t, const char *path);

/*
 * Property @name of @node: *@val points at its value inside the blob, *@len is its length.
 * Returns the property's offset, -ENOENT, or -EEXIST when @node has @name twice (a
 * reader must never pick one of two conflicting values).
 */
int gfdt_prop(const struct gfdt *t, int node, const char *name, const uint8_t **val,
	      uint32_t *len);
/*
 * Iterate the properties of @node: @prev = -1 for the first. Returns the next property's
 * offset, or -ENOENT after the last; *@name, *@val, *@len describe it.
 */
int gfdt_next_prop(const struct gfdt *t, int node, int prev, const char **name,
		   const uint8_t **val, uint32_t *len);

/* True when @val (a property value) is a well-formed string list containing @s. */
bool gfdt_stringlist_contains(const uint8_t *val, uint32_t len, const char *s);
/* True when @val is exactly one NUL-terminated string equal to @s. */
bool gfdt_string_equals(const uint8_t *val, uint32_t len, const char *s);

/*
 * Remove property @prop (an offset gfdt_prop/next_prop returned) from the tree in place,
 * by overwriting its token, header and value with FDT_NOP tokens: the blob keeps its size
 * and every other offset. @blob must be the writable memory @t was opened on.
 * Returns 0 or GFDT_EINVAL.
 */
int gfdt_nop_prop(const struct gfdt *t, void *blob, int prop);

#endif /* AVF_GUEST_GFDT_H */
