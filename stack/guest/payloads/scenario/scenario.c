// SPDX-License-Identifier: Apache-2.0
/*
 * "scenario": a payload that does what its command line says, so that host-side tests
 * (the scenario runner, harness tests) can make a real guest, booted through pvmfw and
 * the runtime, report, wait for the host, share and touch memory, fault or hang at
 * chosen points. The script is the "scenario=" word of /chosen/bootargs (pvmfw keeps
 * bootargs); script.h lists the commands, docs/RUNTIME.md describes the payload.
 *
 * The whole script is parsed before anything runs: a bad command is reported as an error
 * (code 2, the parser's reason as message) and the payload returns 2 without having done
 * anything else.
 */
#include <stdint.h>

#include "stack/guest/arch/arch.h"
#include "stack/guest/fdt/gfdt.h"
#include "stack/guest/include/avf_hvc.h"
#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/libc/string.h"
#include "stack/guest/payloads/scenario/script.h"
#include "stack/guest/rtlib/rtlib.h"
#include "stack/guest/runtime/runtime.h"

#define EXIT_BAD_SCRIPT		2
#define EXIT_CHECK_FAILED	3
#define TEXT_MAX		128
#define WAIT_RETRY_NS		1000000ull

static int fail(int code, const char *why)
{
	rt_log("scenario: %s\n", why);
	AVmPayload_notifyError(code, why);
	return code;
}

/* The bootargs from the DT the firmware validated; false if there are none. */
static bool bootargs(const char **args, size_t *len)
{
	const struct rt_vm_info *vi = rt_vm_info();
	const uint8_t *val;
	struct gfdt t;
	uint32_t n;
	int chosen;

	if (gfdt_open(&t, (const void *)(uintptr_t)vi->fdt_addr, vi->fdt_size, (const char **)0))
		return false;
	chosen = gfdt_path(&t, "/chosen");
	if (chosen < 0 || gfdt_prop(&t, chosen, "bootargs", &val, &n) < 0)
		return false;
	*args = (const char *)val;
	*len = n;
	return true;
}

static uint8_t *scratch_page(uint64_t page)
{
	return (uint8_t *)(uintptr_t)(SCN_SCRATCH_IPA + page * SCN_PAGE_SIZE);
}

static void copy_text(const struct scn_cmd *c, char *buf)
{
	size_t n = c->text_len < TEXT_MAX - 1 ? c->text_len : TEXT_MAX - 1;

	memcpy(buf, c->text, n);
	buf[n] = 0;
}

static void wait_token(uint64_t token)
{
	while (arch_hvc(AVF_HVC_TEST_WAIT, token, 0, 0, 0, 0, 0, (struct arch_smccc_res *)0))
		rt_sleep_ns(WAIT_RETRY_NS);
	rt_log("scenario: wait %llu released\n", (unsigned long long)token);
}

static void share(const struct scn_cmd *c)
{
	uint32_t fn = c->op == SCN_SHARE ? AVF_HVC_PKVM_MEM_SHARE : AVF_HVC_PKVM_MEM_UNSHARE;
	uint64_t ipa = SCN_SCRATCH_IPA + c->arg[0] * SCN_PAGE_SIZE;
	uint64_t x0 = arch_hvc(fn, ipa, 0, 0, 0, 0, 0, (struct arch_smccc_res *)0);

	rt_log("scenario: %s page %llu (0x%llx) -> %lld\n", scn_op_name(c->op),
	       (unsigned long long)c->arg[0], (unsigned long long)ipa, (long long)x0);
}

/* check:PAGE:BYTE. 0 when every byte matches, else the payload's failure. */
static int check(const struct scn_cmd *c)
{
	const volatile uint8_t *p = scratch_page(c->arg[0]);
	char why[96];

	for (unsigned i = 0; i < SCN_PAGE_SIZE; i++) {
		if (p[i] == c->arg[1])
			continue;
		rt_snprintf(why, sizeof(why), "check page %llu: byte +0x%x is 0x%02x, not 0x%02x",
			    (unsigned long long)c->arg[0], i, p[i], (unsigned)c->arg[1]);
		return fail(EXIT_CHECK_FAILED, why);
	}
	rt_log("scenario: check page %llu ok\n", (unsigned long long)c->arg[0]);
	return 0;
}

static void memory_command(const struct scn_cmd *c)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)c->arg[0];

	switch (c->op) {
	case SCN_FILL:
		memset(scratch_page(c->arg[0]), (int)c->arg[1], SCN_PAGE_SIZE);
		rt_log("scenario: fill page %llu with 0x%02x\n", (unsigned long long)c->arg[0],
		       (unsigned)c->arg[1]);
		break;
	case SCN_TOUCH:
		rt_log("scenario: touch 0x%llx\n", (unsigned long long)c->arg[0]);
		rt_log("scenario: touch 0x%llx -> 0x%x\n", (unsigned long long)c->arg[0], *p);
		break;
	default:	/* SCN_WRITE */
		rt_log("scenario: write 0x%llx = 0x%x\n", (unsigned long long)c->arg[0],
		       (unsigned)c->arg[1]);
		*p = (uint32_t)c->arg[1];
		break;
	}
}

static void raw_hvc(const struct scn_cmd *c)
{
	uint64_t x0 = arch_hvc((uint32_t)c->arg[0], c->arg[1], c->arg[2], c->arg[3], 0, 0, 0,
			       (struct arch_smccc_res *)0);

	rt_log("scenario: hvc 0x%llx -> 0x%llx\n", (unsigned long long)c->arg[0],
	       (unsigned long long)x0);
}

/*
 * Run one command. Returns -1 to go on, else the payload's exit code (finish, a failed
 * check). spin and panic never return.
 */
static int run(const struct scn_cmd *c)
{
	char text[TEXT_MAX];

	switch (c->op) {
	case SCN_PRINT:
		copy_text(c, text);
		rt_log("scenario: %s\n", text);
		return -1;
	case SCN_READY:
		rt_log("scenario: ready\n");
		AVmPayload_notifyServiceReady();
		return -1;
	case SCN_ERROR:
		rt_snprintf(text, sizeof(text), "scenario error %d", (int)(int32_t)c->arg[0]);
		rt_log("scenario: error %d\n", (int)(int32_t)c->arg[0]);
		AVmPayload_notifyError((int32_t)c->arg[0], text);
		return -1;
	case SCN_MARK:
		rt_log("scenario: mark %llu\n", (unsigned long long)c->arg[0]);
		arch_hvc(AVF_HVC_TEST_MARK, c->arg[0], 0, 0, 0, 0, 0, (struct arch_smccc_res *)0);
		return -1;
	case SCN_WAIT:
		wait_token(c->arg[0]);
		return -1;
	case SCN_SHARE:
	case SCN_UNSHARE:
		share(c);
		return -1;
	case SCN_CHECK:
		return check(c) ? EXIT_CHECK_FAILED : -1;
	case SCN_FILL:
	case SCN_TOUCH:
	case SCN_WRITE:
		memory_command(c);
		return -1;
	case SCN_HVC:
		raw_hvc(c);
		return -1;
	case SCN_SLEEP:
		rt_sleep_ns(c->arg[0] * 1000000ull);
		rt_log("scenario: slept %llu ms\n", (unsigned long long)c->arg[0]);
		return -1;
	case SCN_SPIN:
		rt_log("scenario: spinning\n");
		for (;;)
			__asm__ volatile("" ::: "memory");
	case SCN_PANIC:
		copy_text(c, text);
		rt_panic("%s", text);
	case SCN_FINISH:
		return (int)(int32_t)c->arg[0];
	}
	return -1;
}

/* Parse everything first: a bad script runs nothing. 0 or the failure's exit code. */
static int validate(const char *script, size_t len, unsigned *count)
{
	char err[TEXT_MAX], why[TEXT_MAX + 16];
	struct scn_cmd c;
	size_t pos = 0;
	enum scn_status st;

	*count = 0;
	while ((st = scn_next(script, len, &pos, &c, err, sizeof(err))) == SCN_OK)
		(*count)++;
	if (st == SCN_END)
		return 0;
	rt_snprintf(why, sizeof(why), "bad script: %s", err);
	return fail(EXIT_BAD_SCRIPT, why);
}

int AVmPayload_main(void)
{
	const char *args, *script;
	size_t args_len, len, pos = 0;
	struct scn_cmd c;
	unsigned count;
	char err[4];
	int rc;

	if (!bootargs(&args, &args_len) || !scn_find(args, args_len, &script, &len))
		return fail(EXIT_BAD_SCRIPT, "bad script: no scenario= in /chosen/bootargs");
	rc = validate(script, len, &count);
	if (rc)
		return rc;
	rt_log("scenario: %u commands, scratch 0x%llx (%u pages)\n", count,
	       (unsigned long long)SCN_SCRATCH_IPA, SCN_SCRATCH_PAGES);
	while (scn_next(script, len, &pos, &c, err, sizeof(err)) == SCN_OK) {
		rc = run(&c);
		if (rc >= 0 || c.op == SCN_FINISH)
			return rc;
	}
	return 0;
}
