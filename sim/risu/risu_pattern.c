// SPDX-License-Identifier: MIT
/*
 * Encoding patterns: parsing the "fixed bits + named fields" strings of the tables,
 * field access for the fix functions, and the small encoders they share (MOV of a
 * constant, the logical-immediate validity rule).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/risu/risu.h"

static const char *const group_names[RG_COUNT] = {
	[RG_ALU] = "alu", [RG_BITFIELD] = "bitfield", [RG_COND] = "cond",
	[RG_MULDIV] = "muldiv", [RG_CRC] = "crc", [RG_BRANCH] = "branch",
	[RG_LDST] = "ldst", [RG_PAIR] = "pair", [RG_EXCL] = "excl", [RG_ATOMIC] = "atomic",
	[RG_SYS] = "sys", [RG_FP] = "fp", [RG_SIMD] = "simd", [RG_SIMDFP] = "simdfp",
	[RG_SIMDLDST] = "simdldst",
};

const char *risu_group_name(unsigned group)
{
	return group < RG_COUNT ? group_names[group] : "?";
}

int64_t risu_parse_groups(const char *list)
{
	int64_t mask = 0;
	const char *p = list;

	if (!strcmp(list, "all"))
		return (1ll << RG_COUNT) - 1;
	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned g;

		for (g = 0; g < RG_COUNT; g++)
			if (strlen(group_names[g]) == len && !strncmp(p, group_names[g], len))
				break;
		if (g == RG_COUNT)
			return -1;
		mask |= 1ll << g;
		p += len;
		if (*p == ',')
			p++;
	}
	return mask ? mask : -1;
}

static int parse_field(const char *tok, size_t len, unsigned msb, struct risu_parsed *out,
		       char *err, size_t errlen)
{
	const char *colon = memchr(tok, ':', len);
	size_t nlen = colon ? (size_t)(colon - tok) : 0;
	unsigned width = 0, i = out->nfields;

	if (!colon || !nlen || nlen >= sizeof(out->f[0].name) || i >= RISU_MAX_FIELDS) {
		snprintf(err, errlen, "bad field '%.*s'", (int)len, tok);
		return -EINVAL;
	}
	for (const char *d = colon + 1; d < tok + len; d++) {
		if (*d < '0' || *d > '9') {
			snprintf(err, errlen, "bad width in '%.*s'", (int)len, tok);
			return -EINVAL;
		}
		width = width * 10 + (unsigned)(*d - '0');
	}
	if (!width || width > msb + 1) {
		snprintf(err, errlen, "field '%.*s' does not fit", (int)len, tok);
		return -EINVAL;
	}
	memcpy(out->f[i].name, tok, nlen);
	out->f[i].name[nlen] = 0;
	for (unsigned j = 0; j < i; j++) {
		if (!strcmp(out->f[j].name, out->f[i].name)) {
			snprintf(err, errlen, "field '%s' twice", out->f[i].name);
			return -EINVAL;
		}
	}
	out->f[i].width = (uint8_t)width;
	out->f[i].lsb = (uint8_t)(msb + 1 - width);
	out->nfields++;
	return (int)width;
}

int risu_pattern_parse(const struct risu_pattern *p, struct risu_parsed *out,
		       char *err, size_t errlen)
{
	const char *s = p->bits;
	int bit = 31;

	memset(out, 0, sizeof(*out));
	out->p = p;
	while (*s) {
		size_t len;

		if (*s == ' ') {
			s++;
			continue;
		}
		len = strcspn(s, " ");
		if (s[0] == '0' || s[0] == '1') {
			for (size_t k = 0; k < len; k++, bit--) {
				if ((s[k] != '0' && s[k] != '1') || bit < 0) {
					snprintf(err, errlen, "bad fixed bits '%.*s'", (int)len, s);
					return -EINVAL;
				}
				out->mask |= 1u << bit;
				out->value |= (uint32_t)(s[k] - '0') << bit;
			}
		} else {
			int w = bit < 0 ? -EINVAL : parse_field(s, len, (unsigned)bit, out, err, errlen);

			if (w < 0) {
				if (bit < 0)
					snprintf(err, errlen, "more than 32 bits");
				return -EINVAL;
			}
			bit -= w;
		}
		s += len;
	}
	if (bit != -1) {
		snprintf(err, errlen, "%d bits, not 32", 31 - bit);
		return -EINVAL;
	}
	return 0;
}

static int field_index(const struct risu_ctx *x, const char *name)
{
	for (unsigned i = 0; i < x->pp->nfields; i++)
		if (!strcmp(x->pp->f[i].name, name))
			return (int)i;
	return -1;
}

static unsigned must_index(const struct risu_ctx *x, const char *name)
{
	int i = field_index(x, name);

	if (i < 0) {
		fprintf(stderr, "sim-risu: pattern %s has no field '%s'\n", x->pp->p->name, name);
		abort();
	}
	return (unsigned)i;
}

uint32_t risu_f(const struct risu_ctx *x, const char *name)
{
	return x->val[must_index(x, name)];
}

void risu_fset(struct risu_ctx *x, const char *name, uint32_t v)
{
	unsigned i = must_index(x, name);
	unsigned w = x->pp->f[i].width;

	x->val[i] = w >= 32 ? v : v & ((1u << w) - 1);
}

bool risu_fhas(const struct risu_ctx *x, const char *name)
{
	return field_index(x, name) >= 0;
}

void risu_emit(struct risu_ctx *x, uint32_t word)
{
	if (x->nprefix >= RISU_MAX_PREFIX) {
		fprintf(stderr, "sim-risu: pattern %s: too many setup words\n", x->pp->p->name);
		abort();
	}
	x->prefix[x->nprefix++] = word;
}

uint64_t risu_pc(const struct risu_ctx *x)
{
	return x->pc_base + 4ull * x->nprefix;
}

void risu_branch(struct risu_ctx *x, enum risu_branch_kind kind, int word)
{
	x->br_kind = kind;
	x->br_word = word;
}

void risu_emit_mov(struct risu_ctx *x, unsigned r, uint64_t value)
{
	bool inverted = false;
	unsigned first = 0;

	/* MOVN when the inverted value has fewer non-zero halfwords. */
	unsigned nz = 0, nz_inv = 0;

	for (unsigned hw = 0; hw < 4; hw++) {
		nz += ((value >> (16 * hw)) & 0xffff) != 0;
		nz_inv += ((~value >> (16 * hw)) & 0xffff) != 0;
	}
	if (nz_inv < nz)
		inverted = true;
	for (unsigned hw = 0; hw < 4; hw++) {
		uint64_t chunk = ((inverted ? ~value : value) >> (16 * hw)) & 0xffff;

		if (chunk) {
			first = hw;
			break;
		}
	}
	/* MOVZ/MOVN Xr, #chunk, LSL #16*first */
	risu_emit(x, (inverted ? 0x92800000u : 0xd2800000u) | first << 21 |
		     (uint32_t)(((inverted ? ~value : value) >> (16 * first)) & 0xffff) << 5 | r);
	for (unsigned hw = 0; hw < 4; hw++) {
		uint64_t want = (value >> (16 * hw)) & 0xffff;
		uint64_t have = inverted ? (hw == first ? want : 0xffff) : (hw == first ? want : 0);

		if (hw != first && want != have)	/* MOVK Xr, #want, LSL #16*hw */
			risu_emit(x, 0xf2800000u | hw << 21 | (uint32_t)want << 5 | r);
	}
}

bool risu_valid_bitmask(unsigned n, unsigned imms, unsigned immr, unsigned datasize)
{
	/* The element size is 2^len, len = highest set bit of N:NOT(imms) (at least 1);
	 * an element of all ones is reserved; 64-bit elements need datasize 64. */
	unsigned v = (n << 6) | (~imms & 0x3f), len = 0, levels;

	(void)immr;
	if (!v)
		return false;
	while (v >> (len + 1))
		len++;
	if (len < 1 || (n && datasize != 64))
		return false;
	levels = (1u << len) - 1;
	return (imms & levels) != levels;
}
