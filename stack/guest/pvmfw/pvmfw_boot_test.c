// SPDX-License-Identifier: Apache-2.0
/*
 * pvmfw_boot() on a fake guest memory (firmware region + 16 MiB of RAM in one buffer):
 * a good VM gets its code at the load address, its bss zeroed, a sanitised DT and a
 * handover whose CDIs match the documented derivation; every other outcome gets its
 * reboot reason and phrase, with guest memory untouched, the handover wiped and the
 * device secret wiped from the config in every case.
 */
#include "stack/guest/payload/payload_test_util.h"
#include "stack/guest/pvmfw/pvmfw_test_util.h"

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/pvmfw/dicecheck/dice_check.h"

static bool guest_verify(const uint8_t pub[32], const uint8_t sig[64], const uint8_t *msg,
			 size_t len)
{
	return crypto_ed25519_verify(sig, msg, len, pub) == 0;
}

#define RAM_SIZE	0x1000000ull
#define FDT_ADDR	(VMM_RAM_BASE + RAM_SIZE - 0x200000)
#define PAYLOAD_ADDR	(VMM_RAM_BASE + 0x800000)
#define CODE_SIZE	1000

struct vm {
	uint8_t *mem;			/* guest addresses [VMM_FW_BASE, RAM end) */
	uint8_t cfg[4096];		/* the config page */
	struct avf_handover ho;
	struct test_key key, other;
	uint8_t code[CODE_SIZE];
	struct pvmfw_platform pl;
	struct test_dt dt;
	struct avf_payload_fields f;
};

static uint8_t *fake_phys(void *ctx, uint64_t pa, uint64_t size)
{
	struct vm *vm = ctx;
	uint64_t end = VMM_RAM_BASE + RAM_SIZE;

	if (pa < VMM_FW_BASE || pa > end || size > end - pa)
		return NULL;
	return vm->mem + (pa - VMM_FW_BASE);
}

static uint8_t *at(struct vm *vm, uint64_t pa)
{
	return vm->mem + (pa - VMM_FW_BASE);
}

static void write_config(struct vm *vm, uint64_t min_version)
{
	struct avf_pvmfw_config c = { .version = 1, .size = 64, .min_payload_version = min_version };

	memcpy(c.magic, AVF_PVMFW_CONFIG_MAGIC, 8);
	for (int i = 0; i < 32; i++)
		c.uds[i] = (uint8_t)(0x33 + i);
	memset(vm->cfg, 0, sizeof(vm->cfg));
	memcpy(vm->cfg, &c, sizeof(c));
}

/* Write the DT and the payload (as f says, signed by @signer) into guest memory. */
static void place(struct vm *vm, const struct test_key *signer)
{
	size_t size;
	uint8_t *img = test_payload_build(&vm->f, vm->code, signer, &size);

	vm->dt.payload_addr = PAYLOAD_ADDR;
	vm->dt.payload_size = size;
	test_dt_build(at(vm, FDT_ADDR), 0x200000, &vm->dt);
	memcpy(at(vm, PAYLOAD_ADDR), img, size);
	free(img);
}

static int setup(void **state)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	vm->mem = calloc(1, VMM_FW_SIZE + RAM_SIZE);
	assert_non_null(vm->mem);
	test_key_make(7, &vm->key);
	test_key_make(8, &vm->other);
	for (int i = 0; i < CODE_SIZE; i++)
		vm->code[i] = (uint8_t)(i * 31 + 7);
	vm->pl = (struct pvmfw_platform){ .layout = test_layout, .trusted_key = vm->key.pub,
					  .phys = fake_phys, .ctx = vm };
	vm->dt = test_dt_default();
	vm->dt.extra_avf_props = true;
	vm->f = test_fields(&vm->key, CODE_SIZE, AVF_PAYLOAD_HASH_SHA512, 4);
	vm->f.entry_offset = 0x40;
	vm->f.load_addr = VMM_RAM_BASE;
	vm->f.mem_size = 0x4000;
	write_config(vm, 3);
	memset(at(vm, VMM_RAM_BASE), 0xcc, 0x4000);	/* stale data where bss goes */
	*state = vm;
	return 0;
}

static int teardown(void **state)
{
	struct vm *vm = *state;

	free(vm->mem);
	free(vm);
	return 0;
}

static void assert_uds_wiped(struct vm *vm)
{
	static const uint8_t zero[32];

	assert_memory_equal(vm->cfg + 24, zero, 32);
}

/* The handover's DICE chain, read by the independent checker with the guest verifier
 * (pvmfw_dicechain_test covers the same checker with OpenSSL): this payload's
 * measurements, its leaf key derived from the CDI_Attest handed over. */
static void check_handover_chain(struct vm *vm, const struct pvmfw_dice_inputs *in,
				 const uint8_t attest[32])
{
	struct dice_chain_info info;
	const char *why;
	uint8_t seed[32], leaf[32];

	assert_int_equal(dice_chain_check(vm->ho.dice_chain, vm->ho.dice_chain_size, guest_verify,
					  &info, &why), 0);
	assert_memory_equal(info.code_hash, in->code_hash, 64);
	assert_memory_equal(info.authority_hash, in->authority_hash, 64);
	assert_int_equal(info.mode, AVF_DICE_MODE_NORMAL);
	assert_int_equal(info.component_version, 4);
	assert_int_equal(pvmfw_dice_key_pair(attest, 32, seed, leaf), 0);
	assert_memory_equal(info.leaf_key, leaf, 32);
}

static void test_good_vm(void **state)
{
	struct vm *vm = *state;
	struct pvmfw_boot_out out;
	struct pvmfw_dice_inputs in;
	struct avf_payload p;
	uint8_t attest[32], seal[32], uds[32];
	uint8_t *img;
	size_t size;

	place(vm, &vm->key);
	/* The expected CDIs, from an untouched copy of the payload, before the boot. */
	img = test_payload_build(&vm->f, vm->code, &vm->key, &size);
	assert_int_equal(avf_payload_parse(img, size, &p, NULL), AVF_PAYLOAD_OK);
	pvmfw_dice_inputs_make(&p, vm->key.pub, false, vm->dt.instance_id, 8, &in);
	memcpy(uds, vm->cfg + 24, 32);
	assert_int_equal(pvmfw_dice_derive(uds, &in, attest, seal), 0);

	assert_int_equal(pvmfw_boot(&vm->pl, FDT_ADDR, vm->cfg, sizeof(vm->cfg), &vm->ho, &out),
			 AVF_REBOOT_NONE);
	assert_string_equal(out.detail, "");
	assert_int_equal(out.entry, VMM_RAM_BASE + 0x40);
	assert_int_equal(out.uart_base, 0x3f8);
	assert_int_equal(out.payload_version, 4);
	assert_memory_equal(out.key_id, vm->key.id, 8);
	assert_int_equal(out.nr_sanitised, 3);
	/* Code in place, the rest of mem_size zeroed. */
	assert_memory_equal(at(vm, VMM_RAM_BASE), vm->code, CODE_SIZE);
	for (uint64_t i = CODE_SIZE; i < 0x4000; i++)
		assert_int_equal(at(vm, VMM_RAM_BASE)[i], 0);
	/* The handover. */
	assert_memory_equal(vm->ho.magic, "AVFHNDOV", 8);
	assert_int_equal(vm->ho.version, 2);
	assert_int_equal(vm->ho.size, sizeof(vm->ho));
	assert_memory_equal(vm->ho.cdi_attest, attest, 32);
	assert_memory_equal(vm->ho.cdi_seal, seal, 32);
	assert_memory_equal(vm->ho.code_hash, in.code_hash, 64);
	assert_memory_equal(vm->ho.authority_hash, in.authority_hash, 64);
	assert_memory_equal(vm->ho.authority_key, vm->key.pub, 32);
	assert_int_equal(vm->ho.mode, AVF_DICE_MODE_NORMAL);
	assert_int_equal(vm->ho.instance_id_size, 8);
	assert_memory_equal(vm->ho.instance_id, vm->dt.instance_id, 8);
	assert_int_equal(vm->ho.payload_version, 4);
	assert_int_equal(vm->ho.ram_base, VMM_RAM_BASE);
	assert_int_equal(vm->ho.ram_size, RAM_SIZE);
	assert_int_equal(vm->ho.fdt_addr, FDT_ADDR);
	assert_int_equal(vm->ho.fdt_size, fdt_totalsize(at(vm, FDT_ADDR)));
	assert_int_equal(vm->ho.uart_base, 0x3f8);
	assert_int_equal(vm->ho.load_addr, VMM_RAM_BASE);
	assert_int_equal(vm->ho.mem_size, 0x4000);
	assert_int_equal(vm->ho.entry, VMM_RAM_BASE + 0x40);
	check_handover_chain(vm, &in, attest);
	/* The DT was sanitised in place. */
	assert_null(fdt_getprop(at(vm, FDT_ADDR), fdt_path_offset(at(vm, FDT_ADDR), "/avf"),
				"secret-hint", NULL));
	assert_uds_wiped(vm);
	crypto_wipe(uds, sizeof(uds));
	free(img);
}

/* The payload file placed so that its code already sits at load_addr: no copy needed;
 * and one overlapping its destination by a few bytes: memmove semantics. */
static void test_overlapping_placements(void **state)
{
	struct vm *vm = *state;
	static const uint64_t srcs[] = { VMM_RAM_BASE + 0x10000 - 128, VMM_RAM_BASE + 0x10000 + 8,
					 VMM_RAM_BASE + 0x10000 - 100 };

	for (int i = 0; i < 3; i++) {
		struct pvmfw_boot_out out;
		size_t size;
		uint8_t *img;

		vm->f.load_addr = VMM_RAM_BASE + 0x10000;
		img = test_payload_build(&vm->f, vm->code, &vm->key, &size);
		memset(vm->mem, 0, VMM_FW_SIZE + RAM_SIZE);
		vm->dt.payload_addr = srcs[i];
		vm->dt.payload_size = size;
		test_dt_build(at(vm, FDT_ADDR), 0x200000, &vm->dt);
		memcpy(at(vm, srcs[i]), img, size);
		write_config(vm, 0);
		assert_int_equal(pvmfw_boot(&vm->pl, FDT_ADDR, vm->cfg, sizeof(vm->cfg), &vm->ho,
					    &out), AVF_REBOOT_NONE);
		assert_memory_equal(at(vm, vm->f.load_addr), vm->code, CODE_SIZE);
		assert_int_equal(out.entry, vm->f.load_addr + 0x40);
		free(img);
	}
}

struct boot_case {
	const char *name;
	enum avf_reboot_reason reason;
	const char *detail;
	void (*bend)(struct vm *vm);	/* after place() */
	uint64_t uart;			/* the console known at failure */
};

static void no_avf(struct vm *vm)
{
	vm->dt.avf = false;
	test_dt_build(at(vm, FDT_ADDR), 0x200000, &vm->dt);
}
static void dt_garbage(struct vm *vm) { memset(at(vm, FDT_ADDR), 0xd0, 64); }
static void dt_huge(struct vm *vm) { memcpy(at(vm, FDT_ADDR) + 4, "\x00\x20\x00\x01", 4); }
static void no_config(struct vm *vm) { memset(vm->cfg, 0, 8); }
static void config_v2(struct vm *vm) { vm->cfg[8] = 2; }
static void truncated(struct vm *vm)
{
	vm->dt.payload_size -= 1;
	test_dt_build(at(vm, FDT_ADDR), 0x200000, &vm->dt);
}
static void not_a_payload(struct vm *vm) { memcpy(at(vm, PAYLOAD_ADDR), "\x7f" "ELF", 4); }
static void tampered(struct vm *vm) { at(vm, PAYLOAD_ADDR)[128 + 500] ^= 4; }
static void other_signer(struct vm *vm)
{
	vm->f = test_fields(&vm->other, CODE_SIZE, AVF_PAYLOAD_HASH_SHA512, 4);
	vm->f.load_addr = VMM_RAM_BASE;
	place(vm, &vm->other);
}
static void rollback(struct vm *vm) { write_config(vm, 5); }
static void bad_builtin_key(struct vm *vm)
{
	static uint8_t identity[32] = { 1 };
	uint8_t digest[32];
	unsigned int n;

	vm->pl.trusted_key = identity;
	assert_int_equal(EVP_Digest(identity, 32, digest, &n, EVP_sha256(), NULL), 1);
	memcpy(vm->f.key_id, digest, 8);
	place(vm, &vm->key);
}
static void load_outside(struct vm *vm)
{
	vm->f.load_addr = VMM_RAM_BASE + RAM_SIZE - 0x1000;
	place(vm, &vm->key);
}
static void load_on_fdt(struct vm *vm)
{
	vm->f.load_addr = FDT_ADDR - 0x1000;
	place(vm, &vm->key);
}
static void load_below_ram(struct vm *vm)
{
	vm->f.load_addr = VMM_FW_BASE;
	vm->f.mem_size = 0x1000;
	place(vm, &vm->key);
}

static const struct boot_case boot_cases[] = {
	{ "no /avf", AVF_REBOOT_INVALID_FDT, "no /avf node", no_avf, 0x3f8 },
	{ "garbage DT", AVF_REBOOT_INVALID_FDT, "the DT's totalsize is not 40 B..2 MiB",
	  dt_garbage, 0 },
	{ "huge DT", AVF_REBOOT_INVALID_FDT, "the DT's totalsize is not 40 B..2 MiB", dt_huge, 0 },
	{ "no config", AVF_REBOOT_INVALID_CONFIG, "no config appended (bad magic)", no_config,
	  0x3f8 },
	{ "config v2", AVF_REBOOT_INVALID_CONFIG, "config version is not 1", config_v2, 0x3f8 },
	{ "truncated", AVF_REBOOT_INVALID_PAYLOAD, "ends inside the signature", truncated, 0x3f8 },
	{ "not a payload", AVF_REBOOT_INVALID_PAYLOAD, "magic is not \"AVFPAYLD\"", not_a_payload,
	  0x3f8 },
	{ "tampered", AVF_REBOOT_PAYLOAD_VERIFICATION, "the signature does not verify", tampered,
	  0x3f8 },
	{ "other signer", AVF_REBOOT_PAYLOAD_VERIFICATION, "key_id is not the trusted key's",
	  other_signer, 0x3f8 },
	{ "rollback", AVF_REBOOT_ROLLBACK_VERSION, "payload_version is below the minimum (rollback)",
	  rollback, 0x3f8 },
	{ "bad built-in key", AVF_REBOOT_INTERNAL_ERROR,
	  "the trusted key is not a valid Ed25519 key", bad_builtin_key, 0x3f8 },
	{ "load past RAM", AVF_REBOOT_INVALID_PAYLOAD, "the payload's load region is not inside RAM",
	  load_outside, 0x3f8 },
	{ "load below RAM", AVF_REBOOT_INVALID_PAYLOAD,
	  "the payload's load region is not inside RAM", load_below_ram, 0x3f8 },
	{ "load on DT", AVF_REBOOT_INVALID_PAYLOAD, "the payload's load region overlaps the DT",
	  load_on_fdt, 0x3f8 },
};

static void test_each_refusal(void **state)
{
	for (size_t i = 0; i < sizeof(boot_cases) / sizeof(boot_cases[0]); i++) {
		const struct boot_case *c = &boot_cases[i];
		struct vm *vm;
		struct pvmfw_boot_out out;
		uint8_t *before = malloc(RAM_SIZE);
		static const struct avf_handover zero_ho;

		assert_int_equal(setup((void **)&vm), 0);
		place(vm, &vm->key);
		c->bend(vm);
		memcpy(before, at(vm, VMM_RAM_BASE), RAM_SIZE);
		memset(&vm->ho, 0x5a, sizeof(vm->ho));
		print_message("case: %s\n", c->name);
		assert_int_equal(pvmfw_boot(&vm->pl, FDT_ADDR, vm->cfg, sizeof(vm->cfg), &vm->ho,
					    &out), c->reason);
		assert_string_equal(out.detail, c->detail);
		assert_int_equal(out.uart_base, c->uart);
		/* Nothing in RAM changed (no copy, no sanitising), no handover left. */
		assert_memory_equal(at(vm, VMM_RAM_BASE), before, RAM_SIZE);
		assert_memory_equal(&vm->ho, &zero_ho, sizeof(zero_ho));
		assert_uds_wiped(vm);
		free(before);
		teardown((void **)&vm);
	}
}

/* The DT address itself outside memory: refused before anything is read there. */
static void test_fdt_address_not_memory(void **state)
{
	struct vm *vm = *state;
	struct pvmfw_boot_out out;

	assert_int_equal(pvmfw_boot(&vm->pl, 0x1000, vm->cfg, sizeof(vm->cfg), &vm->ho, &out),
			 AVF_REBOOT_INVALID_FDT);
	assert_string_equal(out.detail, "the DT address is not memory");
	assert_uds_wiped(vm);
	write_config(vm, 0);
	assert_int_equal(pvmfw_boot(&vm->pl, VMM_RAM_BASE + RAM_SIZE - 8, vm->cfg,
				    sizeof(vm->cfg), &vm->ho, &out), AVF_REBOOT_INVALID_FDT);
	assert_string_equal(out.detail, "the DT address is not memory");
}

/* A config page cut short: refused, and nothing is written past what is there. */
static void test_config_truncated(void **state)
{
	struct vm *vm = *state;
	struct pvmfw_boot_out out;

	place(vm, &vm->key);
	assert_int_equal(pvmfw_boot(&vm->pl, FDT_ADDR, vm->cfg, 63, &vm->ho, &out),
			 AVF_REBOOT_INVALID_CONFIG);
	assert_string_equal(out.detail, "no room for a config after the image");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_vm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlapping_placements, setup, teardown),
		cmocka_unit_test(test_each_refusal),
		cmocka_unit_test_setup_teardown(test_fdt_address_not_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_truncated, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
