// SPDX-License-Identifier: Apache-2.0
/*
 * The firmware's checks of the host's DT (docs/PAYLOAD.md, "The DT contract"). The DT is
 * untrusted: every value the firmware will act on is checked here against the fixed
 * layout, and nothing outside this file reads the DT.
 */
#include "stack/guest/pvmfw/pvmfw.h"

#define PAGE_SIZE 4096u

struct dt_ctx {
	const struct gfdt *t;
	const struct pvmfw_layout *layout;
	struct pvmfw_dt_config *out;
	uint64_t fdt_addr;
	unsigned addr_cells, size_cells;
	int avf, chosen;	/* nodes the sanitiser edits: never memory or console */
	const char **detail;
};

static enum avf_reboot_reason refuse(struct dt_ctx *c, const char *why)
{
	if (c->detail)
		*c->detail = why;
	return AVF_REBOOT_INVALID_FDT;
}

/* [a, a + as) and [b, b + bs) share a byte (sizes > 0, no overflow: checked before). */
static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* [a, a + size) inside [base, base + len), overflow-safely. */
static bool inside(uint64_t a, uint64_t size, uint64_t base, uint64_t len)
{
	return a >= base && a - base <= len && size <= len - (a - base);
}

/* A u32 property that must be 1 or 2 (cells). */
static bool cells_prop(const struct gfdt *t, int node, const char *name, unsigned *out)
{
	const uint8_t *val;
	uint32_t len;

	if (gfdt_prop(t, node, name, &val, &len) < 0 || len != 4)
		return false;
	*out = gfdt_be32(val);
	return *out == 1 || *out == 2;
}

/* A reg property of exactly one (address, size) pair in the root's cells. */
static bool one_reg(struct dt_ctx *c, int node, uint64_t *addr, uint64_t *size)
{
	const uint8_t *val;
	uint32_t len;

	if (gfdt_prop(c->t, node, "reg", &val, &len) < 0 ||
	    len != 4 * (c->addr_cells + c->size_cells))
		return false;
	*addr = gfdt_read_cells(val, c->addr_cells);
	*size = gfdt_read_cells(val + 4 * c->addr_cells, c->size_cells);
	return true;
}

/* The first child of / compatible with ns16550a, if any: the console. */
static enum avf_reboot_reason check_serial(struct dt_ctx *c, int root)
{
	const struct pvmfw_layout *l = c->layout;
	const uint8_t *val;
	uint32_t len;
	uint64_t addr, size;
	int node;

	for (node = gfdt_first_child(c->t, root); node >= 0; node = gfdt_next_sibling(c->t, node)) {
		if (node == c->avf || node == c->chosen)
			continue;
		if (gfdt_prop(c->t, node, "compatible", &val, &len) >= 0 &&
		    gfdt_stringlist_contains(val, len, "ns16550a"))
			break;
	}
	if (node == GFDT_ENOENT)
		return AVF_REBOOT_NONE;		/* no console: allowed */
	if (node < 0)
		return refuse(c, "the tree cannot be walked");
	if (!one_reg(c, node, &addr, &size) || size == 0 || addr + size < addr)
		return refuse(c, "the serial node's reg is not one non-empty range");
	/* MMIO lives below the firmware and RAM in this layout. */
	if (addr + size > l->fw_base)
		return refuse(c, "the serial port is not below the firmware region");
	if (gfdt_prop(c->t, node, "reg-shift", &val, &len) >= 0 &&
	    (len != 4 || gfdt_be32(val) != 0))
		return refuse(c, "the serial port has a reg-shift other than 0");
	c->out->uart_base = addr;
	return AVF_REBOOT_NONE;
}

static enum avf_reboot_reason check_memory(struct dt_ctx *c, int root)
{
	const struct pvmfw_layout *l = c->layout;
	const uint8_t *val;
	uint32_t len;
	uint64_t base = 0, size = 0;
	int node, nr = 0;

	for (node = gfdt_first_child(c->t, root); node >= 0; node = gfdt_next_sibling(c->t, node)) {
		int p = gfdt_prop(c->t, node, "device_type", &val, &len);

		if (node == c->avf || node == c->chosen)
			continue;
		if (p == GFDT_EEXIST)
			return refuse(c, "a node has two device_type properties");
		if (p < 0 || !gfdt_string_equals(val, len, "memory"))
			continue;
		if (++nr > 1)
			return refuse(c, "more than one memory node");
		if (!one_reg(c, node, &base, &size))
			return refuse(c, "the memory node's reg is not exactly one range");
	}
	if (node != GFDT_ENOENT)
		return refuse(c, "the tree cannot be walked");
	if (nr == 0)
		return refuse(c, "no memory node");
	if (base != l->ram_base)
		return refuse(c, "RAM does not start where the layout puts it");
	if (size % PAGE_SIZE || size < l->min_ram_size)
		return refuse(c, "RAM is smaller than the minimum or not a multiple of 4 KiB");
	if (size > l->ipa_limit || base > l->ipa_limit - size)
		return refuse(c, "RAM extends beyond the IPA space");
	if (overlaps(base, size, l->fw_base, l->fw_size))
		return refuse(c, "RAM overlaps the firmware region");
	c->out->ram_base = base;
	c->out->ram_size = size;
	return AVF_REBOOT_NONE;
}

/* /avf: where the payload is, which instance this is, debug or not. */
static enum avf_reboot_reason check_avf(struct dt_ctx *c)
{
	struct pvmfw_dt_config *o = c->out;
	const uint8_t *val;
	uint32_t len;
	int node = c->avf, p;

	if (node == GFDT_ENOENT)
		return refuse(c, "no /avf node");
	if (node < 0)
		return refuse(c, "/avf is ambiguous");
	if (gfdt_prop(c->t, node, "payload", &val, &len) < 0 || len != 16)
		return refuse(c, "/avf/payload is missing or not <u64 address, u64 size>");
	o->payload_addr = gfdt_be64(val);
	o->payload_size = gfdt_be64(val + 8);
	if (o->payload_size == 0 ||
	    !inside(o->payload_addr, o->payload_size, o->ram_base, o->ram_size))
		return refuse(c, "the payload is not inside RAM");
	if (overlaps(o->payload_addr, o->payload_size, c->fdt_addr, o->fdt_size))
		return refuse(c, "the payload overlaps the DT");
	if (gfdt_prop(c->t, node, "instance-id", &val, &len) < 0 ||
	    len < PVMFW_INSTANCE_ID_MIN || len > AVF_INSTANCE_ID_MAX)
		return refuse(c, "/avf/instance-id is missing or not 8 to 64 bytes");
	o->instance_id = val;
	o->instance_id_size = len;
	p = gfdt_prop(c->t, node, "debug", &val, &len);
	if (p == GFDT_ENOENT)
		o->debug = false;
	else if (p >= 0 && len == 0)
		o->debug = true;
	else if (p >= 0 && len == 4 && gfdt_be32(val) <= 1)
		o->debug = gfdt_be32(val) == 1;
	else
		return refuse(c, "/avf/debug is not empty or a u32 0 or 1");
	return AVF_REBOOT_NONE;
}

enum avf_reboot_reason pvmfw_dt_check(struct gfdt *t, const void *blob, size_t avail,
				      uint64_t fdt_addr, const struct pvmfw_layout *layout,
				      struct pvmfw_dt_config *out, const char **detail)
{
	struct dt_ctx c = { .t = t, .layout = layout, .out = out, .fdt_addr = fdt_addr,
			    .avf = GFDT_ENOENT, .chosen = GFDT_ENOENT, .detail = detail };
	enum avf_reboot_reason r;
	int root;

	*out = (struct pvmfw_dt_config){ 0 };
	if (gfdt_open(t, blob, avail, detail))
		return AVF_REBOOT_INVALID_FDT;
	out->fdt_size = t->totalsize;
	root = gfdt_root(t);
	c.avf = gfdt_path(t, "/avf");
	c.chosen = gfdt_path(t, "/chosen");
	if (c.chosen < 0 && c.chosen != GFDT_ENOENT)
		return refuse(&c, "/chosen is ambiguous");
	if (!cells_prop(t, root, "#address-cells", &c.addr_cells) ||
	    !cells_prop(t, root, "#size-cells", &c.size_cells))
		return refuse(&c, "root #address-cells or #size-cells missing or not 1 or 2");
	if ((r = check_serial(&c, root)) != AVF_REBOOT_NONE)
		return r;
	if (t->nr_rsv)
		return refuse(&c, "the memory reservation map is not empty");
	if ((r = check_memory(&c, root)) != AVF_REBOOT_NONE)
		return r;
	if (!inside(fdt_addr, out->fdt_size, out->ram_base, out->ram_size))
		return refuse(&c, "the DT is not inside RAM");
	return check_avf(&c);
}

static bool name_in(const char *name, const char *const *list)
{
	for (; *list; list++) {
		const char *a = name, *b = *list;

		while (*a && *a == *b)
			a++, b++;
		if (*a == *b)
			return true;
	}
	return false;
}

/* NOP every property of @path not in @keep; the count removed, or a GFDT error. */
static int strip_node(const struct gfdt *t, void *blob, const char *path,
		      const char *const *keep)
{
	const char *name;
	const uint8_t *val;
	uint32_t len;
	int node = gfdt_path(t, path), prev = -1, cur, removed = 0, err;

	if (node == GFDT_ENOENT)
		return 0;
	if (node < 0)
		return node;
	/* A removed property turns into NOPs, which the next lookup from @prev skips. */
	while ((cur = gfdt_next_prop(t, node, prev, &name, &val, &len)) >= 0) {
		if (name_in(name, keep)) {
			prev = cur;
			continue;
		}
		if ((err = gfdt_nop_prop(t, blob, cur)))
			return err;
		removed++;
	}
	return cur == GFDT_ENOENT ? removed : cur;
}

int pvmfw_dt_sanitise(const struct gfdt *t, void *blob)
{
	static const char *const avf_keep[] = { "compatible", "payload", "instance-id", "debug",
						NULL };
	static const char *const chosen_keep[] = { "bootargs", "stdout-path", NULL };
	int a = strip_node(t, blob, "/avf", avf_keep), b;

	if (a < 0)
		return a;
	b = strip_node(t, blob, "/chosen", chosen_keep);
	return b < 0 ? b : a + b;
}
