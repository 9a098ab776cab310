// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: the guest's FDT reader (stack/guest/fdt) and the firmware's DT checks and
 * sanitiser (stack/guest/pvmfw), which read a DT the host wrote.
 *
 * Input: a DTB. Oracles beyond "no crash":
 *   - whatever gfdt_open() accepts, libfdt's fdt_check_full() accepts too, and a full
 *     walk with gfdt sees the same nodes and properties, at the same offsets, as libfdt;
 *   - pvmfw_dt_check() returns NONE or INVALID_FDT with a phrase, and on NONE every value
 *     it hands out satisfies the documented contract (RAM, payload, instance id);
 *   - sanitising keeps the blob valid for both readers and is idempotent.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "stack/guest/fdt/gfdt.h"
#include "stack/guest/pvmfw/pvmfw.h"
#include "stack/vmm/layout.h"

/* Where the firmware would find this DT: the last 2 MiB of 16 MiB of RAM. */
#define FDT_ADDR (VMM_RAM_BASE + 0xe00000)

static const struct pvmfw_layout layout = {
	.fw_base = VMM_FW_BASE, .fw_size = VMM_FW_SIZE, .ram_base = VMM_RAM_BASE,
	.min_ram_size = 0x100000, .ipa_limit = 1ull << VMM_IPA_BITS,
};

static void fail(const char *what)
{
	fprintf(stderr, "fdt_reader oracle: %s\n", what);
	abort();
}

static void compare_node(const struct gfdt *t, const void *blob, int node, int depth)
{
	const char *name, *lf_name;
	const uint8_t *val;
	uint32_t len;
	int lf_prop = fdt_first_property_offset(blob, node), lf_len, prop, child, lf_child;

	if (depth > GFDT_MAX_DEPTH || strcmp(gfdt_name(t, node), fdt_get_name(blob, node, NULL)))
		fail("node name");
	for (prop = gfdt_next_prop(t, node, -1, &name, &val, &len); prop >= 0;
	     prop = gfdt_next_prop(t, node, prop, &name, &val, &len)) {
		const void *lf_val = fdt_getprop_by_offset(blob, lf_prop, &lf_name, &lf_len);

		if (prop != lf_prop || !lf_val || strcmp(name, lf_name) || (int)len != lf_len ||
		    val != lf_val)
			fail("property");
		lf_prop = fdt_next_property_offset(blob, lf_prop);
	}
	if (prop != GFDT_ENOENT || lf_prop >= 0)
		fail("property count");
	lf_child = fdt_first_subnode(blob, node);
	for (child = gfdt_first_child(t, node); child >= 0; child = gfdt_next_sibling(t, child)) {
		if (child != lf_child)
			fail("child offset");
		compare_node(t, blob, child, depth + 1);
		lf_child = fdt_next_subnode(blob, lf_child);
	}
	if (child != GFDT_ENOENT || lf_child >= 0)
		fail("child count");
}

static void check_both_readers(const uint8_t *blob, size_t size)
{
	struct gfdt t;

	if (gfdt_open(&t, blob, size, NULL))
		return;
	if (fdt_check_full(blob, size))
		fail("gfdt accepted a blob libfdt refuses");
	compare_node(&t, blob, gfdt_root(&t), 1);
}

static void check_dt_contract(const struct pvmfw_dt_config *c)
{
	uint64_t ram_end = c->ram_base + c->ram_size;

	if (c->ram_base != VMM_RAM_BASE || c->ram_size < layout.min_ram_size ||
	    c->ram_size % 4096 || ram_end > layout.ipa_limit)
		fail("RAM out of contract");
	if (FDT_ADDR < c->ram_base || c->fdt_size > ram_end - FDT_ADDR)
		fail("DT outside RAM");
	if (c->payload_size == 0 || c->payload_addr < c->ram_base ||
	    c->payload_size > ram_end - c->payload_addr)
		fail("payload outside RAM");
	if (c->payload_addr < FDT_ADDR + c->fdt_size && FDT_ADDR < c->payload_addr + c->payload_size)
		fail("payload overlaps the DT");
	if (c->instance_id_size < 8 || c->instance_id_size > 64)
		fail("instance id size");
	if (c->uart_base && c->uart_base >= VMM_FW_BASE)
		fail("uart in the firmware region or RAM");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvmfw_dt_config cfg;
	const char *detail = NULL;
	enum avf_reboot_reason r;
	uint8_t *blob;
	struct gfdt t;
	int n;

	/* A private, writable copy (the sanitiser writes), exactly @size long for ASan. */
	blob = malloc(size ? size : 1);
	if (!blob)
		return 0;
	memcpy(blob, data, size);
	check_both_readers(blob, size);
	r = pvmfw_dt_check(&t, blob, size, FDT_ADDR, &layout, &cfg, &detail);
	if (r != AVF_REBOOT_NONE && (r != AVF_REBOOT_INVALID_FDT || !detail))
		fail("dt_check result");
	if (r == AVF_REBOOT_NONE) {
		check_dt_contract(&cfg);
		n = pvmfw_dt_sanitise(&t, blob);
		if (n < 0)
			fail("sanitise failed on a checked DT");
		check_both_readers(blob, size);
		if (pvmfw_dt_check(&t, blob, size, FDT_ADDR, &layout, &cfg, NULL) != AVF_REBOOT_NONE ||
		    pvmfw_dt_sanitise(&t, blob) != 0)
			fail("sanitising is not idempotent");
	}
	free(blob);
	return 0;
}
