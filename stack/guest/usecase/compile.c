// SPDX-License-Identifier: Apache-2.0
/*
 * The compiler (compile.h): a hand-written lexer and a recursive-descent parser that
 * emits stack-machine code as it parses (no syntax tree), tracking the stack depth the
 * code will need so the artifact never overflows the interpreter's stack.
 */
#include "stack/guest/usecase/bytecode.h"
#include "stack/guest/usecase/compile.h"
#include "stack/guest/usecase/uc.h"

enum tok_kind {
	T_EOF, T_INT, T_NAME, T_CONST, T_LET, T_OUT, T_ARG,
	T_ASSIGN, T_SEMI, T_LPAREN, T_RPAREN, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT,
};

struct token {
	enum tok_kind kind;
	uint64_t value;			/* T_INT */
	char name[COMPILE_MAX_NAME + 1];	/* T_NAME, NUL-padded */
	unsigned line, col;
};

enum sym_kind { SYM_CONST = 1, SYM_LOCAL = 2 };

struct symbol {
	int64_t value;			/* SYM_CONST: the value */
	char name[COMPILE_MAX_NAME + 1];
	uint8_t kind;
	uint8_t slot;			/* SYM_LOCAL: its slot */
};

struct compiler {
	const char *src;
	size_t len, pos;
	unsigned line, col;
	struct token tok;		/* the current (lookahead) token */
	/*
	 * The symbol table, then the emitter's function pointer right after it: the
	 * deliberate bug (compile.h) writes entry COMPILE_MAX_SYMBOLS over @emit. It is
	 * volatile so the optimiser cannot replace the indirect call by a direct one
	 * (it only ever holds emit_bytes legitimately), which would hide the bug.
	 */
	struct symbol syms[COMPILE_MAX_SYMBOLS];
	void (*volatile emit)(struct compiler *c, const uint8_t *bytes, size_t n);
	uint8_t *out;
	size_t out_len, out_cap;
	size_t nsyms;
	unsigned nlocals, nargs, nesting, stack, max_stack;
	bool symtab_bug;
	long status;			/* 0, or the first error */
	char *err;
};

_Static_assert(__builtin_offsetof(struct compiler, emit) ==
	       __builtin_offsetof(struct compiler, syms) + sizeof(struct symbol) * COMPILE_MAX_SYMBOLS,
	       "the deliberate bug documented in compile.h relies on this layout");
_Static_assert(__builtin_offsetof(struct symbol, value) == 0,
	       "the overflowing entry's value lands on the emitter pointer");

/* ---- errors ---------------------------------------------------------------------------- */

static void put_str(char *buf, size_t *n, const char *s)
{
	while (*s && *n + 1 < COMPILE_ERROR_MAX)
		buf[(*n)++] = *s++;
}

static void put_uint(char *buf, size_t *n, unsigned v)
{
	char digits[12];
	int k = 0;

	do
		digits[k++] = (char)('0' + v % 10);
	while ((v /= 10) && k < 11);
	while (k && *n + 1 < COMPILE_ERROR_MAX)
		buf[(*n)++] = digits[--k];
}

/* Record the first error: "line L col C: WHAT[ 'NAME']". */
static bool fail(struct compiler *c, long code, const struct token *at, const char *what,
		 const char *name)
{
	size_t n = 0;

	if (c->status)
		return false;
	c->status = code;
	put_str(c->err, &n, "line ");
	put_uint(c->err, &n, at->line);
	put_str(c->err, &n, " col ");
	put_uint(c->err, &n, at->col);
	put_str(c->err, &n, ": ");
	put_str(c->err, &n, what);
	if (name) {
		put_str(c->err, &n, " '");
		put_str(c->err, &n, name);
		put_str(c->err, &n, "'");
	}
	c->err[n] = 0;
	return false;
}

/* ---- lexer ----------------------------------------------------------------------------- */

static int peek_char(const struct compiler *c)
{
	return c->pos < c->len ? (unsigned char)c->src[c->pos] : -1;
}

static void advance(struct compiler *c)
{
	if (c->src[c->pos++] == '\n') {
		c->line++;
		c->col = 1;
	} else {
		c->col++;
	}
}

static void skip_space(struct compiler *c)
{
	for (int ch = peek_char(c); ch >= 0; ch = peek_char(c)) {
		if (ch == '#') {
			while (peek_char(c) >= 0 && peek_char(c) != '\n')
				advance(c);
		} else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			advance(c);
		} else {
			break;
		}
	}
}

static int digit_value(int ch, unsigned base)
{
	int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : 99;

	return v < (int)base ? v : -1;
}

static bool lex_number(struct compiler *c)
{
	unsigned base = 10;
	uint64_t v = 0;
	int d, ndigits = 0;

	if (peek_char(c) == '0' && c->pos + 1 < c->len && c->src[c->pos + 1] == 'x') {
		base = 16;
		advance(c);
		advance(c);
	}
	while ((d = digit_value(peek_char(c), base)) >= 0) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return fail(c, -UC_EINVAL, &c->tok, "integer out of range", NULL);
		v = v * base + (uint64_t)d;
		ndigits++;
		advance(c);
	}
	if (!ndigits)
		return fail(c, -UC_EINVAL, &c->tok, "hexadecimal integer without digits", NULL);
	if (peek_char(c) == '_' || (peek_char(c) >= 'a' && peek_char(c) <= 'z'))
		return fail(c, -UC_EINVAL, &c->tok, "letters after an integer", NULL);
	c->tok.kind = T_INT;
	c->tok.value = v;
	return true;
}

static bool is_name_char(int ch)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool same_name(const char *a, const char *b)
{
	for (int i = 0; i <= COMPILE_MAX_NAME; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

static bool lex_name(struct compiler *c)
{
	static const struct { const char *word; enum tok_kind kind; } keywords[] = {
		{ "const", T_CONST }, { "let", T_LET }, { "out", T_OUT }, { "arg", T_ARG },
	};
	size_t n = 0;

	for (int i = 0; i <= COMPILE_MAX_NAME; i++)
		c->tok.name[i] = 0;
	while (is_name_char(peek_char(c))) {
		if (n == COMPILE_MAX_NAME)
			return fail(c, -UC_EINVAL, &c->tok, "name longer than 15 characters", NULL);
		c->tok.name[n++] = (char)peek_char(c);
		advance(c);
	}
	c->tok.kind = T_NAME;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (same_name(c->tok.name, keywords[i].word))
			c->tok.kind = keywords[i].kind;
	return true;
}

/* Read the next token into c->tok. */
static bool next(struct compiler *c)
{
	static const char punct[] = "=;()+-*/%";
	static const enum tok_kind punct_kind[] = { T_ASSIGN, T_SEMI, T_LPAREN, T_RPAREN,
						    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT };
	int ch;

	skip_space(c);
	c->tok.line = c->line;
	c->tok.col = c->col;
	ch = peek_char(c);
	if (ch < 0) {
		c->tok.kind = T_EOF;
		return true;
	}
	if (ch >= '0' && ch <= '9')
		return lex_number(c);
	if (ch == '_' || (ch >= 'a' && ch <= 'z'))
		return lex_name(c);
	for (int i = 0; punct[i]; i++) {
		if (ch == punct[i]) {
			c->tok.kind = punct_kind[i];
			advance(c);
			return true;
		}
	}
	return fail(c, -UC_EINVAL, &c->tok, "unexpected character", NULL);
}

static bool expect(struct compiler *c, enum tok_kind kind, const char *what)
{
	if (c->tok.kind != kind)
		return fail(c, -UC_EINVAL, &c->tok, what, NULL);
	return next(c);
}

/* ---- code generation ------------------------------------------------------------------- */

static void emit_bytes(struct compiler *c, const uint8_t *bytes, size_t n)
{
	if (c->status)
		return;
	if (c->out_cap - c->out_len < n) {
		fail(c, -UC_ENOSPC, &c->tok, "the artifact does not fit", NULL);
		return;
	}
	uc_copy(c->out + c->out_len, bytes, n);
	c->out_len += n;
}

/* Emit @op with its operand (@operand_size 0, 1 or 8 bytes); @push is its effect on the
 * stack depth (+1 pushes, -1 pops, 0 keeps). */
static bool emit_op(struct compiler *c, uint8_t op, uint64_t operand, size_t operand_size,
		    int push)
{
	uint8_t insn[9] = { op };

	for (size_t i = 0; i < operand_size; i++)
		insn[1 + i] = (uint8_t)(operand >> (8 * i));
	c->emit(c, insn, 1 + operand_size);
	if (push > 0 && ++c->stack > c->max_stack) {
		c->max_stack = c->stack;
		if (c->max_stack > BC_MAX_STACK)
			return fail(c, -UC_E2BIG, &c->tok, "expression too deep for the stack",
				    NULL);
	}
	if (push < 0)
		c->stack--;
	return c->status == 0;
}

/* ---- symbols --------------------------------------------------------------------------- */

static struct symbol *lookup(struct compiler *c, const char *name)
{
	for (size_t i = 0; i < c->nsyms; i++)
		if (same_name(c->syms[i].name, name))
			return &c->syms[i];
	return NULL;
}

/* Add @name to the table (its kind and value are filled by the caller). */
static struct symbol *define(struct compiler *c, const struct token *at, const char *name)
{
	struct symbol *table = c->syms, *s;

	if (lookup(c, name)) {
		fail(c, -UC_EINVAL, at, "redefinition of", name);
		return NULL;
	}
	/* THE DELIBERATE BUG (compile.h): with it on, the check lets one entry too many in */
	if (c->symtab_bug ? c->nsyms > COMPILE_MAX_SYMBOLS : c->nsyms >= COMPILE_MAX_SYMBOLS) {
		fail(c, -UC_ENOSPC, at, "too many names (16 at most)", name);
		return NULL;
	}
	s = table + c->nsyms++;
	uc_copy(s->name, name, sizeof(s->name));
	return s;
}

/* ---- parser ---------------------------------------------------------------------------- */

static bool parse_expr(struct compiler *c);

static bool parse_primary(struct compiler *c)
{
	struct token t = c->tok;
	struct symbol *s;

	switch (t.kind) {
	case T_INT:
		return next(c) && emit_op(c, BC_PUSH, t.value, 8, 1);
	case T_NAME:
		s = lookup(c, t.name);
		if (!s)
			return fail(c, -UC_EINVAL, &t, "undefined name", t.name);
		if (s->kind == SYM_CONST)
			return next(c) && emit_op(c, BC_PUSH, (uint64_t)s->value, 8, 1);
		return next(c) && emit_op(c, BC_LOAD, s->slot, 1, 1);
	case T_ARG:
		if (!next(c) || !expect(c, T_LPAREN, "expected '(' after arg"))
			return false;
		t = c->tok;
		if (t.kind != T_INT || t.value >= BC_MAX_ARGS)
			return fail(c, -UC_EINVAL, &t, "arg() takes an index from 0 to 15", NULL);
		if (t.value + 1 > c->nargs)
			c->nargs = (unsigned)t.value + 1;
		return next(c) && expect(c, T_RPAREN, "expected ')'") &&
		       emit_op(c, BC_ARG, t.value, 1, 1);
	case T_LPAREN:
		return next(c) && parse_expr(c) && expect(c, T_RPAREN, "expected ')'");
	default:
		return fail(c, -UC_EINVAL, &t, "expected an expression", NULL);
	}
}

static bool parse_unary(struct compiler *c)
{
	bool ok;

	if (c->tok.kind != T_MINUS)
		return parse_primary(c);
	if (++c->nesting > COMPILE_MAX_DEPTH)
		return fail(c, -UC_EINVAL, &c->tok, "nested too deeply", NULL);
	ok = next(c) && parse_unary(c) && emit_op(c, BC_NEG, 0, 0, 0);
	c->nesting--;
	return ok;
}

static bool parse_term(struct compiler *c)
{
	if (!parse_unary(c))
		return false;
	while (c->tok.kind == T_STAR || c->tok.kind == T_SLASH || c->tok.kind == T_PERCENT) {
		uint8_t op = c->tok.kind == T_STAR ? BC_MUL : c->tok.kind == T_SLASH ? BC_DIV : BC_MOD;

		if (!next(c) || !parse_unary(c) || !emit_op(c, op, 0, 0, -1))
			return false;
	}
	return true;
}

static bool parse_expr(struct compiler *c)
{
	bool ok = true;

	if (++c->nesting > COMPILE_MAX_DEPTH)
		return fail(c, -UC_EINVAL, &c->tok, "nested too deeply", NULL);
	ok = parse_term(c);
	while (ok && (c->tok.kind == T_PLUS || c->tok.kind == T_MINUS)) {
		uint8_t op = c->tok.kind == T_PLUS ? BC_ADD : BC_SUB;

		ok = next(c) && parse_term(c) && emit_op(c, op, 0, 0, -1);
	}
	c->nesting--;
	return ok;
}

/* const NAME = [-]INT ; */
static bool parse_const(struct compiler *c)
{
	struct token name;
	struct symbol *s;
	bool negative = false;
	uint64_t v;

	if (!next(c))
		return false;
	name = c->tok;
	if (!expect(c, T_NAME, "expected a name") || !expect(c, T_ASSIGN, "expected '='"))
		return false;
	if (c->tok.kind == T_MINUS) {
		negative = true;
		if (!next(c))
			return false;
	}
	if (c->tok.kind != T_INT)
		return fail(c, -UC_EINVAL, &c->tok, "a constant takes an integer", NULL);
	v = negative ? 0 - c->tok.value : c->tok.value;
	if (!next(c))
		return false;
	s = define(c, &name, name.name);
	if (!s)
		return false;
	s->value = (int64_t)v;	/* with the deliberate bug, entry 16 lands on c->emit */
	s->kind = SYM_CONST;
	s->slot = 0;
	return expect(c, T_SEMI, "expected ';'");
}

/* let NAME = EXPR ;  and  out EXPR ; */
static bool parse_statement(struct compiler *c)
{
	struct token name;
	struct symbol *s;

	switch (c->tok.kind) {
	case T_CONST:
		return parse_const(c);
	case T_LET:
		if (!next(c))
			return false;
		name = c->tok;
		if (!expect(c, T_NAME, "expected a name") || !expect(c, T_ASSIGN, "expected '='") ||
		    !parse_expr(c))
			return false;
		s = define(c, &name, name.name);
		if (!s)
			return false;
		s->value = 0;
		s->kind = SYM_LOCAL;
		s->slot = (uint8_t)c->nlocals++;
		return emit_op(c, BC_STORE, s->slot, 1, -1) && expect(c, T_SEMI, "expected ';'");
	case T_OUT:
		return next(c) && parse_expr(c) && emit_op(c, BC_OUT, 0, 0, -1) &&
		       expect(c, T_SEMI, "expected ';'");
	default:
		return fail(c, -UC_EINVAL, &c->tok, "expected const, let or out", NULL);
	}
}

long compile_source(const char *src, size_t len, const struct compile_options *opts,
		    uint8_t *out, size_t cap, char err[COMPILE_ERROR_MAX])
{
	struct compiler c = {
		.src = src, .len = len, .line = 1, .col = 1, .emit = emit_bytes,
		.out = out, .out_cap = cap, .out_len = BC_HEADER_SIZE, .err = err,
		.symtab_bug = opts && opts->deliberate_symtab_bug,
	};

	err[0] = 0;
	if (cap < BC_HEADER_SIZE)
		return fail(&c, -UC_ENOSPC, &c.tok, "the artifact does not fit", NULL), c.status;
	if (next(&c))
		while (c.tok.kind != T_EOF && parse_statement(&c))
			;
	if (!c.status)
		emit_op(&c, BC_HALT, 0, 0, 0);
	if (c.status)
		return c.status;
	uc_copy(out, BC_MAGIC, 4);
	out[4] = BC_VERSION;
	out[5] = (uint8_t)c.nlocals;
	out[6] = (uint8_t)c.nargs;
	out[7] = 0;
	uc_put_le32(out + 8, (uint32_t)(c.out_len - BC_HEADER_SIZE));
	return (long)c.out_len;
}
