// SPDX-License-Identifier: Apache-2.0
/*
 * Booting without pvmfw, in a normal (non-protected) VM only: the VM as the VMM's DT
 * describes it (docs/RUNTIME.md, "Boot without pvmfw"). Nothing here is verified (in a
 * normal VM the host sees and controls everything anyway) and there are no secrets: the
 * runtime has no CDIs, so the instance secret is refused.
 */
#include "stack/guest/runtime/rt_internal.h"

#include "stack/guest/fdt/gfdt.h"

#define FDT_MAX		0x200000u

static bool node_reg(const struct gfdt *t, int node, uint32_t ac, uint32_t sc, uint64_t *base,
		     uint64_t *size)
{
	const uint8_t *val;
	uint32_t len;

	if (gfdt_prop(t, node, "reg", &val, &len) < 0 || len < 4 * (ac + sc))
		return false;
	*base = gfdt_read_cells(val, ac);
	*size = gfdt_read_cells(val + 4 * ac, sc);
	return true;
}

static bool cells(const struct gfdt *t, const char *name, uint32_t *out)
{
	const uint8_t *val;
	uint32_t len;

	if (gfdt_prop(t, gfdt_root(t), name, &val, &len) < 0 || len != 4)
		return false;
	*out = gfdt_be32(val);
	return *out == 1 || *out == 2;
}

/* The RAM node and the first ns16550a; false when the DT does not say. */
static bool scan(const struct gfdt *t, struct rt_vm_info *info)
{
	uint32_t ac, sc, len;
	const uint8_t *val;
	uint64_t size;

	if (!cells(t, "#address-cells", &ac) || !cells(t, "#size-cells", &sc))
		return false;
	for (int n = gfdt_first_child(t, gfdt_root(t)); n >= 0; n = gfdt_next_sibling(t, n)) {
		if (gfdt_prop(t, n, "device_type", &val, &len) >= 0 &&
		    gfdt_string_equals(val, len, "memory") && !info->ram_size)
			node_reg(t, n, ac, sc, &info->ram_base, &info->ram_size);
		if (gfdt_prop(t, n, "compatible", &val, &len) >= 0 &&
		    gfdt_stringlist_contains(val, len, "ns16550a") && !info->uart_base &&
		    node_reg(t, n, ac, sc, &info->uart_base, &size) && info->uart_base >= (1ull << 30))
			info->uart_base = 0;	/* not in the device region: no console */
	}
	return info->ram_size != 0;
}

bool rt_info_from_dt(uint64_t fdt, struct rt_vm_info *info)
{
	const uint8_t *blob = (const uint8_t *)(uintptr_t)fdt;
	uint32_t total;
	struct gfdt t;

	if (!fdt || fdt % 8)
		return false;
	total = gfdt_be32(blob + 4);
	if (total > FDT_MAX || gfdt_open(&t, blob, total, (const char **)0))
		return false;
	*info = (struct rt_vm_info){ .fdt_addr = fdt, .fdt_size = total,
				     .dice_mode = AVF_DICE_MODE_NORMAL };
	return scan(&t, info);
}
