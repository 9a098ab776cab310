// SPDX-License-Identifier: Apache-2.0
/*
 * The scenario script parser (script.h): a table of commands, each with the kinds of its
 * arguments, so that every check (range, alignment, count) is made before the payload
 * runs anything. Freestanding: its own string and number loops.
 */
#include "stack/guest/payloads/scenario/script.h"

enum arg_kind {
	ARG_U64,	/* any 64-bit number */
	ARG_U32,	/* <= 0xffffffff */
	ARG_I32,	/* an int32, "-" allowed */
	ARG_PAGE,	/* a scratch page index */
	ARG_BYTE,	/* <= 0xff */
	ARG_IPA4,	/* 4-byte aligned address */
	ARG_MS,		/* <= SCN_MAX_SLEEP_MS */
};

struct cmd_spec {
	const char *name;
	enum scn_op op;
	unsigned char min, max;		/* numeric arguments */
	bool text;			/* one TEXT argument instead */
	enum arg_kind kind[SCN_MAX_ARGS];
};

static const struct cmd_spec specs[] = {
	{ "print", SCN_PRINT, 0, 0, true, { 0 } },
	{ "ready", SCN_READY, 0, 0, false, { 0 } },
	{ "error", SCN_ERROR, 1, 1, false, { ARG_I32 } },
	{ "mark", SCN_MARK, 1, 1, false, { ARG_U64 } },
	{ "wait", SCN_WAIT, 1, 1, false, { ARG_U64 } },
	{ "share", SCN_SHARE, 1, 1, false, { ARG_PAGE } },
	{ "unshare", SCN_UNSHARE, 1, 1, false, { ARG_PAGE } },
	{ "fill", SCN_FILL, 2, 2, false, { ARG_PAGE, ARG_BYTE } },
	{ "check", SCN_CHECK, 2, 2, false, { ARG_PAGE, ARG_BYTE } },
	{ "touch", SCN_TOUCH, 1, 1, false, { ARG_IPA4 } },
	{ "write", SCN_WRITE, 2, 2, false, { ARG_IPA4, ARG_U32 } },
	{ "hvc", SCN_HVC, 1, 4, false, { ARG_U32, ARG_U64, ARG_U64, ARG_U64 } },
	{ "sleep", SCN_SLEEP, 1, 1, false, { ARG_MS } },
	{ "spin", SCN_SPIN, 0, 0, false, { 0 } },
	{ "panic", SCN_PANIC, 0, 0, true, { 0 } },
	{ "finish", SCN_FINISH, 1, 1, false, { ARG_I32 } },
};

#define NR_SPECS (sizeof(specs) / sizeof(specs[0]))

/* ---- small freestanding helpers ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool same(const char *a, size_t a_len, const char *b)
{
	size_t i = 0;

	for (; i < a_len && b[i]; i++)
		if (a[i] != b[i])
			return false;
	return i == a_len && !b[i];
}

/* Appends to a NUL-terminated message, never past size. */
struct msg {
	char *buf;
	size_t size, len;
};

static void put(struct msg *m, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i] && m->len + 1 < m->size; i++)
		m->buf[m->len++] = s[i];
	m->buf[m->len] = 0;
}

static void put_str(struct msg *m, const char *s)
{
	put(m, s, (size_t)-1);
}

static enum scn_status bad(char *err, size_t err_size, const char *what, const char *cmd,
			   size_t cmd_len)
{
	struct msg m = { err, err_size, 0 };

	err[0] = 0;
	put_str(&m, what);
	put_str(&m, " in '");
	put(&m, cmd, cmd_len > 64 ? 64 : cmd_len);
	put_str(&m, "'");
	return SCN_BAD;
}

/* A decimal or 0x number filling s[0 .. n) exactly; overflow refused. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* One argument of a kind; false if malformed or out of range. */
static bool parse_arg(const char *s, size_t n, enum arg_kind kind, uint64_t *out)
{
	bool neg = kind == ARG_I32 && n && s[0] == '-';
	uint64_t v;

	if (!parse_u64(s + neg, n - neg, &v))
		return false;
	switch (kind) {
	case ARG_U64:
		break;
	case ARG_U32:
		if (v > 0xffffffffull)
			return false;
		break;
	case ARG_I32:
		if (v > (neg ? 0x80000000ull : 0x7fffffffull))
			return false;
		v = neg ? (uint64_t)-(int64_t)v : v;
		break;
	case ARG_PAGE:
		if (v >= SCN_SCRATCH_PAGES)
			return false;
		break;
	case ARG_BYTE:
		if (v > 0xff)
			return false;
		break;
	case ARG_IPA4:
		if (v & 3)
			return false;
		break;
	case ARG_MS:
		if (v > SCN_MAX_SLEEP_MS)
			return false;
		break;
	}
	*out = v;
	return true;
}

/* ---- the API ---- */

bool scn_find(const char *cmdline, size_t len, const char **script, size_t *script_len)
{
	const size_t plen = sizeof(SCN_PREFIX) - 1;
	size_t i = 0;

	while (i < len) {
		size_t start, end;

		while (i < len && is_space(cmdline[i]))
			i++;
		start = i;
		while (i < len && cmdline[i] && !is_space(cmdline[i]))
			i++;
		end = i;
		if (end - start >= plen && same(cmdline + start, plen, SCN_PREFIX)) {
			*script = cmdline + start + plen;
			*script_len = end - start - plen;
			return true;
		}
		if (i < len && !cmdline[i])
			break;		/* a NUL ends the command line */
	}
	return false;
}

const char *scn_op_name(enum scn_op op)
{
	for (size_t i = 0; i < NR_SPECS; i++)
		if (specs[i].op == op)
			return specs[i].name;
	return "?";
}

/* Fill cmd's arguments from c[name_end .. n) (starting at a ':' or the end). */
static enum scn_status parse_args(const struct cmd_spec *sp, const char *c, size_t n,
				  size_t name_end, struct scn_cmd *cmd, char *err,
				  size_t err_size)
{
	size_t i = name_end;

	if (sp->text) {
		if (i >= n || n - i < 2)
			return bad(err, err_size, "missing text", c, n);
		cmd->text = c + i + 1;
		cmd->text_len = n - i - 1;
		return SCN_OK;
	}
	while (i < n) {
		size_t start = ++i;	/* past the ':' */

		while (i < n && c[i] != ':')
			i++;
		if (cmd->nargs == sp->max)
			return bad(err, err_size, "too many arguments", c, n);
		if (!parse_arg(c + start, i - start, sp->kind[cmd->nargs], &cmd->arg[cmd->nargs]))
			return bad(err, err_size, "bad or out-of-range argument", c, n);
		cmd->nargs++;
	}
	if (cmd->nargs < sp->min)
		return bad(err, err_size, "missing argument", c, n);
	return SCN_OK;
}

enum scn_status scn_next(const char *script, size_t len, size_t *pos, struct scn_cmd *cmd,
			 char *err, size_t err_size)
{
	const char *c;
	size_t n = 0, name_len = 0;

	while (*pos < len && script[*pos] == ';')
		(*pos)++;
	if (*pos >= len)
		return SCN_END;
	c = script + *pos;
	while (*pos + n < len && c[n] != ';')
		n++;
	*pos += n;
	if (*pos < len)
		(*pos)++;		/* the ';' */
	while (name_len < n && c[name_len] != ':')
		name_len++;
	*cmd = (struct scn_cmd){ 0 };
	for (size_t k = 0; k < NR_SPECS; k++) {
		if (!same(c, name_len, specs[k].name))
			continue;
		cmd->op = specs[k].op;
		return parse_args(&specs[k], c, n, name_len, cmd, err, err_size);
	}
	return bad(err, err_size, "unknown command", c, n);
}
