/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The artifact format of the "compile" use case (docs/PAYLOADS.md, "compile"): what
 * the compiler (compile.h) emits and a checked interpreter for it. The host runs the
 * artifacts it gets back from the VM with this interpreter (unit tests) or with the
 * Python one in harness/test_payloads.py.
 *
 *   offset 0  "AVBC"         magic
 *   offset 4  u8 version     1
 *   offset 5  u8 nlocals     0..BC_MAX_LOCALS  (slots the code may LOAD/STORE)
 *   offset 6  u8 nargs       0..BC_MAX_ARGS    (highest ARG index + 1)
 *   offset 7  u8 0
 *   offset 8  u32 code_len   little-endian; the code follows, and nothing after it
 *
 * A stack machine over 64-bit two's-complement integers (wrapping arithmetic):
 *   0x00 HALT          stop (the code must end with it)
 *   0x01 PUSH i64      8 bytes little-endian
 *   0x02 ARG u8        push argument N
 *   0x03 LOAD u8       push local N
 *   0x04 STORE u8      pop into local N
 *   0x10 ADD 0x11 SUB 0x12 MUL 0x13 DIV 0x14 MOD   pop b, pop a, push a op b
 *                      (DIV/MOD truncate toward zero; INT64_MIN / -1 = INT64_MIN, % = 0)
 *   0x15 NEG           negate the top
 *   0x20 OUT           pop, append to the outputs
 */
#ifndef AVF_GUEST_USECASE_BYTECODE_H
#define AVF_GUEST_USECASE_BYTECODE_H

#include <stddef.h>
#include <stdint.h>

#define BC_MAGIC "AVBC"
#define BC_VERSION 1
#define BC_HEADER_SIZE 12
#define BC_MAX_LOCALS 16
#define BC_MAX_ARGS 16
#define BC_MAX_STACK 64

enum bc_op {
	BC_HALT = 0x00,
	BC_PUSH = 0x01,
	BC_ARG = 0x02,
	BC_LOAD = 0x03,
	BC_STORE = 0x04,
	BC_ADD = 0x10,
	BC_SUB = 0x11,
	BC_MUL = 0x12,
	BC_DIV = 0x13,
	BC_MOD = 0x14,
	BC_NEG = 0x15,
	BC_OUT = 0x20,
};

/*
 * Run the artifact @art (@len bytes) on @args (@nargs values): the values OUT produced
 * go to @out (room for @out_cap), their count to *@nout. Every artifact is untrusted
 * input: returns 0, or
 *   -EINVAL  malformed (magic, version, sizes, unknown opcode, operand out of range,
 *            truncated operand, no final HALT, stack underflow)
 *   -ERANGE  the artifact reads more arguments than @nargs
 *   -E2BIG   stack deeper than BC_MAX_STACK, or more than @out_cap outputs
 *   -EDOM    division or remainder by zero
 * Locals start at 0. Runs at most one pass over the code (no jumps), so it always ends.
 */
int bc_run(const uint8_t *art, size_t len, const int64_t *args, size_t nargs, int64_t *out,
	   size_t out_cap, size_t *nout);

#endif /* AVF_GUEST_USECASE_BYTECODE_H */
