/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiler of the "compile" use case: source text of a small expression language
 * in, a bytecode artifact (bytecode.h) out. docs/PAYLOADS.md has the grammar; in short:
 *
 *   const NAME = INT;     a compile-time constant
 *   let NAME = EXPR;      a local variable (a slot)
 *   out EXPR;             append a value to the outputs
 *   EXPR: INT, NAME, arg(INT), ( EXPR ), -EXPR, and + - * / % with the usual precedence
 *   INT: decimal or 0x hexadecimal, up to 2^64 - 1 (two's complement); # comments
 *
 * Constants and locals share one symbol table of COMPILE_MAX_SYMBOLS entries.
 *
 * THE DELIBERATE BUG. With opts.deliberate_symtab_bug set (the "compile" payload sets
 * it; the tests of the safe path and the fuzz target do not), the table's limit check
 * is off by one: a 17th symbol is written one entry past the end of the table, where
 * the compiler keeps its code emitter's function pointer (struct layout checked by a
 * static assertion in compile.c). A 17th `const` therefore sets that pointer to a
 * value of the attacker's choice and the next emitted instruction jumps there: the
 * classic overflow into a code pointer. In the VM this ends in an exception and the
 * runtime's panic (the VM dies, reporting why); on the host it is undefined behaviour,
 * so host code never turns the bug on.
 */
#ifndef AVF_GUEST_USECASE_COMPILE_H
#define AVF_GUEST_USECASE_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COMPILE_MAX_SYMBOLS 16
#define COMPILE_MAX_NAME 15
#define COMPILE_MAX_DEPTH 32	/* nesting of parentheses and unary minus */
#define COMPILE_ERROR_MAX 96

struct compile_options {
	bool deliberate_symtab_bug;	/* see above: only the payload sets it */
};

/*
 * Compile @src (@len bytes, need not be NUL-terminated; a NUL byte is an error) into
 * @out (@cap bytes). Returns the artifact's size, or a negative errno with a message
 * "line L col C: WHAT" in @err (COMPILE_ERROR_MAX bytes, NUL-terminated):
 *   -EINVAL  a syntax error, an undefined or redefined name, an integer out of range,
 *            arg() index >= BC_MAX_ARGS, nesting deeper than COMPILE_MAX_DEPTH
 *   -ENOSPC  more than COMPILE_MAX_SYMBOLS symbols (safe path), or the artifact does
 *            not fit @cap
 *   -E2BIG   the code would need a deeper stack than BC_MAX_STACK
 * The artifact is a pure function of @src: byte-for-byte reproducible.
 */
long compile_source(const char *src, size_t len, const struct compile_options *opts,
		    uint8_t *out, size_t cap, char err[COMPILE_ERROR_MAX]);

#endif /* AVF_GUEST_USECASE_COMPILE_H */
