// SPDX-License-Identifier: Apache-2.0
/*
 * Fuzz target: the compile use case's compiler on arbitrary source text, with the
 * deliberate symbol-table bug OFF (compile.h; with it on, a 17th name is a designed-in
 * memory corruption, which is the payload's demonstration, not a finding). Oracles:
 *   - the result is an artifact size or one of the documented errnos, never anything
 *     else; an error comes with a NUL-terminated "line L col C: ..." message;
 *   - compiling is deterministic (same bytes twice);
 *   - every artifact the compiler emits is well-formed for the interpreter: running it
 *     with the arguments it declares never returns -EINVAL, -ERANGE or -E2BIG (only
 *     -EDOM, a division by zero in the program, is a legitimate run-time error);
 *   - the interpreter also survives the artifact cut short or with a flipped byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stack/guest/usecase/bytecode.h"
#include "stack/guest/usecase/compile.h"
#include "stack/guest/usecase/uc.h"

#define ART_CAP 8192

static void check(int cond)
{
	if (!cond)
		abort();
}

static void check_error(long ret, const char *err)
{
	check(ret == -UC_EINVAL || ret == -UC_ENOSPC || ret == -UC_E2BIG);
	check(memchr(err, 0, COMPILE_ERROR_MAX) != NULL);
	check(strncmp(err, "line ", 5) == 0);
}

static void run_artifact(const uint8_t *art, size_t len)
{
	static int64_t out[ART_CAP];
	int64_t args[BC_MAX_ARGS];
	size_t nout;
	int ret;

	for (int i = 0; i < BC_MAX_ARGS; i++)
		args[i] = (int64_t)(0x0123456789abcdefull * (uint64_t)(i + 1));
	ret = bc_run(art, len, args, art[6], out, ART_CAP, &nout);
	check(ret == 0 || ret == -UC_EDOM);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t art[ART_CAP], again[ART_CAP], mutated[ART_CAP];
	static int64_t out[ART_CAP];
	const struct compile_options safe = { .deliberate_symtab_bug = false };
	char err[COMPILE_ERROR_MAX];
	size_t nout;
	long n, m;

	n = compile_source((const char *)data, size, &safe, art, sizeof(art), err);
	m = compile_source((const char *)data, size, &safe, again, sizeof(again), err);
	check(n == m);
	if (n < 0) {
		check_error(n, err);
		return 0;
	}
	check(n >= BC_HEADER_SIZE + 1 && memcmp(art, again, (size_t)n) == 0);
	run_artifact(art, (size_t)n);
	/* the interpreter on damaged artifacts: any documented result, no crash */
	(void)bc_run(art, (size_t)n - 1 - size % (size_t)n, NULL, 0, out, ART_CAP, &nout);
	memcpy(mutated, art, (size_t)n);
	mutated[size % (size_t)n] ^= (uint8_t)(1u << (size % 8));
	(void)bc_run(mutated, (size_t)n, NULL, 0, out, ART_CAP, &nout);
	return 0;
}
