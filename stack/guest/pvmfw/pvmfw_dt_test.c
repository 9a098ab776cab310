// SPDX-License-Identifier: Apache-2.0
/*
 * The firmware's DT checks: a VMM-like tree passes and yields exactly its values; each
 * refusal comes with its reason and phrase; the sanitiser removes what it must (libfdt
 * confirms) and nothing else.
 */
#include "stack/guest/pvmfw/pvmfw_test_util.h"

#include <stdio.h>

#define FDT_ADDR (VMM_RAM_BASE + 0x1000000 - 0x200000)	/* last 2 MiB of 16 MiB RAM */

static uint8_t blob[4096];

static enum avf_reboot_reason check(const struct test_dt *d, struct pvmfw_dt_config *cfg,
				    const char **why)
{
	size_t size = test_dt_build(blob, sizeof(blob), d);
	struct gfdt t;

	return pvmfw_dt_check(&t, blob, size, FDT_ADDR, &test_layout, cfg, why);
}

static void test_valid_tree(void **state)
{
	struct test_dt d = test_dt_default();
	struct pvmfw_dt_config cfg;
	const char *why = NULL;

	assert_int_equal(check(&d, &cfg, &why), AVF_REBOOT_NONE);
	assert_int_equal(cfg.ram_base, VMM_RAM_BASE);
	assert_int_equal(cfg.ram_size, 0x1000000);
	assert_int_equal(cfg.fdt_size, fdt_totalsize(blob));
	assert_int_equal(cfg.uart_base, 0x3f8);
	assert_int_equal(cfg.payload_addr, VMM_RAM_BASE + 0x800000);
	assert_int_equal(cfg.payload_size, 0x1000);
	assert_int_equal(cfg.instance_id_size, 8);
	assert_memory_equal(cfg.instance_id, d.instance_id, 8);
	assert_false(cfg.debug);
}

static void test_cells_one_and_debug_forms(void **state)
{
	struct test_dt d = test_dt_default();
	struct pvmfw_dt_config cfg;

	/* One cell each: every address of this layout is below 4 GiB. */
	d.addr_cells = 1;
	d.size_cells = 1;
	assert_int_equal(check(&d, &cfg, NULL), AVF_REBOOT_NONE);
	assert_int_equal(cfg.ram_size, 0x1000000);
	d = test_dt_default();
	d.debug = -2;
	assert_int_equal(check(&d, &cfg, NULL), AVF_REBOOT_NONE);
	assert_true(cfg.debug);
	d.debug = 1;
	assert_int_equal(check(&d, &cfg, NULL), AVF_REBOOT_NONE);
	assert_true(cfg.debug);
	d.debug = 0;
	assert_int_equal(check(&d, &cfg, NULL), AVF_REBOOT_NONE);
	assert_false(cfg.debug);
	d.uart = false;
	assert_int_equal(check(&d, &cfg, NULL), AVF_REBOOT_NONE);
	assert_int_equal(cfg.uart_base, 0);
	d.instance_id_len = 64;
	assert_int_equal(check(&d, &cfg, NULL), AVF_REBOOT_NONE);
	assert_int_equal(cfg.instance_id_size, 64);
}

struct dt_case {
	const char *detail;
	void (*bend)(struct test_dt *d);
	bool uart_known;	/* the failure comes after the serial node was accepted */
};

static void no_cells(struct test_dt *d) { d->no_cells = true; }
static void three_cells(struct test_dt *d) { d->addr_cells = 3; }
static void uart_empty(struct test_dt *d) { d->uart_size = 0; }
static void uart_high(struct test_dt *d) { d->uart_base = VMM_FW_BASE - 4; }
static void uart_shift(struct test_dt *d) { d->uart_reg_shift = 2; }
static void rsv(struct test_dt *d) { d->rsv_entry = true; }
static void no_memory(struct test_dt *d) { d->nr_memory = 0; }
static void two_memory(struct test_dt *d) { d->nr_memory = 2; }
static void ram_elsewhere(struct test_dt *d) { d->ram_base = 0x40000000; }
static void ram_odd(struct test_dt *d) { d->ram_size = 0x1000800; }
static void ram_tiny(struct test_dt *d) { d->ram_size = 0x80000; }
static void ram_huge(struct test_dt *d) { d->ram_size = 1ull << 36; }
static void fdt_outside(struct test_dt *d) { d->ram_size = 0x800000; }
static void no_avf(struct test_dt *d) { d->avf = false; }
static void no_payload(struct test_dt *d) { d->payload_prop = false; }
static void payload_short(struct test_dt *d) { d->payload_prop_len = 12; }
static void payload_empty(struct test_dt *d) { d->payload_size = 0; }
static void payload_low(struct test_dt *d) { d->payload_addr = VMM_FW_BASE; }
static void payload_past(struct test_dt *d) { d->payload_size = 0x800001; }
static void payload_wrap(struct test_dt *d) { d->payload_size = ~0ull - 0xfff; }
static void payload_on_fdt(struct test_dt *d) { d->payload_addr = FDT_ADDR - 0x800; }
static void no_instance(struct test_dt *d) { d->instance_id_len = 0; }
static void instance_short(struct test_dt *d) { d->instance_id_len = 7; }
static void instance_long(struct test_dt *d) { d->instance_id_len = 65; }
static void debug_two(struct test_dt *d) { d->debug = 2; }
static void debug_u64(struct test_dt *d) { d->debug = 1; d->debug_bad_len = true; }

static const struct dt_case dt_cases[] = {
	{ "root #address-cells or #size-cells missing or not 1 or 2", no_cells, false },
	{ "root #address-cells or #size-cells missing or not 1 or 2", three_cells, false },
	{ "the serial node's reg is not one non-empty range", uart_empty, false },
	{ "the serial port is not below the firmware region", uart_high, false },
	{ "the serial port has a reg-shift other than 0", uart_shift, false },
	{ "the memory reservation map is not empty", rsv, true },
	{ "no memory node", no_memory, true },
	{ "more than one memory node", two_memory, true },
	{ "RAM does not start where the layout puts it", ram_elsewhere, true },
	{ "RAM is smaller than the minimum or not a multiple of 4 KiB", ram_odd, true },
	{ "RAM is smaller than the minimum or not a multiple of 4 KiB", ram_tiny, true },
	{ "RAM extends beyond the IPA space", ram_huge, true },
	{ "the DT is not inside RAM", fdt_outside, true },
	{ "no /avf node", no_avf, true },
	{ "/avf/payload is missing or not <u64 address, u64 size>", no_payload, true },
	{ "/avf/payload is missing or not <u64 address, u64 size>", payload_short, true },
	{ "the payload is not inside RAM", payload_empty, true },
	{ "the payload is not inside RAM", payload_low, true },
	{ "the payload is not inside RAM", payload_past, true },
	{ "the payload is not inside RAM", payload_wrap, true },
	{ "the payload overlaps the DT", payload_on_fdt, true },
	{ "/avf/instance-id is missing or not 8 to 64 bytes", no_instance, true },
	{ "/avf/instance-id is missing or not 8 to 64 bytes", instance_short, true },
	{ "/avf/instance-id is missing or not 8 to 64 bytes", instance_long, true },
	{ "/avf/debug is not empty or a u32 0 or 1", debug_two, true },
	{ "/avf/debug is not empty or a u32 0 or 1", debug_u64, true },
};

static void test_each_refusal(void **state)
{
	for (size_t i = 0; i < sizeof(dt_cases) / sizeof(dt_cases[0]); i++) {
		struct test_dt d = test_dt_default();
		struct pvmfw_dt_config cfg;
		const char *why = "unset";

		dt_cases[i].bend(&d);
		print_message("case %zu: %s\n", i, dt_cases[i].detail);
		assert_int_equal(check(&d, &cfg, &why), AVF_REBOOT_INVALID_FDT);
		assert_string_equal(why, dt_cases[i].detail);
		assert_int_equal(cfg.uart_base, dt_cases[i].uart_known ? 0x3f8 : 0);
	}
}

static void test_malformed_blob(void **state)
{
	struct test_dt d = test_dt_default();
	size_t size = test_dt_build(blob, sizeof(blob), &d);
	struct pvmfw_dt_config cfg;
	const char *why;
	struct gfdt t;

	blob[0] ^= 1;
	assert_int_equal(pvmfw_dt_check(&t, blob, size, FDT_ADDR, &test_layout, &cfg, &why),
			 AVF_REBOOT_INVALID_FDT);
	assert_string_equal(why, "bad magic");
	blob[0] ^= 1;
	assert_int_equal(pvmfw_dt_check(&t, blob, size - 1, FDT_ADDR, &test_layout, &cfg, &why),
			 AVF_REBOOT_INVALID_FDT);
	assert_string_equal(why, "totalsize out of range");
}

static void test_sanitise(void **state)
{
	struct test_dt d = test_dt_default();
	struct pvmfw_dt_config cfg;
	size_t size;
	struct gfdt t;
	int avf, chosen;

	d.extra_avf_props = true;
	d.debug = 1;
	size = test_dt_build(blob, sizeof(blob), &d);
	assert_int_equal(pvmfw_dt_check(&t, blob, size, FDT_ADDR, &test_layout, &cfg, NULL),
			 AVF_REBOOT_NONE);
	/* Removed: /avf/secret-hint, /avf/min-version-override, /chosen/kaslr-seed. */
	assert_int_equal(pvmfw_dt_sanitise(&t, blob), 3);
	assert_int_equal(fdt_check_full(blob, size), 0);
	assert_int_equal(fdt_totalsize(blob), size);
	avf = fdt_path_offset(blob, "/avf");
	chosen = fdt_path_offset(blob, "/chosen");
	assert_null(fdt_getprop(blob, avf, "secret-hint", NULL));
	assert_null(fdt_getprop(blob, avf, "min-version-override", NULL));
	assert_null(fdt_getprop(blob, chosen, "kaslr-seed", NULL));
	assert_non_null(fdt_getprop(blob, avf, "compatible", NULL));
	assert_non_null(fdt_getprop(blob, avf, "payload", NULL));
	assert_non_null(fdt_getprop(blob, avf, "instance-id", NULL));
	assert_non_null(fdt_getprop(blob, avf, "debug", NULL));
	assert_string_equal(fdt_getprop(blob, chosen, "bootargs", NULL), "quiet");
	assert_non_null(fdt_getprop(blob, chosen, "stdout-path", NULL));
	/* Idempotent, and the checked values still read the same. */
	assert_int_equal(pvmfw_dt_check(&t, blob, size, FDT_ADDR, &test_layout, &cfg, NULL),
			 AVF_REBOOT_NONE);
	assert_int_equal(pvmfw_dt_sanitise(&t, blob), 0);
	assert_true(cfg.debug);
	assert_int_equal(cfg.payload_addr, VMM_RAM_BASE + 0x800000);
}

/* /chosen and /avf are what the sanitiser edits: they never count as memory or console,
 * so sanitising cannot change what the checks saw. Two /chosen nodes are refused. */
static void test_edited_nodes_are_not_devices(void **state)
{
	struct test_dt d = test_dt_default();
	struct pvmfw_dt_config cfg;
	const char *why;
	size_t size;
	struct gfdt t;
	int chosen;

	size = test_dt_build(blob, sizeof(blob), &d);
	assert_int_equal(fdt_open_into(blob, blob, sizeof(blob)), 0);
	chosen = fdt_path_offset(blob, "/chosen");
	assert_int_equal(fdt_setprop_string(blob, chosen, "device_type", "memory"), 0);
	assert_int_equal(fdt_setprop_string(blob, chosen, "compatible", "ns16550a"), 0);
	assert_int_equal(fdt_pack(blob), 0);
	size = fdt_totalsize(blob);
	assert_int_equal(pvmfw_dt_check(&t, blob, size, FDT_ADDR, &test_layout, &cfg, &why),
			 AVF_REBOOT_NONE);
	assert_int_equal(cfg.uart_base, 0x3f8);
	assert_int_equal(pvmfw_dt_sanitise(&t, blob), 3);	/* kaslr-seed, device_type, compatible */
	assert_int_equal(pvmfw_dt_check(&t, blob, size, FDT_ADDR, &test_layout, &cfg, &why),
			 AVF_REBOOT_NONE);
	assert_int_equal(fdt_open_into(blob, blob, sizeof(blob)), 0);
	assert_true(fdt_add_subnode(blob, 0, "chosen@1") >= 0);
	assert_int_equal(fdt_pack(blob), 0);
	assert_int_equal(pvmfw_dt_check(&t, blob, fdt_totalsize(blob), FDT_ADDR, &test_layout,
					&cfg, &why), AVF_REBOOT_INVALID_FDT);
	assert_string_equal(why, "/chosen is ambiguous");
}

static void test_reason_names_and_mapping(void **state)
{
	static const char *const names[] = {
		"None", "InvalidFdt", "InvalidPayload", "PayloadVerificationError",
		"RollbackVersion", "InvalidConfig", "SecretDerivationError", "InternalError",
	};
	static const enum avf_reboot_reason map[AVF_PAYLOAD_NR_STATUS] = {
		[AVF_PAYLOAD_OK] = AVF_REBOOT_NONE,
		[AVF_PAYLOAD_TRUNCATED] = AVF_REBOOT_INVALID_PAYLOAD,
		[AVF_PAYLOAD_BAD_MAGIC] = AVF_REBOOT_INVALID_PAYLOAD,
		[AVF_PAYLOAD_UNSUPPORTED_FORMAT] = AVF_REBOOT_INVALID_PAYLOAD,
		[AVF_PAYLOAD_BAD_HEADER] = AVF_REBOOT_INVALID_PAYLOAD,
		[AVF_PAYLOAD_TRAILING_DATA] = AVF_REBOOT_INVALID_PAYLOAD,
		[AVF_PAYLOAD_UNKNOWN_KEY] = AVF_REBOOT_PAYLOAD_VERIFICATION,
		[AVF_PAYLOAD_BAD_SIGNATURE] = AVF_REBOOT_PAYLOAD_VERIFICATION,
		[AVF_PAYLOAD_VERSION_TOO_OLD] = AVF_REBOOT_ROLLBACK_VERSION,
		[AVF_PAYLOAD_BAD_TRUSTED_KEY] = AVF_REBOOT_INTERNAL_ERROR,
	};

	assert_int_equal(sizeof(names) / sizeof(names[0]), AVF_REBOOT_NR_REASONS);
	for (int i = 0; i < AVF_REBOOT_NR_REASONS; i++)
		assert_string_equal(pvmfw_reason_name(i), names[i]);
	assert_string_equal(pvmfw_reason_name(AVF_REBOOT_NR_REASONS), "?");
	for (int i = 0; i < AVF_PAYLOAD_NR_STATUS; i++)
		assert_int_equal(pvmfw_reason_for_payload(i), map[i]);
	assert_int_equal(pvmfw_reason_for_payload(AVF_PAYLOAD_NR_STATUS), AVF_REBOOT_INTERNAL_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_tree),
		cmocka_unit_test(test_cells_one_and_debug_forms),
		cmocka_unit_test(test_each_refusal),
		cmocka_unit_test(test_malformed_blob),
		cmocka_unit_test(test_sanitise),
		cmocka_unit_test(test_edited_nodes_are_not_devices),
		cmocka_unit_test(test_reason_names_and_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
