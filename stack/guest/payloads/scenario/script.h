/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scenario payload's script language (docs/RUNTIME.md, "The scenario payload"):
 * freestanding and host-testable, no libc, no global state.
 *
 * A script is the value of the first "scenario=" word of the kernel command line
 * (/chosen/bootargs): commands separated by ';', each NAME or NAME:ARG[:ARG...]. Numbers
 * are decimal or 0x-hexadecimal; exit and error codes may be negative ("-3"). TEXT runs
 * to the next ';' (so it may contain ':' but neither ';' nor white space, which ends the
 * bootargs word).
 *
 *   print:TEXT          log "scenario: TEXT"
 *   ready               AVmPayload_notifyServiceReady()
 *   error:CODE          AVmPayload_notifyError(CODE, "scenario error CODE")
 *   mark:N              AVF_HVC_TEST_MARK(N)
 *   wait:N              AVF_HVC_TEST_WAIT(N) until the host answers 0 (1 ms sleeps)
 *   share:PAGE          MEM_SHARE of scratch page PAGE (0 .. SCN_SCRATCH_PAGES - 1)
 *   unshare:PAGE        MEM_UNSHARE of it
 *   fill:PAGE:BYTE      memset the scratch page
 *   check:PAGE:BYTE     every byte of it must be BYTE, else the payload fails (exit 3)
 *   touch:IPA           32-bit load from IPA (4-byte aligned), logged
 *   write:IPA:VALUE     32-bit store of VALUE (<= 0xffffffff) to IPA (4-byte aligned)
 *   hvc:FN[:A1[:A2[:A3]]]  raw HVC (FN 32-bit), logs "hvc FN -> X0"
 *   sleep:MS            sleep on the virtual timer (MS <= SCN_MAX_SLEEP_MS)
 *   spin                loop for ever (never ready, never finished)
 *   panic:TEXT          rt_panic("TEXT")
 *   finish:CODE         stop here: AVmPayload_main returns CODE (int32)
 */
#ifndef AVF_GUEST_SCENARIO_SCRIPT_H
#define AVF_GUEST_SCENARIO_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The scratch area: SCN_SCRATCH_PAGES pages at a fixed IPA, RAM base + 8 MiB, past the
 * payload's 4 MiB and below the DT at the end of RAM (needs a VM of at least 16 MiB). */
#define SCN_SCRATCH_IPA		0x80800000ull
#define SCN_SCRATCH_PAGES	16u
#define SCN_PAGE_SIZE		4096u
#define SCN_MAX_SLEEP_MS	60000u
#define SCN_MAX_ARGS		4u
#define SCN_PREFIX		"scenario="

enum scn_op {
	SCN_PRINT, SCN_READY, SCN_ERROR, SCN_MARK, SCN_WAIT, SCN_SHARE, SCN_UNSHARE,
	SCN_FILL, SCN_CHECK, SCN_TOUCH, SCN_WRITE, SCN_HVC, SCN_SLEEP, SCN_SPIN, SCN_PANIC,
	SCN_FINISH,
};

struct scn_cmd {
	enum scn_op op;
	uint64_t arg[SCN_MAX_ARGS];	/* numbers, in order; codes as int64 */
	unsigned nargs;
	const char *text;		/* PRINT, PANIC: points into the script */
	size_t text_len;
};

enum scn_status { SCN_OK = 0, SCN_END = 1, SCN_BAD = -1 };

/*
 * The script in a command line of len bytes: the value of its first word starting with
 * "scenario=" (words are separated by spaces, tabs or newlines). true with *script
 * pointing into cmdline and *script_len its length; false if there is none.
 */
bool scn_find(const char *cmdline, size_t len, const char **script, size_t *script_len);

/*
 * Parse the command at *pos of script[0 .. len) into *cmd and move *pos past it (and its
 * ';'). SCN_OK; SCN_END when nothing is left (empty commands, ";;", are skipped);
 * SCN_BAD with a one-line reason in err (NUL-terminated, err_size > 0) naming the
 * command: unknown name, a missing, extra or malformed argument, a value out of range.
 */
enum scn_status scn_next(const char *script, size_t len, size_t *pos, struct scn_cmd *cmd,
			 char *err, size_t err_size);

/* The name of an op ("print", ...). */
const char *scn_op_name(enum scn_op op);

#endif /* AVF_GUEST_SCENARIO_SCRIPT_H */
