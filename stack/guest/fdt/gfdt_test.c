// SPDX-License-Identifier: Apache-2.0
/*
 * gfdt against libfdt: trees built with libfdt read back the same through gfdt, every
 * refusal of gfdt_open() with its exact phrase on hand-made blobs, lookups (unit
 * addresses, paths, ambiguity), in-place property removal, and a differential run over
 * deterministic mutations of a real tree: whatever gfdt accepts, libfdt accepts too and
 * sees the same nodes and properties.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include "stack/guest/fdt/gfdt.h"

/* ---- a libfdt-built tree like the VMM's ------------------------------------------------ */

static size_t build_vm_tree(uint8_t *buf, size_t size)
{
	static const uint8_t instance[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	fdt32_t reg[4] = { cpu_to_fdt32(0), cpu_to_fdt32(0x80000000u), cpu_to_fdt32(0),
			   cpu_to_fdt32(0x4000000u) };
	assert_int_equal(fdt_create(buf, (int)size), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_property_u32(buf, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(buf, "#size-cells", 2), 0);
	assert_int_equal(fdt_property_string(buf, "compatible", "linux,dummy-virt"), 0);
	assert_int_equal(fdt_begin_node(buf, "memory@80000000"), 0);
	assert_int_equal(fdt_property_string(buf, "device_type", "memory"), 0);
	assert_int_equal(fdt_property(buf, "reg", reg, sizeof(reg)), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "U6_16550A@3f8"), 0);
	assert_int_equal(fdt_property(buf, "compatible", "ns16550a\0ns16550", 17), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "avf"), 0);
	assert_int_equal(fdt_property(buf, "instance-id", instance, sizeof(instance)), 0);
	assert_int_equal(fdt_property(buf, "debug", NULL, 0), 0);
	assert_int_equal(fdt_begin_node(buf, "inner"), 0);
	assert_int_equal(fdt_property_u32(buf, "x", 7), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_begin_node(buf, "chosen"), 0);
	assert_int_equal(fdt_property_string(buf, "bootargs", "console=hvc0"), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

/* libfdt's offset of property @name of @node. */
static int lf_prop_offset(const void *blob, int node, const char *name)
{
	for (int off = fdt_first_property_offset(blob, node); off >= 0;
	     off = fdt_next_property_offset(blob, off)) {
		const char *n;

		fdt_getprop_by_offset(blob, off, &n, NULL);
		if (strcmp(n, name) == 0)
			return off;
	}
	return -1;
}

static void test_reads_libfdt_tree(void **state)
{
	uint8_t buf[2048];
	size_t size = build_vm_tree(buf, sizeof(buf));
	const char *why = NULL;
	const uint8_t *val;
	uint32_t len;
	struct gfdt t;
	int root, node;

	assert_int_equal(gfdt_open(&t, buf, size, &why), 0);
	assert_int_equal(t.nr_rsv, 0);
	root = gfdt_root(&t);
	assert_int_equal(root, fdt_path_offset(buf, "/"));
	assert_string_equal(gfdt_name(&t, root), "");
	node = gfdt_first_child(&t, root);
	assert_string_equal(gfdt_name(&t, node), "memory@80000000");
	node = gfdt_next_sibling(&t, node);
	assert_string_equal(gfdt_name(&t, node), "U6_16550A@3f8");
	node = gfdt_next_sibling(&t, node);
	assert_string_equal(gfdt_name(&t, node), "avf");
	assert_int_equal(node, fdt_path_offset(buf, "/avf"));
	node = gfdt_next_sibling(&t, node);
	assert_string_equal(gfdt_name(&t, node), "chosen");
	assert_int_equal(gfdt_next_sibling(&t, node), GFDT_ENOENT);
	assert_int_equal(gfdt_first_child(&t, node), GFDT_ENOENT);

	/* Unit addresses: "memory" finds memory@80000000, an exact name too. */
	assert_int_equal(gfdt_subnode(&t, root, "memory"), fdt_path_offset(buf, "/memory@80000000"));
	assert_int_equal(gfdt_subnode(&t, root, "memory@80000000"),
			 fdt_path_offset(buf, "/memory@80000000"));
	assert_int_equal(gfdt_subnode(&t, root, "memory@8"), GFDT_ENOENT);
	assert_int_equal(gfdt_subnode(&t, root, "memor"), GFDT_ENOENT);
	assert_int_equal(gfdt_path(&t, "/avf/inner"), fdt_path_offset(buf, "/avf/inner"));
	assert_int_equal(gfdt_path(&t, "/"), root);
	assert_int_equal(gfdt_path(&t, "/nope"), GFDT_ENOENT);
	assert_int_equal(gfdt_path(&t, "/avf/"), GFDT_EINVAL);
	assert_int_equal(gfdt_path(&t, "//avf"), GFDT_EINVAL);
	assert_int_equal(gfdt_path(&t, "avf"), GFDT_EINVAL);

	node = gfdt_path(&t, "/memory");
	assert_int_equal(gfdt_prop(&t, node, "reg", &val, &len), lf_prop_offset(buf, node, "reg"));
	assert_int_equal(len, 16);
	assert_int_equal(gfdt_read_cells(val, 2), 0x80000000ull);
	assert_int_equal(gfdt_read_cells(val + 8, 2), 0x4000000ull);
	assert_int_equal(gfdt_read_cells(val + 12, 1), 0x4000000ull);
	assert_int_equal(gfdt_prop(&t, node, "nope", &val, &len), GFDT_ENOENT);
	assert_int_equal(gfdt_prop(&t, gfdt_path(&t, "/avf"), "debug", &val, &len) > 0, 1);
	assert_int_equal(len, 0);

	node = gfdt_path(&t, "/U6_16550A");
	assert_true(gfdt_prop(&t, node, "compatible", &val, &len) > 0);
	assert_true(gfdt_stringlist_contains(val, len, "ns16550a"));
	assert_true(gfdt_stringlist_contains(val, len, "ns16550"));
	assert_false(gfdt_stringlist_contains(val, len, "ns1655"));
	assert_false(gfdt_string_equals(val, len, "ns16550a"));	/* a list of two */
	assert_true(gfdt_prop(&t, gfdt_path(&t, "/memory"), "device_type", &val, &len) > 0);
	assert_true(gfdt_string_equals(val, len, "memory"));
}

static void test_prop_iteration_and_nop(void **state)
{
	uint8_t buf[2048], copy[2048];
	size_t size = build_vm_tree(buf, sizeof(buf));
	const char *names[8], *name;
	const uint8_t *val;
	uint32_t len;
	struct gfdt t;
	int n = 0, off, node;

	assert_int_equal(gfdt_open(&t, buf, size, NULL), 0);
	node = gfdt_root(&t);
	for (off = gfdt_next_prop(&t, node, -1, &name, &val, &len); off >= 0;
	     off = gfdt_next_prop(&t, node, off, &name, &val, &len))
		names[n++] = name;
	assert_int_equal(off, GFDT_ENOENT);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "#address-cells");
	assert_string_equal(names[1], "#size-cells");
	assert_string_equal(names[2], "compatible");

	node = gfdt_path(&t, "/avf");
	off = gfdt_prop(&t, node, "instance-id", &val, &len);
	assert_true(off > 0);
	memcpy(copy, buf, size);
	assert_int_equal(gfdt_nop_prop(&t, copy, off), GFDT_EINVAL);	/* not @t's blob */
	assert_int_equal(gfdt_nop_prop(&t, buf, off + 4), GFDT_EINVAL);	/* not a property */
	assert_int_equal(gfdt_nop_prop(&t, buf, off), 0);
	assert_int_equal(gfdt_open(&t, buf, size, NULL), 0);
	assert_int_equal(gfdt_prop(&t, node, "instance-id", &val, &len), GFDT_ENOENT);
	assert_true(gfdt_prop(&t, node, "debug", &val, &len) > 0);
	assert_int_equal(gfdt_path(&t, "/avf/inner"), fdt_path_offset(buf, "/avf/inner"));
	/* libfdt agrees the property is gone and the tree is intact. */
	assert_int_equal(fdt_check_full(buf, size), 0);
	assert_null(fdt_getprop(buf, node, "instance-id", NULL));
	assert_non_null(fdt_getprop(buf, node, "debug", NULL));
}

/* ---- hand-made blobs -------------------------------------------------------------------- */

struct bb {
	uint32_t words[256];
	unsigned n;
	char strings[128];
	unsigned strings_len;
};

static void bb_word(struct bb *b, uint32_t w)
{
	b->words[b->n++] = w;
}

static void bb_begin(struct bb *b, const char *name)
{
	size_t len = strlen(name) + 1;
	uint8_t tmp[64] = { 0 };

	bb_word(b, GFDT_BEGIN_NODE);
	memcpy(tmp, name, len);
	for (size_t i = 0; i < (len + 3) / 4; i++)
		bb_word(b, (uint32_t)tmp[4 * i] << 24 | (uint32_t)tmp[4 * i + 1] << 16 |
			   (uint32_t)tmp[4 * i + 2] << 8 | tmp[4 * i + 3]);
}

/* Property with a u32 value; the name is added to the strings block. */
static void bb_prop(struct bb *b, const char *name, uint32_t value)
{
	bb_word(b, GFDT_PROP);
	bb_word(b, 4);
	bb_word(b, b->strings_len);
	bb_word(b, value);
	memcpy(b->strings + b->strings_len, name, strlen(name) + 1);
	b->strings_len += (unsigned)strlen(name) + 1;
}

/* Header, empty reservation map at 40, structure at 56, strings after it. */
static size_t bb_finish(const struct bb *b, uint8_t *out)
{
	uint32_t struct_size = b->n * 4, off = 56;

	memset(out, 0, 1024);
	for (unsigned i = 0; i < b->n; i++)
		*(fdt32_t *)(out + off + 4 * i) = cpu_to_fdt32(b->words[i]);
	memcpy(out + off + struct_size, b->strings, b->strings_len);
	*(fdt32_t *)(out + 0) = cpu_to_fdt32(GFDT_MAGIC);
	*(fdt32_t *)(out + 4) = cpu_to_fdt32(off + struct_size + b->strings_len);
	*(fdt32_t *)(out + 8) = cpu_to_fdt32(off);
	*(fdt32_t *)(out + 12) = cpu_to_fdt32(off + struct_size);
	*(fdt32_t *)(out + 16) = cpu_to_fdt32(40);
	*(fdt32_t *)(out + 20) = cpu_to_fdt32(17);
	*(fdt32_t *)(out + 24) = cpu_to_fdt32(16);
	*(fdt32_t *)(out + 32) = cpu_to_fdt32(b->strings_len);
	*(fdt32_t *)(out + 36) = cpu_to_fdt32(struct_size);
	return off + struct_size + b->strings_len;
}

static void set_be32(uint8_t *blob, size_t off, uint32_t v)
{
	*(fdt32_t *)(blob + off) = cpu_to_fdt32(v);
}

static void expect_refused(const uint8_t *blob, size_t avail, const char *detail)
{
	struct gfdt t;
	const char *why = "unset";

	assert_int_equal(gfdt_open(&t, blob, avail, &why), GFDT_EINVAL);
	assert_string_equal(why, detail);
}

/* A minimal good tree: / { a = <1>; n { }; }. */
static size_t minimal(uint8_t *out)
{
	struct bb b = { .n = 0 };

	bb_begin(&b, "");
	bb_prop(&b, "a", 1);
	bb_begin(&b, "n");
	bb_word(&b, GFDT_END_NODE);
	bb_word(&b, GFDT_END_NODE);
	bb_word(&b, GFDT_END);
	return bb_finish(&b, out);
}

static void test_minimal_is_valid_for_both(void **state)
{
	uint8_t blob[1024];
	size_t size = minimal(blob);
	struct gfdt t;

	assert_int_equal(gfdt_open(&t, blob, size, NULL), 0);
	assert_int_equal(fdt_check_full(blob, size), 0);
}

static void test_header_refusals(void **state)
{
	uint8_t blob[1024];
	size_t size = minimal(blob);

	expect_refused(blob, 39, "shorter than the 40-byte header");
	set_be32(blob, 0, 0xd00dfeee);
	expect_refused(blob, size, "bad magic");
	size = minimal(blob);
	expect_refused(blob, size - 1, "totalsize out of range");
	set_be32(blob, 4, 39);
	expect_refused(blob, size, "totalsize out of range");
	size = minimal(blob);
	set_be32(blob, 20, 16);
	expect_refused(blob, size, "unsupported version (need 17)");
	size = minimal(blob);
	set_be32(blob, 24, 18);
	expect_refused(blob, size, "unsupported version (need 17)");
	size = minimal(blob);
	set_be32(blob, 8, 58);
	expect_refused(blob, size, "structure block out of bounds");
	size = minimal(blob);
	set_be32(blob, 8, 36);
	expect_refused(blob, size, "structure block out of bounds");
	size = minimal(blob);
	set_be32(blob, 36, (uint32_t)size);
	expect_refused(blob, size, "structure block out of bounds");
	size = minimal(blob);
	set_be32(blob, 32, 0xfffffff0u);
	expect_refused(blob, size, "strings block out of bounds");
	size = minimal(blob);
	set_be32(blob, 16, 44);
	expect_refused(blob, size, "memory reservation map out of bounds");
	size = minimal(blob);
	set_be32(blob, 16, 32);
	expect_refused(blob, size, "memory reservation map out of bounds");
	/* Strings over the reservation map; a map running into the structure block. */
	size = minimal(blob);
	set_be32(blob, 12, 40);
	set_be32(blob, 32, 8);
	expect_refused(blob, size, "blocks overlap");
	size = minimal(blob);
	set_be32(blob, 44, 0x1000);
	expect_refused(blob, size, "memory reservation map not terminated");
	size = minimal(blob);
	set_be32(blob, 16, (uint32_t)(size - 8) & ~7u);
	expect_refused(blob, size, "memory reservation map not terminated");
	size = minimal(blob);
	set_be32(blob, 12, 60);	/* strings inside the structure block */
	set_be32(blob, 32, 4);
	expect_refused(blob, size, "blocks overlap");
	size = minimal(blob);
	set_be32(blob, 36, 0);
	expect_refused(blob, size, "empty structure block");
}

struct structure_case {
	const char *detail;
	void (*build)(struct bb *b);
};

static void s_unknown(struct bb *b) { bb_begin(b, ""); bb_word(b, 5); }
static void s_prop_cross(struct bb *b)
{
	bb_begin(b, "");
	bb_word(b, GFDT_PROP);
	bb_word(b, 400);
	bb_word(b, 0);
}
static void s_name_unterminated(struct bb *b)
{
	bb_word(b, GFDT_BEGIN_NODE);
	bb_word(b, GFDT_BEGIN_NODE);	/* the root's name runs to the end */
}
static void s_two_roots(struct bb *b)
{
	bb_begin(b, "");
	bb_word(b, GFDT_END_NODE);
	bb_begin(b, "");
	bb_word(b, GFDT_END_NODE);
	bb_word(b, GFDT_END);
}
static void s_root_named(struct bb *b)
{
	bb_begin(b, "r");
	bb_word(b, GFDT_END_NODE);
	bb_word(b, GFDT_END);
}
static void s_empty_name(struct bb *b)
{
	bb_begin(b, "");
	bb_begin(b, "");
}
static void s_slash_name(struct bb *b)
{
	bb_begin(b, "");
	bb_begin(b, "a/b");
}
static void s_space_name(struct bb *b)
{
	bb_begin(b, "");
	bb_begin(b, "a b");
}
static void s_too_deep(struct bb *b)
{
	bb_begin(b, "");
	for (int i = 0; i < GFDT_MAX_DEPTH; i++)
		bb_begin(b, "d");
}
static void s_prop_after_node(struct bb *b)
{
	bb_begin(b, "");
	bb_begin(b, "n");
	bb_word(b, GFDT_END_NODE);
	bb_prop(b, "a", 1);
}
static void s_prop_outside(struct bb *b) { bb_prop(b, "a", 1); }
static void s_bad_nameoff(struct bb *b)
{
	bb_begin(b, "");
	bb_prop(b, "a", 1);
	b->words[b->n - 2] = 99;
}
static void s_empty_propname(struct bb *b)
{
	bb_begin(b, "");
	bb_prop(b, "", 1);
}
static void s_end_node_alone(struct bb *b) { bb_word(b, GFDT_END_NODE); }
static void s_end_early(struct bb *b)
{
	bb_begin(b, "");
	bb_word(b, GFDT_END);
}
static void s_data_after_end(struct bb *b)
{
	bb_begin(b, "");
	bb_word(b, GFDT_END_NODE);
	bb_word(b, GFDT_END);
	bb_word(b, GFDT_NOP);
}
static void s_no_end(struct bb *b)
{
	bb_begin(b, "");
	bb_word(b, GFDT_END_NODE);
	bb_word(b, GFDT_NOP);
}

static const struct structure_case structure_cases[] = {
	{ "a token is unknown or crosses the end of the structure block", s_unknown },
	{ "a token is unknown or crosses the end of the structure block", s_prop_cross },
	{ "a token is unknown or crosses the end of the structure block", s_name_unterminated },
	{ "a token is unknown or crosses the end of the structure block", s_no_end },
	{ "a node after the root node", s_two_roots },
	{ "the root node has a name", s_root_named },
	{ "a node name is empty, too long or has invalid characters", s_empty_name },
	{ "a node name is empty, too long or has invalid characters", s_slash_name },
	{ "a node name is empty, too long or has invalid characters", s_space_name },
	{ "nodes nested too deep", s_too_deep },
	{ "a property after a subnode", s_prop_after_node },
	{ "a property outside any node", s_prop_outside },
	{ "a property name is outside the strings block or empty", s_bad_nameoff },
	{ "a property name is outside the strings block or empty", s_empty_propname },
	{ "FDT_END_NODE without a node", s_end_node_alone },
	{ "FDT_END before the root node is complete", s_end_early },
	{ "data after FDT_END", s_data_after_end },
};

static void test_structure_refusals(void **state)
{
	for (size_t i = 0; i < sizeof(structure_cases) / sizeof(structure_cases[0]); i++) {
		struct bb b = { .n = 0 };
		uint8_t blob[1024];
		size_t size;

		structure_cases[i].build(&b);
		size = bb_finish(&b, blob);
		print_message("case: %s\n", structure_cases[i].detail);
		expect_refused(blob, size, structure_cases[i].detail);
	}
}

static void test_ambiguity_is_refused(void **state)
{
	struct bb b = { .n = 0 };
	uint8_t blob[1024];
	const uint8_t *val;
	uint32_t len;
	struct gfdt t;
	size_t size;
	int root;

	bb_begin(&b, "");
	bb_prop(&b, "reg", 1);
	bb_prop(&b, "reg", 2);
	bb_begin(&b, "uart@1");
	bb_word(&b, GFDT_END_NODE);
	bb_word(&b, GFDT_NOP);
	bb_begin(&b, "uart@2");
	bb_word(&b, GFDT_END_NODE);
	bb_word(&b, GFDT_END_NODE);
	bb_word(&b, GFDT_END);
	size = bb_finish(&b, blob);
	assert_int_equal(gfdt_open(&t, blob, size, NULL), 0);
	root = gfdt_root(&t);
	assert_int_equal(gfdt_prop(&t, root, "reg", &val, &len), GFDT_EEXIST);
	assert_int_equal(gfdt_subnode(&t, root, "uart"), GFDT_EEXIST);
	assert_int_equal(gfdt_path(&t, "/uart"), GFDT_EEXIST);
	assert_true(gfdt_subnode(&t, root, "uart@2") > 0);
	assert_string_equal(gfdt_name(&t, gfdt_next_sibling(&t, gfdt_first_child(&t, root))),
			    "uart@2");
	/* Offsets that are not nodes are refused, never followed. */
	assert_int_equal(gfdt_first_child(&t, root + 4), GFDT_EINVAL);
	assert_int_equal(gfdt_next_sibling(&t, -4), GFDT_EINVAL);
	assert_null(gfdt_name(&t, 2));
	assert_int_equal(gfdt_next_prop(&t, root, root, NULL, NULL, NULL), GFDT_EINVAL);
}

static void test_reservation_entries_counted(void **state)
{
	uint8_t buf[512];
	struct gfdt t;

	assert_int_equal(fdt_create(buf, sizeof(buf)), 0);
	assert_int_equal(fdt_add_reservemap_entry(buf, 0x80000000ull, 0x1000), 0);
	assert_int_equal(fdt_add_reservemap_entry(buf, 0x90000000ull, 0x2000), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	assert_int_equal(gfdt_open(&t, buf, fdt_totalsize(buf), NULL), 0);
	assert_int_equal(t.nr_rsv, 2);
	assert_int_equal(t.rsvmap_off, fdt_off_mem_rsvmap(buf));
}

static void test_string_helpers(void **state)
{
	assert_false(gfdt_stringlist_contains((const uint8_t *)"", 0, ""));
	assert_false(gfdt_stringlist_contains((const uint8_t *)"ab", 2, "ab"));	/* no NUL */
	assert_false(gfdt_stringlist_contains((const uint8_t *)"a\0\0b", 4, "a"));	/* empty */
	assert_true(gfdt_stringlist_contains((const uint8_t *)"a\0bc", 5, "bc"));
	assert_true(gfdt_string_equals((const uint8_t *)"hvc", 4, "hvc"));
	assert_false(gfdt_string_equals((const uint8_t *)"hvc", 3, "hvc"));
	assert_false(gfdt_string_equals((const uint8_t *)"hv\0c", 5, "hv"));
	assert_false(gfdt_string_equals((const uint8_t *)"", 0, ""));
	assert_int_equal(gfdt_be64((const uint8_t *)"\x01\x02\x03\x04\x05\x06\x07\x08"),
			 0x0102030405060708ull);
}

/* ---- differential: mutations of a real tree --------------------------------------------- */

/* Walk the whole tree with gfdt and with libfdt; they must agree node by node. */
static void compare_with_libfdt(const struct gfdt *t, const void *blob, int node, int depth)
{
	const char *name;
	const uint8_t *val;
	uint32_t len;
	int lf_prop, prop, lf_len, child, lf_child;

	assert_string_equal(gfdt_name(t, node), fdt_get_name(blob, node, NULL));
	lf_prop = fdt_first_property_offset(blob, node);
	for (prop = gfdt_next_prop(t, node, -1, &name, &val, &len); prop >= 0;
	     prop = gfdt_next_prop(t, node, prop, &name, &val, &len)) {
		const char *lf_name;
		const void *lf_val;

		assert_int_equal(prop, lf_prop);
		lf_val = fdt_getprop_by_offset(blob, lf_prop, &lf_name, &lf_len);
		assert_non_null(lf_val);
		assert_string_equal(name, lf_name);
		assert_int_equal(len, lf_len);
		assert_ptr_equal(val, lf_val);
		lf_prop = fdt_next_property_offset(blob, lf_prop);
	}
	assert_int_equal(prop, GFDT_ENOENT);
	assert_true(lf_prop < 0);
	lf_child = fdt_first_subnode(blob, node);
	for (child = gfdt_first_child(t, node); child >= 0; child = gfdt_next_sibling(t, child)) {
		assert_int_equal(child, lf_child);
		compare_with_libfdt(t, blob, child, depth + 1);
		lf_child = fdt_next_subnode(blob, lf_child);
	}
	assert_int_equal(child, GFDT_ENOENT);
	assert_true(lf_child < 0);
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void test_mutations_agree_with_libfdt(void **state)
{
	uint8_t orig[2048], blob[2048];
	size_t size = build_vm_tree(orig, sizeof(orig));
	uint64_t seed = 42;
	unsigned accepted = 0;

	for (int iter = 0; iter < 20000; iter++) {
		struct gfdt t;
		int flips = 1 + (int)(rng_next(&seed) % 4);

		memcpy(blob, orig, size);
		for (int f = 0; f < flips; f++) {
			size_t at = rng_next(&seed) % size;

			blob[at] ^= (uint8_t)(1u << (rng_next(&seed) % 8));
		}
		if (gfdt_open(&t, blob, size, NULL) != 0)
			continue;
		accepted++;
		assert_int_equal(fdt_check_full(blob, size), 0);
		compare_with_libfdt(&t, blob, gfdt_root(&t), 0);
	}
	/* Value flips keep the tree valid: the comparison really ran on many trees. */
	assert_true(accepted > 1000);
	print_message("accepted %u of 20000 mutations\n", accepted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_libfdt_tree),
		cmocka_unit_test(test_prop_iteration_and_nop),
		cmocka_unit_test(test_minimal_is_valid_for_both),
		cmocka_unit_test(test_header_refusals),
		cmocka_unit_test(test_structure_refusals),
		cmocka_unit_test(test_ambiguity_is_refused),
		cmocka_unit_test(test_reservation_entries_counted),
		cmocka_unit_test(test_string_helpers),
		cmocka_unit_test(test_mutations_agree_with_libfdt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
