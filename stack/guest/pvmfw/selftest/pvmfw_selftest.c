// SPDX-License-Identifier: Apache-2.0
/*
 * pvmfw-selftest: the pvmfw-like firmware (build/guest/img/pvmfw.bin, the very bytes a
 * hyp would load) booting protected VMs on the real hyp, on any HAL backend. The program
 * plays the platform (it appends the config with a device secret) and the VMM (DT,
 * payload, RAM, 16550 console, the reboot-reason channel). Scenarios:
 *
 *   good-payload   the development-signed test payload runs: exact console lines, the
 *                  handover it reports (magic, CDIs equal to the documented derivation,
 *                  mode, version, RAM, UART, entry, a DICE chain the independent checker
 *                  accepts with this device's root, CDI_Attest's leaf key, the payload's
 *                  measurement and mode), registers zeroed at entry, the
 *                  firmware stack erased, no reason sent, SYSTEM_OFF
 *   debug-instance the same with /avf/debug: mode 2 and other CDIs
 *   hello-runtime, hello-debug
 *                  the runtime (stack/guest/runtime) with its "hello" payload: exact
 *                  console, the instance secret's fingerprint equal to the documented
 *                  derivation, the heap, a timer interrupt through the GIC, READY and
 *                  FINISHED(0) on the channel, SYSTEM_OFF, no CDI left in memory
 *   dice-runtime   the runtime with selftest/dicepayload: the DICE chain it gets through
 *                  AVmPayload_getDiceAttestationChain (printed on the console) passes the
 *                  independent checker with this device's root key, the payload's
 *                  measurement and version, normal mode, and a leaf key that verifies
 *                  the signature the payload made with the key it derived from
 *                  AVmPayload_getDiceAttestationCdi (Ed25519 signing in the guest)
 *   tampered, unknown-key, unsigned, truncated, rollback, no-avf, no-config, bad-dt,
 *   dt-not-memory  each refused: exact console lines ("pvmfw: reboot-reason N NAME"),
 *                  the reason on the channel, once, and SYSTEM_RESET
 *
 * and in every scenario, the device secret appears nowhere in the VM's memory afterwards.
 * Output: one line per scenario (PASS/FAIL backend name [why]); exit 0 only if all pass.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/include/avf_handover.h"
#include "stack/guest/pvmfw/pvmfw.h"
#include "stack/guest/pvmfw/dicecheck/dice_check.h"
#include "stack/guest/pvmfw/selftest/selftest.h"
#include "stack/guest/rtlib/rtlib.h"
#include "stack/vmm/layout.h"

extern const uint8_t pvmfw_image[], pvmfw_image_end[], test_payload[], test_payload_end[];
extern const uint8_t hello_payload[], hello_payload_end[];
extern const uint8_t dice_payload[], dice_payload_end[];
extern const uint8_t dev_public_key[32];

#define FDT_ADDR	(VMM_RAM_BASE + (6ull << 20))
#define PAYLOAD_ADDR	(VMM_RAM_BASE + (4ull << 20))
#define PAYLOAD_VERSION	2	/* stack/guest/pvmfw/module.mk signs it so */
#define HELLO_VERSION	1	/* stack/guest/payloads/module.mk */
#define DICE_VERSION	3	/* stack/guest/pvmfw/module.mk */
#define DICE_CHALLENGE	"pvmfw-selftest dice challenge"	/* selftest/dicepayload */

static const uint8_t instance_id[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

struct scenario {
	const char *name;
	bool hello;			/* the runtime's "hello" payload instead of the test one */
	bool dice;			/* the runtime's "dice" payload (selftest/dicepayload) */
	bool debug, no_avf, no_config, unsigned_payload, flip_code, flip_key_id;
	uint64_t min_version;
	int64_t payload_size_delta;
	uint64_t boot_x0;		/* 0: the DT's address */
	int reason;			/* -1: must boot */
	const char *console;		/* exact, for refusals */
};

static const struct scenario scenarios[] = {
	{ .name = "good-payload", .reason = -1 },
	{ .name = "debug-instance", .debug = true, .reason = -1 },
	{ .name = "hello-runtime", .hello = true, .reason = -1 },
	{ .name = "hello-debug", .hello = true, .debug = true, .reason = -1 },
	{ .name = "dice-runtime", .dice = true, .reason = -1 },
	{ .name = "tampered", .flip_code = true, .reason = AVF_REBOOT_PAYLOAD_VERIFICATION,
	  .console = "pvmfw: the signature does not verify\n"
		     "pvmfw: reboot-reason 3 PayloadVerificationError\n" },
	{ .name = "unknown-key", .flip_key_id = true, .reason = AVF_REBOOT_PAYLOAD_VERIFICATION,
	  .console = "pvmfw: key_id is not the trusted key's\n"
		     "pvmfw: reboot-reason 3 PayloadVerificationError\n" },
	{ .name = "unsigned", .unsigned_payload = true, .reason = AVF_REBOOT_INVALID_PAYLOAD,
	  .console = "pvmfw: magic is not \"AVFPAYLD\"\npvmfw: reboot-reason 2 InvalidPayload\n" },
	{ .name = "truncated", .payload_size_delta = -10, .reason = AVF_REBOOT_INVALID_PAYLOAD,
	  .console = "pvmfw: ends inside the signature\npvmfw: reboot-reason 2 InvalidPayload\n" },
	{ .name = "rollback", .min_version = PAYLOAD_VERSION + 1,
	  .reason = AVF_REBOOT_ROLLBACK_VERSION,
	  .console = "pvmfw: payload_version is below the minimum (rollback)\n"
		     "pvmfw: reboot-reason 4 RollbackVersion\n" },
	{ .name = "no-avf", .no_avf = true, .reason = AVF_REBOOT_INVALID_FDT,
	  .console = "pvmfw: no /avf node\npvmfw: reboot-reason 1 InvalidFdt\n" },
	{ .name = "no-config", .no_config = true, .reason = AVF_REBOOT_INVALID_CONFIG,
	  .console = "pvmfw: no config appended (bad magic)\n"
		     "pvmfw: reboot-reason 5 InvalidConfig\n" },
	/* x0 at the payload: not a DT, so no console is known; the channel still works. */
	{ .name = "bad-dt", .boot_x0 = PAYLOAD_ADDR, .reason = AVF_REBOOT_INVALID_FDT,
	  .console = "" },
	/* x0 past the end of RAM: the firmware's read faults; the exception path reports. */
	{ .name = "dt-not-memory", .boot_x0 = VMM_RAM_BASE + ST_RAM_SIZE + 0x100000,
	  .reason = AVF_REBOOT_INTERNAL_ERROR, .console = "" },
};

struct run {
	const struct scenario *sc;
	uint8_t uds[32];
	uint8_t *firmware, *payload, dtb[4096];
	size_t firmware_size, payload_size;
	uint64_t config_offset;
	struct st_vm vm;
	struct st_outcome out;
	char why[1024];
};

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		snprintf(r->why, sizeof(r->why), __VA_ARGS__); \
		return -1; \
	} \
} while (0)

/* The platform's part: image || zeros || config (unless the scenario leaves it out). */
static int make_firmware(struct run *r)
{
	size_t image_size = (size_t)(pvmfw_image_end - pvmfw_image);
	struct pvmfw_config cfg = { .min_payload_version = r->sc->min_version };

	r->config_offset = pvmfw_image_config_offset(pvmfw_image, image_size);
	CHECK(r->config_offset, "pvmfw.bin has no valid image header");
	r->firmware_size = r->config_offset + sizeof(struct avf_pvmfw_config);
	r->firmware = calloc(1, r->firmware_size);
	CHECK(r->firmware, "out of memory");
	memcpy(r->firmware, pvmfw_image, image_size);
	for (int i = 0; i < 32; i++)
		r->uds[i] = cfg.uds[i] = (uint8_t)(0x5a ^ (i * 29));
	if (!r->sc->no_config)
		pvmfw_config_encode(&cfg, r->firmware + r->config_offset);
	return 0;
}

static const uint8_t *payload_blob(const struct scenario *sc, size_t *size)
{
	if (sc->dice) {
		*size = (size_t)(dice_payload_end - dice_payload);
		return dice_payload;
	}
	*size = sc->hello ? (size_t)(hello_payload_end - hello_payload)
			  : (size_t)(test_payload_end - test_payload);
	return sc->hello ? hello_payload : test_payload;
}

static int make_payload(struct run *r)
{
	size_t size;
	const uint8_t *blob = payload_blob(r->sc, &size);

	r->payload = malloc(size);
	CHECK(r->payload, "out of memory");
	memcpy(r->payload, blob, size);
	r->payload_size = size;
	if (r->sc->flip_code)
		r->payload[AVF_PAYLOAD_HEADER_SIZE + 100] ^= 0x10;
	if (r->sc->flip_key_id)
		r->payload[offsetof(struct avf_payload_header, key_id)] ^= 1;
	if (r->sc->unsigned_payload) {	/* the raw code, as if never signed */
		memmove(r->payload, r->payload + AVF_PAYLOAD_HEADER_SIZE,
			size - AVF_PAYLOAD_HEADER_SIZE - AVF_PAYLOAD_SIG_SIZE);
		r->payload_size = size - AVF_PAYLOAD_HEADER_SIZE - AVF_PAYLOAD_SIG_SIZE;
	}
	return 0;
}

/* The VMM's DT: memory, the 16550, /avf, /chosen (docs/PAYLOAD.md, "The DT contract"). */
static int make_dtb(struct run *r)
{
	fdt64_t mem[2] = { cpu_to_fdt64(VMM_RAM_BASE), cpu_to_fdt64(ST_RAM_SIZE) };
	fdt64_t uart[2] = { cpu_to_fdt64(VMM_UART_BASE), cpu_to_fdt64(VMM_UART_SIZE) };
	fdt64_t gic[4] = { cpu_to_fdt64(VMM_GICD_BASE), cpu_to_fdt64(0x10000),
			   cpu_to_fdt64(VMM_GICR_BASE(1)), cpu_to_fdt64(VMM_GICR_SIZE) };
	fdt64_t payload[2] = { cpu_to_fdt64(PAYLOAD_ADDR),
			       cpu_to_fdt64(r->payload_size + r->sc->payload_size_delta) };
	void *b = r->dtb;
	int err = fdt_create(b, sizeof(r->dtb));

	err |= fdt_finish_reservemap(b);
	err |= fdt_begin_node(b, "");
	err |= fdt_property_u32(b, "#address-cells", 2);
	err |= fdt_property_u32(b, "#size-cells", 2);
	err |= fdt_begin_node(b, "memory");
	err |= fdt_property_string(b, "device_type", "memory");
	err |= fdt_property(b, "reg", mem, sizeof(mem));
	err |= fdt_end_node(b);
	err |= fdt_begin_node(b, "U6_16550A@3f8");
	err |= fdt_property_string(b, "compatible", "ns16550a");
	err |= fdt_property(b, "reg", uart, sizeof(uart));
	err |= fdt_end_node(b);
	err |= fdt_begin_node(b, "intc@3fff0000");
	err |= fdt_property_string(b, "compatible", "arm,gic-v3");
	err |= fdt_property(b, "reg", gic, sizeof(gic));
	err |= fdt_property_u32(b, "#interrupt-cells", 3);
	err |= fdt_property(b, "interrupt-controller", NULL, 0);
	err |= fdt_end_node(b);
	if (!r->sc->no_avf) {
		err |= fdt_begin_node(b, "avf");
		err |= fdt_property_string(b, "compatible", "avf,pvm");
		err |= fdt_property(b, "payload", payload, sizeof(payload));
		err |= fdt_property(b, "instance-id", instance_id, sizeof(instance_id));
		if (r->sc->debug)
			err |= fdt_property_u32(b, "debug", 1);
		err |= fdt_end_node(b);
	}
	err |= fdt_begin_node(b, "chosen");
	err |= fdt_property_string(b, "stdout-path", "/U6_16550A@3f8");
	err |= fdt_end_node(b);
	err |= fdt_end_node(b);
	err |= fdt_finish(b);
	CHECK(err == 0, "building the DT failed");
	return 0;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The handover a correct firmware leaves for this payload, derived here independently
 * of the guest (with the same library, which unit tests check against OpenSSL). */
static int expected_cdis(struct run *r, uint8_t attest[32], uint8_t seal[32])
{
	struct pvmfw_dice_inputs in;
	struct avf_payload p;
	size_t size;
	const uint8_t *blob = payload_blob(r->sc, &size);

	CHECK(avf_payload_parse(blob, size, &p, NULL) == AVF_PAYLOAD_OK,
	      "the embedded payload does not parse");
	pvmfw_dice_inputs_make(&p, dev_public_key, r->sc->debug, instance_id,
			       sizeof(instance_id), &in);
	CHECK(pvmfw_dice_derive(r->uds, &in, attest, seal) == 0, "derivation failed");
	return 0;
}

static bool guest_verify(const uint8_t pub[32], const uint8_t sig[64], const uint8_t *msg,
			 size_t len)
{
	return crypto_ed25519_verify(sig, msg, len, pub) == 0;
}

/* The DICE chain in the handover, read by the independent checker: the device root
 * key of this run's UDS, the leaf key of the CDI_Attest handed over, this payload's
 * measurement and the mode. */
static int check_dice_chain(struct run *r, const struct avf_handover *ho,
			    const uint8_t attest[32])
{
	struct pvmfw_dice_inputs in;
	struct dice_chain_info info;
	struct avf_payload p;
	uint8_t seed[32], root[32], leaf[32];
	const char *why;
	size_t size;
	const uint8_t *blob = payload_blob(r->sc, &size);

	CHECK(ho->dice_chain_size <= sizeof(ho->dice_chain), "chain size %u", ho->dice_chain_size);
	CHECK(dice_chain_check(ho->dice_chain, ho->dice_chain_size, guest_verify, &info,
			       &why) == 0, "DICE chain refused: %s", why);
	CHECK(avf_payload_parse(blob, size, &p, NULL) == AVF_PAYLOAD_OK, "payload parse");
	pvmfw_dice_inputs_make(&p, dev_public_key, r->sc->debug, instance_id,
			       sizeof(instance_id), &in);
	CHECK(pvmfw_dice_key_pair(r->uds, 32, seed, root) == 0 &&
	      pvmfw_dice_key_pair(attest, 32, seed, leaf) == 0, "key derivation");
	CHECK(!memcmp(info.root_key, root, 32), "the chain's root is not this device's key");
	CHECK(!memcmp(info.leaf_key, leaf, 32), "the chain's leaf is not CDI_Attest's key");
	CHECK(!memcmp(info.code_hash, in.code_hash, 64), "the chain's codeHash is not the payload's");
	CHECK(info.mode == in.mode && info.component_version == PAYLOAD_VERSION,
	      "the chain records mode %u version %" PRIu64, info.mode, info.component_version);
	return 0;
}

static int check_booted(struct run *r)
{
	const struct st_outcome *o = &r->out;
	uint8_t attest[32], seal[32], id[8];
	char console[256];
	const struct avf_handover *ho;
	const uint8_t *stack;
	uint64_t stack_size;

	if (expected_cdis(r, attest, seal))
		return -1;
	avf_payload_key_id(dev_public_key, id);
	snprintf(console, sizeof(console), "pvmfw: payload version %d, key id "
		 "%02x%02x%02x%02x%02x%02x%02x%02x, entry 0x80000000\npayload: started by pvmfw\n",
		 PAYLOAD_VERSION, id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7]);
	CHECK(!strcmp(o->console, console), "console:\n%.400s", o->console);
	CHECK(o->event == HAL_SYSTEM_OFF, "ended with event %u, not SYSTEM_OFF", o->event);
	CHECK(o->nr_reason_calls == 0, "a reboot reason was sent (%d)", o->reason);
	CHECK(o->nr_reports == 2, "the payload sent %u reports", o->nr_reports);
	CHECK(o->reports[0][1] == le64((const uint8_t *)"AVFHNDOV"), "handover magic");
	CHECK(o->reports[0][2] == le64(seal) && o->reports[0][3] == le64(attest),
	      "the CDIs the payload got are not the expected ones");
	CHECK(o->reports[0][4] == 0, "registers not zeroed or MMU on at entry (%#" PRIx64 ")",
	      o->reports[0][4]);
	CHECK(o->reports[0][6] == 0xd00dfeed, "x0 is not the DT");
	CHECK(o->reports[1][1] == (r->sc->debug ? AVF_DICE_MODE_DEBUG : AVF_DICE_MODE_NORMAL) &&
	      o->reports[1][2] == PAYLOAD_VERSION && o->reports[1][3] == ST_RAM_SIZE &&
	      o->reports[1][4] == VMM_UART_BASE && o->reports[1][5] == VMM_RAM_BASE &&
	      o->reports[1][6] == VMM_RAM_BASE, "handover fields: mode %" PRIu64 " version %"
	      PRIu64 " ram %#" PRIx64 " uart %#" PRIx64, o->reports[1][1], o->reports[1][2],
	      o->reports[1][3], o->reports[1][4]);
	/* The full CDIs, and the firmware stack (after the handover page) erased. */
	ho = (const struct avf_handover *)st_vm_guest_ptr(&r->vm, o->reports[0][5], sizeof(*ho));
	CHECK(ho && !memcmp(ho->cdi_attest, attest, 32) && !memcmp(ho->cdi_seal, seal, 32),
	      "handover at %#" PRIx64 " does not hold the expected CDIs", o->reports[0][5]);
	if (check_dice_chain(r, ho, attest))
		return -1;
	stack_size = VMM_FW_BASE + r->config_offset - (o->reports[0][5] + 4096);
	stack = st_vm_guest_ptr(&r->vm, o->reports[0][5] + 4096, stack_size);
	CHECK(stack, "cannot read the firmware stack");
	for (uint64_t i = 0; i < stack_size; i++)
		CHECK(stack[i] == 0, "firmware stack not erased at +%#" PRIx64, i);
	return 0;
}

/* The runtime and "hello": console, channel, and the instance secret's fingerprint
 * against the documented derivation computed here. */
static int check_hello(struct run *r)
{
	const struct st_outcome *o = &r->out;
	uint8_t attest[32], seal[32], secret[32], fp[32], id[8];
	char console[1024];

	if (expected_cdis(r, attest, seal))
		return -1;
	CHECK(rt_instance_secret(seal, "hello", 5, secret, sizeof(secret)), "secret");
	crypto_sha256(secret, sizeof(secret), fp);
	avf_payload_key_id(dev_public_key, id);
	snprintf(console, sizeof(console),
		 "pvmfw: payload version %d, key id %02x%02x%02x%02x%02x%02x%02x%02x, entry "
		 "0x80000000\n"
		 "runtime: payload version %d, %s mode, %llu MiB RAM\n"
		 "hello: Hello from a verified payload\n"
		 "hello: instance secret fingerprint %02x%02x%02x%02x%02x%02x%02x%02x\n"
		 "hello: slept 1 ms on the virtual timer\n"
		 "runtime: payload exited with 0\n",
		 HELLO_VERSION, id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7],
		 HELLO_VERSION, r->sc->debug ? "debug" : "normal", ST_RAM_SIZE >> 20, fp[0],
		 fp[1], fp[2], fp[3], fp[4], fp[5], fp[6], fp[7]);
	CHECK(!strcmp(o->console, console), "console:\n%.900s", o->console);
	CHECK(o->nr_ready == 1, "READY sent %u times", o->nr_ready);
	CHECK(o->finished && o->exit_code == 0, "FINISHED %d with %" PRId64, o->finished,
	      o->exit_code);
	CHECK(o->nr_errors == 0, "error %" PRId64 ": %.200s", o->error_code, o->error_text);
	CHECK(o->event == HAL_SYSTEM_OFF, "ended with event %u, not SYSTEM_OFF", o->event);
	CHECK(o->nr_reason_calls == 0, "a reboot reason was sent");
	CHECK(!st_vm_memory_contains(&r->vm, seal, sizeof(seal)) &&
	      !st_vm_memory_contains(&r->vm, attest, sizeof(attest)),
	      "a CDI is still in the VM's memory after the runtime finished");
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode the "dice: WHAT HEX" lines of @console, in order, into @out (at most @max):
 * only lines whose whole rest is an even number of lowercase hex digits count.
 */
static size_t console_hex(const char *console, const char *what, uint8_t *out, size_t max)
{
	char prefix[64];
	size_t n = 0, plen;

	plen = (size_t)snprintf(prefix, sizeof(prefix), "dice: %s ", what);
	for (const char *line = console; *line; ) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		bool hex = len > plen && (len - plen) % 2 == 0 && !strncmp(line, prefix, plen);

		for (size_t i = plen; hex && i < len; i++)
			hex = hex_digit(line[i]) >= 0;
		for (size_t i = plen; hex && i < len && n < max; i += 2)
			out[n++] = (uint8_t)(hex_digit(line[i]) << 4 | hex_digit(line[i + 1]));
		line += len + (end ? 1 : 0);
	}
	return n;
}

/* The payload's view of its DICE chain, checked here as a relying party would. */
static int check_dice_runtime(struct run *r)
{
	const struct st_outcome *o = &r->out;
	struct pvmfw_dice_inputs in;
	struct dice_chain_info info;
	struct avf_payload p;
	uint8_t attest[32], seal[32], chain[AVF_DICE_CHAIN_MAX], sig[64], seed[32], root[32];
	size_t n, size;
	unsigned announced = 0;
	const char *why, *line = strstr(o->console, "dice: chain ");
	const uint8_t *blob = payload_blob(r->sc, &size);

	CHECK(o->finished && o->exit_code == 0 && o->nr_errors == 0,
	      "FINISHED %d with %" PRId64 ", error %.200s; console:\n%.600s", o->finished,
	      o->exit_code, o->error_text, o->console);
	CHECK(line && sscanf(line, "dice: chain %u bytes", &announced) == 1, "console:\n%.600s",
	      o->console);
	n = console_hex(o->console, "chain", chain, sizeof(chain));
	CHECK(n == announced, "%zu chain bytes on the console, %u announced:\n%.900s", n, announced, o->console);
	CHECK(dice_chain_check(chain, n, guest_verify, &info, &why) == 0,
	      "the payload's DICE chain is refused: %s", why);
	CHECK(console_hex(o->console, "leaf-signature", sig, sizeof(sig)) == 64, "no signature");
	CHECK(crypto_ed25519_verify(sig, DICE_CHALLENGE, strlen(DICE_CHALLENGE), info.leaf_key) == 0,
	      "the payload's signature does not verify under the chain's leaf key");
	if (expected_cdis(r, attest, seal))
		return -1;
	CHECK(avf_payload_parse(blob, size, &p, NULL) == AVF_PAYLOAD_OK, "payload parse");
	pvmfw_dice_inputs_make(&p, dev_public_key, false, instance_id, sizeof(instance_id), &in);
	CHECK(pvmfw_dice_key_pair(r->uds, 32, seed, root) == 0, "key derivation");
	CHECK(!memcmp(info.root_key, root, 32), "the chain's root is not this device's key");
	CHECK(!memcmp(info.code_hash, in.code_hash, 64), "the chain's codeHash is not the payload's");
	CHECK(info.mode == AVF_DICE_MODE_NORMAL && info.component_version == DICE_VERSION,
	      "the chain records mode %u version %" PRIu64, info.mode, info.component_version);
	CHECK(o->event == HAL_SYSTEM_OFF, "ended with event %u, not SYSTEM_OFF", o->event);
	CHECK(!st_vm_memory_contains(&r->vm, attest, sizeof(attest)),
	      "CDI_Attest is still in the VM's memory after the runtime finished");
	return 0;
}

static int check_refused(struct run *r)
{
	const struct st_outcome *o = &r->out;

	CHECK(!strcmp(o->console, r->sc->console), "console:\n%.400s", o->console);
	CHECK(o->nr_reason_calls == 1 && o->reason == r->sc->reason,
	      "reason channel: %u calls, reason %d (want %d)", o->nr_reason_calls, o->reason,
	      r->sc->reason);
	CHECK(o->event == HAL_SYSTEM_RESET, "ended with event %u, not SYSTEM_RESET", o->event);
	CHECK(o->nr_reports == 0, "the payload ran");
	return 0;
}

static int run_scenario(const char *backend, struct run *r)
{
	struct st_vm_setup setup;

	if (make_firmware(r) || make_payload(r) || make_dtb(r))
		return -1;
	setup = (struct st_vm_setup){
		.firmware = r->firmware, .firmware_size = r->firmware_size,
		.fw_pages = r->config_offset / 4096 + 1,
		.dtb = r->dtb, .dtb_size = fdt_totalsize(r->dtb), .dtb_addr = FDT_ADDR,
		.boot_x0 = r->sc->boot_x0 ? r->sc->boot_x0 : FDT_ADDR,
		.payload = r->payload, .payload_size = r->payload_size,
		.payload_addr = PAYLOAD_ADDR,
	};
	CHECK(st_vm_create(backend, &setup, &r->vm, &r->out) == 0, "%.250s", r->out.error);
	st_vm_run(&r->vm, &r->out);
	CHECK(!r->out.error[0], "%.200s; console:\n%.300s", r->out.error, r->out.console);
	CHECK(r->out.ended, "the VM did not end");
	CHECK(!st_vm_memory_contains(&r->vm, r->uds, sizeof(r->uds)),
	      "the device secret is still in the VM's memory");
	if (r->sc->hello)
		return check_hello(r);
	if (r->sc->dice)
		return check_dice_runtime(r);
	return r->sc->reason < 0 ? check_booted(r) : check_refused(r);
}

int main(int argc, char **argv)
{
	const char *backend = argc == 3 && !strcmp(argv[1], "--backend") ? argv[2] : "sim";
	unsigned passed = 0, failed = 0;

	if (argc != 1 && argc != 3) {
		fprintf(stderr, "usage: pvmfw-selftest [--backend NAME]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		struct run *r = calloc(1, sizeof(*r));
		int rc;

		if (!r)
			return 1;
		r->sc = &scenarios[i];
		rc = run_scenario(backend, r);
		printf("%s  %-4s %-16s %s\n", rc ? "FAIL" : "PASS", backend, r->sc->name,
		       rc ? r->why : "");
		rc ? failed++ : passed++;
		st_vm_destroy(&r->vm);
		crypto_wipe(r->uds, sizeof(r->uds));
		free(r->firmware);
		free(r->payload);
		free(r);
	}
	printf("pvmfw-selftest %s: %u passed, %u failed\n", backend, passed, failed);
	return failed ? 1 : 0;
}
