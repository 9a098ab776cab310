// SPDX-License-Identifier: Apache-2.0
/*
 * gfdt: strict flattened device tree reader (gfdt.h). Every read goes through
 * struct_word()/struct_bytes_ok(), which check the offset against the structure block
 * before touching memory; offsets only ever grow while walking, so every walk ends.
 */
#include "stack/guest/fdt/gfdt.h"

#define HDR_MAGIC		0
#define HDR_TOTALSIZE		4
#define HDR_OFF_STRUCT		8
#define HDR_OFF_STRINGS		12
#define HDR_OFF_RSVMAP		16
#define HDR_VERSION		20
#define HDR_LAST_COMP		24
#define HDR_SIZE_STRINGS	32
#define HDR_SIZE_STRUCT		36

/* Sizes are kept below 2 GiB so that every offset fits an int. */
#define GFDT_MAX_TOTALSIZE	0x7ffffff0u

uint32_t gfdt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t gfdt_be64(const uint8_t *p)
{
	return (uint64_t)gfdt_be32(p) << 32 | gfdt_be32(p + 4);
}

uint64_t gfdt_read_cells(const uint8_t *p, unsigned cells)
{
	return cells == 2 ? gfdt_be64(p) : gfdt_be32(p);
}

static int fail(const char *why, const char **detail)
{
	if (detail)
		*detail = why;
	return GFDT_EINVAL;
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static uint32_t align4(uint32_t v)
{
	return (v + 3u) & ~3u;
}

/* [off, off + len) lies inside the structure block. */
static bool struct_bytes_ok(const struct gfdt *t, uint32_t off, uint32_t len)
{
	return off <= t->struct_size && len <= t->struct_size - off;
}

static const uint8_t *struct_ptr(const struct gfdt *t, uint32_t off)
{
	return t->blob + t->struct_off + off;
}

/* Length of the NUL-terminated string at @p with at most @max bytes readable, or -1. */
static int bounded_strlen(const uint8_t *p, uint32_t max)
{
	for (uint32_t i = 0; i < max; i++)
		if (p[i] == 0)
			return (int)i;
	return -1;
}

/* The property name at strings offset @nameoff, or NULL if it is not a valid one. */
static const char *string_at(const struct gfdt *t, uint32_t nameoff)
{
	const uint8_t *s = t->blob + t->strings_off + nameoff;
	int n;

	if (nameoff >= t->strings_size)
		return NULL;
	n = bounded_strlen(s, t->strings_size - nameoff);
	return n > 0 ? (const char *)s : NULL;
}

/*
 * Decode the token at @off: its kind in *@tok and the offset just past it (name, value
 * and padding included) in *@next. GFDT_EINVAL if it crosses the block's end.
 */
static int read_token(const struct gfdt *t, uint32_t off, uint32_t *tok, uint32_t *next)
{
	uint32_t len;
	int n;

	if (off % 4 || !struct_bytes_ok(t, off, 4))
		return GFDT_EINVAL;
	*tok = gfdt_be32(struct_ptr(t, off));
	switch (*tok) {
	case GFDT_BEGIN_NODE:
		n = bounded_strlen(struct_ptr(t, off + 4), t->struct_size - off - 4);
		if (n < 0)
			return GFDT_EINVAL;
		*next = off + 4 + align4((uint32_t)n + 1);
		return *next <= t->struct_size ? 0 : GFDT_EINVAL;
	case GFDT_PROP:
		if (!struct_bytes_ok(t, off + 4, 8))
			return GFDT_EINVAL;
		len = gfdt_be32(struct_ptr(t, off + 4));
		if (len > t->struct_size - off - 12)
			return GFDT_EINVAL;
		*next = off + 12 + len;
		*next = align4(*next);
		return *next <= t->struct_size ? 0 : GFDT_EINVAL;
	case GFDT_END_NODE:
	case GFDT_NOP:
	case GFDT_END:
		*next = off + 4;
		return 0;
	default:
		return GFDT_EINVAL;
	}
}

static bool valid_node_name(const char *name, int len)
{
	if (len == 0 || len > GFDT_MAX_NAME)
		return false;
	for (int i = 0; i < len; i++)
		if (name[i] <= 0x20 || name[i] >= 0x7f || name[i] == '/')
			return false;
	return true;
}

/* Header fields and block placement. */
static int check_header(struct gfdt *t, const uint8_t *b, size_t avail, const char **detail)
{
	uint32_t rsv_end;

	if (avail < GFDT_HEADER_SIZE)
		return fail("shorter than the 40-byte header", detail);
	if (gfdt_be32(b + HDR_MAGIC) != GFDT_MAGIC)
		return fail("bad magic", detail);
	t->totalsize = gfdt_be32(b + HDR_TOTALSIZE);
	if (t->totalsize < GFDT_HEADER_SIZE || t->totalsize > avail ||
	    t->totalsize > GFDT_MAX_TOTALSIZE)
		return fail("totalsize out of range", detail);
	if (gfdt_be32(b + HDR_VERSION) < GFDT_VERSION || gfdt_be32(b + HDR_LAST_COMP) > GFDT_VERSION)
		return fail("unsupported version (need 17)", detail);
	t->struct_off = gfdt_be32(b + HDR_OFF_STRUCT);
	t->struct_size = gfdt_be32(b + HDR_SIZE_STRUCT);
	t->strings_off = gfdt_be32(b + HDR_OFF_STRINGS);
	t->strings_size = gfdt_be32(b + HDR_SIZE_STRINGS);
	t->rsvmap_off = gfdt_be32(b + HDR_OFF_RSVMAP);
	if (t->struct_off % 4 || t->struct_off < GFDT_HEADER_SIZE || t->struct_off > t->totalsize ||
	    t->struct_size > t->totalsize - t->struct_off)
		return fail("structure block out of bounds", detail);
	if (t->strings_off < GFDT_HEADER_SIZE || t->strings_off > t->totalsize ||
	    t->strings_size > t->totalsize - t->strings_off)
		return fail("strings block out of bounds", detail);
	if (t->rsvmap_off % 8 || t->rsvmap_off < GFDT_HEADER_SIZE || t->rsvmap_off > t->totalsize)
		return fail("memory reservation map out of bounds", detail);
	/* The map is (address, size) pairs of u64 ending with (0, 0). */
	t->nr_rsv = 0;
	for (rsv_end = t->rsvmap_off;; rsv_end += 16, t->nr_rsv++) {
		if (t->totalsize - rsv_end < 16)
			return fail("memory reservation map not terminated", detail);
		if (gfdt_be64(b + rsv_end) == 0 && gfdt_be64(b + rsv_end + 8) == 0)
			break;
	}
	rsv_end += 16;
	/* No two blocks may share a byte (a block of size 0 overlaps nothing). */
	if ((t->struct_size && t->strings_size && t->struct_off < t->strings_off + t->strings_size &&
	     t->strings_off < t->struct_off + t->struct_size) ||
	    (t->struct_size && t->rsvmap_off < t->struct_off + t->struct_size &&
	     t->struct_off < rsv_end) ||
	    (t->strings_size && t->rsvmap_off < t->strings_off + t->strings_size &&
	     t->strings_off < rsv_end))
		return fail("blocks overlap", detail);
	return 0;
}

struct walk_state {
	int depth;
	bool seen_root, root_done;
	bool has_child[GFDT_MAX_DEPTH + 1];	/* the open node at depth d has a subnode */
};

static int check_begin_node(const struct gfdt *t, uint32_t off, struct walk_state *w,
			    const char **detail)
{
	const char *name = (const char *)struct_ptr(t, off + 4);
	int len = bounded_strlen((const uint8_t *)name, t->struct_size - off - 4);

	if (w->root_done)
		return fail("a node after the root node", detail);
	if (w->depth == 0 && len != 0)
		return fail("the root node has a name", detail);
	if (w->depth > 0 && !valid_node_name(name, len))
		return fail("a node name is empty, too long or has invalid characters", detail);
	if (w->depth == GFDT_MAX_DEPTH)
		return fail("nodes nested too deep", detail);
	w->has_child[w->depth] = true;
	w->depth++;
	w->has_child[w->depth] = false;
	w->seen_root = true;
	return 0;
}

static int check_prop(const struct gfdt *t, uint32_t off, const struct walk_state *w,
		      const char **detail)
{
	if (w->depth == 0)
		return fail("a property outside any node", detail);
	if (w->has_child[w->depth])
		return fail("a property after a subnode", detail);
	if (!string_at(t, gfdt_be32(struct_ptr(t, off + 8))))
		return fail("a property name is outside the strings block or empty", detail);
	return 0;
}

/* One pass over the structure block: every token well-formed and in place. */
static int check_structure(const struct gfdt *t, const char **detail)
{
	struct walk_state w = { 0 };
	uint32_t off = 0, tok, next;
	int err;

	for (;; off = next) {
		if (read_token(t, off, &tok, &next))
			return fail("a token is unknown or crosses the end of the structure block",
				    detail);
		switch (tok) {
		case GFDT_NOP:
			break;
		case GFDT_BEGIN_NODE:
			if ((err = check_begin_node(t, off, &w, detail)))
				return err;
			break;
		case GFDT_END_NODE:
			if (w.depth == 0)
				return fail("FDT_END_NODE without a node", detail);
			if (--w.depth == 0)
				w.root_done = true;
			break;
		case GFDT_PROP:
			if ((err = check_prop(t, off, &w, detail)))
				return err;
			break;
		case GFDT_END:
			if (!w.root_done)
				return fail("FDT_END before the root node is complete", detail);
			if (next != t->struct_size)
				return fail("data after FDT_END", detail);
			return 0;
		}
	}
}

int gfdt_open(struct gfdt *t, const void *blob, size_t avail, const char **detail)
{
	int err;

	t->blob = blob;
	err = check_header(t, blob, avail, detail);
	if (err)
		return err;
	if (t->struct_size == 0)
		return fail("empty structure block", detail);
	return check_structure(t, detail);
}

/* Skip FDT_NOPs from @off; the offset of the next other token, or GFDT_EINVAL. */
static int skip_nops(const struct gfdt *t, uint32_t off, uint32_t *tok)
{
	uint32_t next;

	for (;;) {
		if (read_token(t, off, tok, &next))
			return GFDT_EINVAL;
		if (*tok != GFDT_NOP)
			return (int)off;
		off = next;
	}
}

int gfdt_root(const struct gfdt *t)
{
	uint32_t tok;
	int off = skip_nops(t, 0, &tok);

	return off >= 0 && tok == GFDT_BEGIN_NODE ? off : GFDT_EINVAL;
}

static bool is_node(const struct gfdt *t, int node)
{
	return node >= 0 && (uint32_t)node % 4 == 0 && struct_bytes_ok(t, (uint32_t)node, 4) &&
	       gfdt_be32(struct_ptr(t, (uint32_t)node)) == GFDT_BEGIN_NODE;
}

/* The offset of the first token after @node's name and properties. */
static int after_props(const struct gfdt *t, int node, uint32_t *tok)
{
	uint32_t off, next;
	int cur;

	if (!is_node(t, node) || read_token(t, (uint32_t)node, tok, &next))
		return GFDT_EINVAL;
	for (off = next;; off = next) {
		cur = skip_nops(t, off, tok);
		if (cur < 0)
			return cur;
		if (*tok != GFDT_PROP)
			return cur;
		if (read_token(t, (uint32_t)cur, tok, &next))
			return GFDT_EINVAL;
	}
}

int gfdt_first_child(const struct gfdt *t, int node)
{
	uint32_t tok;
	int off = after_props(t, node, &tok);

	if (off < 0)
		return off;
	return tok == GFDT_BEGIN_NODE ? off : GFDT_ENOENT;
}

int gfdt_next_sibling(const struct gfdt *t, int node)
{
	uint32_t off, tok, next;
	int depth = 0, cur;

	if (!is_node(t, node))
		return GFDT_EINVAL;
	/* Walk to the END_NODE closing @node. */
	for (off = (uint32_t)node;; off = next) {
		if (read_token(t, off, &tok, &next))
			return GFDT_EINVAL;
		if (tok == GFDT_BEGIN_NODE)
			depth++;
		else if (tok == GFDT_END_NODE && --depth == 0)
			break;
		else if (tok == GFDT_END)
			return GFDT_EINVAL;
	}
	cur = skip_nops(t, next, &tok);
	if (cur < 0)
		return cur;
	return tok == GFDT_BEGIN_NODE ? cur : GFDT_ENOENT;
}

const char *gfdt_name(const struct gfdt *t, int node)
{
	return is_node(t, node) ? (const char *)struct_ptr(t, (uint32_t)node + 4) : NULL;
}

/* @child matches @name exactly, or by its part before '@' when @name has no '@'. */
static bool name_matches(const char *child, const char *name)
{
	const char *c = child, *n = name;
	bool has_at = false;

	for (const char *p = name; *p; p++)
		has_at |= *p == '@';
	while (*n && *c == *n)
		c++, n++;
	if (*n)
		return false;
	return *c == 0 || (!has_at && *c == '@');
}

int gfdt_subnode(const struct gfdt *t, int parent, const char *name)
{
	int child, found = GFDT_ENOENT;

	for (child = gfdt_first_child(t, parent); child >= 0; child = gfdt_next_sibling(t, child)) {
		if (!name_matches(gfdt_name(t, child), name))
			continue;
		if (found >= 0)
			return GFDT_EEXIST;
		found = child;
	}
	return child == GFDT_ENOENT ? found : child;
}

int gfdt_path(const struct gfdt *t, const char *path)
{
	char part[GFDT_MAX_NAME + 1];
	int node = gfdt_root(t);

	if (path[0] != '/')
		return GFDT_EINVAL;
	path++;
	while (node >= 0 && *path) {
		int n = 0;

		while (path[n] && path[n] != '/' && n < GFDT_MAX_NAME)
			part[n] = path[n], n++;
		if (n == 0 || (path[n] && path[n] != '/'))
			return GFDT_EINVAL;	/* "//" or a component too long */
		part[n] = 0;
		node = gfdt_subnode(t, node, part);
		path += n;
		if (*path == '/' && path[1])
			path++;
		else if (*path == '/')
			return GFDT_EINVAL;	/* trailing slash */
	}
	return node;
}

int gfdt_next_prop(const struct gfdt *t, int node, int prev, const char **name,
		   const uint8_t **val, uint32_t *len)
{
	uint32_t off, tok, next;
	int cur;

	if (!is_node(t, node))
		return GFDT_EINVAL;
	if (read_token(t, (uint32_t)(prev < 0 ? node : prev), &tok, &next))
		return GFDT_EINVAL;
	if (prev >= 0 && tok != GFDT_PROP)
		return GFDT_EINVAL;
	off = next;
	cur = skip_nops(t, off, &tok);
	if (cur < 0)
		return cur;
	if (tok != GFDT_PROP)
		return GFDT_ENOENT;
	*name = string_at(t, gfdt_be32(struct_ptr(t, (uint32_t)cur + 8)));
	if (!*name)
		return GFDT_EINVAL;
	*len = gfdt_be32(struct_ptr(t, (uint32_t)cur + 4));
	*val = struct_ptr(t, (uint32_t)cur + 12);
	return cur;
}

int gfdt_prop(const struct gfdt *t, int node, const char *name, const uint8_t **val,
	      uint32_t *len)
{
	const char *pname;
	const uint8_t *v;
	uint32_t l;
	int off, found = GFDT_ENOENT;

	for (off = gfdt_next_prop(t, node, -1, &pname, &v, &l); off >= 0;
	     off = gfdt_next_prop(t, node, off, &pname, &v, &l)) {
		if (!str_eq(pname, name))
			continue;
		if (found >= 0)
			return GFDT_EEXIST;
		found = off;
		*val = v;
		*len = l;
	}
	return off == GFDT_ENOENT ? found : off;
}

bool gfdt_stringlist_contains(const uint8_t *val, uint32_t len, const char *s)
{
	uint32_t start = 0;
	bool found = false;

	if (len == 0 || val[len - 1] != 0)
		return false;
	for (uint32_t i = 0; i < len; i++) {
		if (val[i] != 0)
			continue;
		if (i == start)
			return false;	/* an empty string in the list: malformed */
		found |= str_eq((const char *)val + start, s);
		start = i + 1;
	}
	return found;
}

bool gfdt_string_equals(const uint8_t *val, uint32_t len, const char *s)
{
	return len > 0 && bounded_strlen(val, len) == (int)len - 1 && str_eq((const char *)val, s);
}

int gfdt_nop_prop(const struct gfdt *t, void *blob, int prop)
{
	uint32_t tok, next;
	uint8_t *p;

	if (blob != (const void *)t->blob || prop < 0 || read_token(t, (uint32_t)prop, &tok, &next) ||
	    tok != GFDT_PROP)
		return GFDT_EINVAL;
	p = (uint8_t *)blob + t->struct_off;
	for (uint32_t off = (uint32_t)prop; off < next; off += 4) {
		p[off] = 0;
		p[off + 1] = 0;
		p[off + 2] = 0;
		p[off + 3] = GFDT_NOP;
	}
	return 0;
}
