/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helpers for the pvmfw library (host only): a VM device tree like the VMM's, built
 * with libfdt from a description each test bends to the case it needs, and the layout
 * of stack/vmm/layout.h.
 */
#ifndef AVF_GUEST_PVMFW_TEST_UTIL_H
#define AVF_GUEST_PVMFW_TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>

#include "stack/guest/pvmfw/pvmfw.h"
#include "stack/vmm/layout.h"

static const struct pvmfw_layout test_layout = {
	.fw_base = VMM_FW_BASE,
	.fw_size = VMM_FW_SIZE,
	.ram_base = VMM_RAM_BASE,
	.min_ram_size = 0x100000,
	.ipa_limit = 1ull << VMM_IPA_BITS,
};

/* What the DT says; test_dt_default() gives a valid one. */
struct test_dt {
	unsigned addr_cells, size_cells;
	bool no_cells;
	uint64_t ram_base, ram_size;
	int nr_memory;			/* memory nodes to emit (normally 1) */
	bool uart;
	uint64_t uart_base, uart_size;
	uint32_t uart_reg_shift;	/* emitted when non-zero */
	bool avf;
	bool payload_prop;
	uint64_t payload_addr, payload_size;
	uint32_t payload_prop_len;	/* normally 16 */
	uint32_t instance_id_len;	/* 0: no property */
	uint8_t instance_id[80];
	int debug;			/* -1 absent, -2 empty, else the u32 value */
	bool debug_bad_len;
	bool extra_avf_props;		/* add properties the sanitiser must remove */
	bool rsv_entry;
};

static inline struct test_dt test_dt_default(void)
{
	struct test_dt d = {
		.addr_cells = 2, .size_cells = 2,
		.ram_base = VMM_RAM_BASE, .ram_size = 0x1000000,
		.nr_memory = 1,
		.uart = true, .uart_base = VMM_UART_BASE, .uart_size = VMM_UART_SIZE,
		.avf = true, .payload_prop = true,
		.payload_addr = VMM_RAM_BASE + 0x800000, .payload_size = 0x1000,
		.payload_prop_len = 16,
		.instance_id_len = 8,
		.debug = -1,
	};

	for (unsigned i = 0; i < sizeof(d.instance_id); i++)
		d.instance_id[i] = (uint8_t)(0xa0 + i);
	return d;
}

static inline void test_dt_cells(void *fdt, const struct test_dt *d, const char *name,
				 uint64_t addr, uint64_t size)
{
	fdt32_t cells[4];
	int n = 0;

	if (d->addr_cells == 2)
		cells[n++] = cpu_to_fdt32((uint32_t)(addr >> 32));
	cells[n++] = cpu_to_fdt32((uint32_t)addr);
	if (d->size_cells == 2)
		cells[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
	cells[n++] = cpu_to_fdt32((uint32_t)size);
	assert_int_equal(fdt_property(fdt, name, cells, (int)(n * 4)), 0);
}

static inline void test_dt_avf(void *fdt, const struct test_dt *d)
{
	fdt64_t payload[2] = { cpu_to_fdt64(d->payload_addr), cpu_to_fdt64(d->payload_size) };

	assert_int_equal(fdt_begin_node(fdt, "avf"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "avf,pvm"), 0);
	if (d->extra_avf_props)
		assert_int_equal(fdt_property_string(fdt, "secret-hint", "host-chosen"), 0);
	if (d->payload_prop)
		assert_int_equal(fdt_property(fdt, "payload", payload, (int)d->payload_prop_len), 0);
	if (d->instance_id_len)
		assert_int_equal(fdt_property(fdt, "instance-id", d->instance_id,
					      (int)d->instance_id_len), 0);
	if (d->debug == -2)
		assert_int_equal(fdt_property(fdt, "debug", NULL, 0), 0);
	else if (d->debug >= 0 && d->debug_bad_len)
		assert_int_equal(fdt_property_u64(fdt, "debug", (uint64_t)d->debug), 0);
	else if (d->debug >= 0)
		assert_int_equal(fdt_property_u32(fdt, "debug", (uint32_t)d->debug), 0);
	if (d->extra_avf_props)
		assert_int_equal(fdt_property_u32(fdt, "min-version-override", 0), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
}

/* Build @d into @buf; returns the blob's totalsize. */
static inline size_t test_dt_build(void *buf, size_t size, const struct test_dt *d)
{
	assert_int_equal(fdt_create(buf, (int)size), 0);
	if (d->rsv_entry)
		assert_int_equal(fdt_add_reservemap_entry(buf, d->ram_base, 0x1000), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	if (!d->no_cells) {
		assert_int_equal(fdt_property_u32(buf, "#address-cells", d->addr_cells), 0);
		assert_int_equal(fdt_property_u32(buf, "#size-cells", d->size_cells), 0);
	}
	for (int i = 0; i < d->nr_memory; i++) {
		assert_int_equal(fdt_begin_node(buf, i ? "memory@1" : "memory"), 0);
		assert_int_equal(fdt_property_string(buf, "device_type", "memory"), 0);
		test_dt_cells(buf, d, "reg", d->ram_base, d->ram_size);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	if (d->uart) {
		assert_int_equal(fdt_begin_node(buf, "U6_16550A@3f8"), 0);
		assert_int_equal(fdt_property_string(buf, "compatible", "ns16550a"), 0);
		test_dt_cells(buf, d, "reg", d->uart_base, d->uart_size);
		if (d->uart_reg_shift)
			assert_int_equal(fdt_property_u32(buf, "reg-shift", d->uart_reg_shift), 0);
		assert_int_equal(fdt_end_node(buf), 0);
	}
	if (d->avf)
		test_dt_avf(buf, d);
	assert_int_equal(fdt_begin_node(buf, "chosen"), 0);
	assert_int_equal(fdt_property_string(buf, "bootargs", "quiet"), 0);
	assert_int_equal(fdt_property_string(buf, "stdout-path", "/U6_16550A@3f8"), 0);
	assert_int_equal(fdt_property_u64(buf, "kaslr-seed", 0x1234), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	return fdt_totalsize(buf);
}

#endif /* AVF_GUEST_PVMFW_TEST_UTIL_H */
