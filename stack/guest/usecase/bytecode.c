// SPDX-License-Identifier: Apache-2.0
/*
 * The artifact interpreter (bytecode.h). Arithmetic is done on uint64_t and converted
 * back, so overflow wraps without undefined behaviour, on the host and in the guest.
 */
#include "stack/guest/usecase/bytecode.h"
#include "stack/guest/usecase/uc.h"

struct bc_machine {
	int64_t stack[BC_MAX_STACK];
	size_t depth;
	int64_t locals[BC_MAX_LOCALS];
};

static int bc_header(const uint8_t *art, size_t len, unsigned *nlocals, unsigned *nargs)
{
	if (len < BC_HEADER_SIZE || art[0] != 'A' || art[1] != 'V' || art[2] != 'B' ||
	    art[3] != 'C' || art[4] != BC_VERSION || art[7] != 0)
		return -UC_EINVAL;
	*nlocals = art[5];
	*nargs = art[6];
	if (*nlocals > BC_MAX_LOCALS || *nargs > BC_MAX_ARGS ||
	    uc_get_le32(art + 8) != len - BC_HEADER_SIZE)
		return -UC_EINVAL;
	return 0;
}

static int64_t bc_binop(uint8_t op, int64_t a, int64_t b)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch (op) {
	case BC_ADD:
		return (int64_t)(ua + ub);
	case BC_SUB:
		return (int64_t)(ua - ub);
	case BC_MUL:
		return (int64_t)(ua * ub);
	case BC_DIV:
		return (a == INT64_MIN && b == -1) ? INT64_MIN : a / b;
	default: /* BC_MOD */
		return (a == INT64_MIN && b == -1) ? 0 : a % b;
	}
}

/* One instruction at code[*pc]; advances *pc. 1 after HALT, 0 to go on, < 0 an error. */
static int bc_step(struct bc_machine *m, const uint8_t *code, size_t len, size_t *pc,
		   unsigned nlocals, const int64_t *args, size_t nargs, int64_t *out,
		   size_t out_cap, size_t *nout)
{
	uint8_t op = code[(*pc)++];
	size_t operand = (op == BC_PUSH) ? 8 : (op >= BC_ARG && op <= BC_STORE) ? 1 : 0;
	unsigned idx;

	if (len - *pc < operand)
		return -UC_EINVAL;
	idx = operand == 1 ? code[*pc] : 0;
	*pc += operand;
	switch (op) {
	case BC_HALT:
		return *pc == len ? 1 : -UC_EINVAL;
	case BC_PUSH:
	case BC_ARG:
	case BC_LOAD:
		if (m->depth == BC_MAX_STACK)
			return -UC_E2BIG;
		if (op == BC_ARG && idx >= nargs)
			return -UC_ERANGE;
		if (op == BC_LOAD && idx >= nlocals)
			return -UC_EINVAL;
		m->stack[m->depth++] = op == BC_PUSH ? (int64_t)uc_get_le64(code + *pc - 8)
				       : op == BC_ARG ? args[idx] : m->locals[idx];
		return 0;
	case BC_STORE:
		if (idx >= nlocals || m->depth < 1)
			return -UC_EINVAL;
		m->locals[idx] = m->stack[--m->depth];
		return 0;
	case BC_ADD: case BC_SUB: case BC_MUL: case BC_DIV: case BC_MOD:
		if (m->depth < 2)
			return -UC_EINVAL;
		if ((op == BC_DIV || op == BC_MOD) && m->stack[m->depth - 1] == 0)
			return -UC_EDOM;
		m->depth--;
		m->stack[m->depth - 1] = bc_binop(op, m->stack[m->depth - 1], m->stack[m->depth]);
		return 0;
	case BC_NEG:
		if (m->depth < 1)
			return -UC_EINVAL;
		m->stack[m->depth - 1] = (int64_t)(0 - (uint64_t)m->stack[m->depth - 1]);
		return 0;
	case BC_OUT:
		if (m->depth < 1)
			return -UC_EINVAL;
		if (*nout == out_cap)
			return -UC_E2BIG;
		out[(*nout)++] = m->stack[--m->depth];
		return 0;
	default:
		return -UC_EINVAL;
	}
}

int bc_run(const uint8_t *art, size_t len, const int64_t *args, size_t nargs, int64_t *out,
	   size_t out_cap, size_t *nout)
{
	struct bc_machine m = { .depth = 0 };
	unsigned nlocals, declared_args;
	const uint8_t *code = art + BC_HEADER_SIZE;
	size_t code_len, pc = 0;
	int ret = bc_header(art, len, &nlocals, &declared_args);

	*nout = 0;
	if (ret)
		return ret;
	if (declared_args > nargs)
		return -UC_ERANGE;
	code_len = len - BC_HEADER_SIZE;
	while (pc < code_len) {
		ret = bc_step(&m, code, code_len, &pc, nlocals, args, declared_args, out, out_cap,
			      nout);
		if (ret)
			return ret < 0 ? ret : 0;
	}
	return -UC_EINVAL;	/* ran off the end without HALT */
}
