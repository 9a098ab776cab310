// SPDX-License-Identifier: Apache-2.0
/*
 * The DICE chain checker (dice_check.h). Deliberately shares no code with the firmware's
 * encoder (../cbor.c, ../dice_chain.c) beyond the label constants, which are the format:
 * a bug in the encoder must show up here as a refusal, not be mirrored.
 */
#include "stack/guest/pvmfw/dicecheck/dice_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/pvmfw/dice_chain.h"

/* ---- a strict CBOR reader ------------------------------------------------------------- */

struct rd {
	const uint8_t *p;
	size_t len, pos;
	const char *why;	/* first failure */
};

static bool fail(struct rd *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return false;
}

/* One head: major type and argument, refusing indefinite lengths and non-shortest forms. */
static bool head(struct rd *r, uint8_t *major, uint64_t *arg)
{
	uint8_t ib, info;
	size_t extra;

	if (r->pos >= r->len)
		return fail(r, "CBOR item truncated");
	ib = r->p[r->pos++];
	*major = ib >> 5;
	info = ib & 31;
	if (info < 24) {
		*arg = info;
		return true;
	}
	if (info > 27)
		return fail(r, "CBOR indefinite length or reserved head");
	extra = (size_t)1 << (info - 24);
	if (r->len - r->pos < extra)
		return fail(r, "CBOR item truncated");
	*arg = 0;
	for (size_t i = 0; i < extra; i++)
		*arg = *arg << 8 | r->p[r->pos++];
	if ((extra == 1 && *arg < 24) || (extra > 1 && *arg >> (4 * extra) == 0))
		return fail(r, "CBOR head not in its shortest form");
	return true;
}

static bool get_int(struct rd *r, int64_t *v)
{
	uint8_t major;
	uint64_t arg;

	if (!head(r, &major, &arg))
		return false;
	if ((major != 0 && major != 1) || arg > INT64_MAX)
		return fail(r, "CBOR integer expected");
	*v = major == 0 ? (int64_t)arg : -1 - (int64_t)arg;
	return true;
}

static bool get_str(struct rd *r, uint8_t want, const uint8_t **p, size_t *n)
{
	uint8_t major;
	uint64_t arg;

	if (!head(r, &major, &arg))
		return false;
	if (major != want)
		return fail(r, want == 2 ? "CBOR byte string expected" : "CBOR text string expected");
	if (arg > r->len - r->pos)
		return fail(r, "CBOR string truncated");
	*p = r->p + r->pos;
	*n = (size_t)arg;
	r->pos += (size_t)arg;
	return true;
}

static bool get_container(struct rd *r, uint8_t want, uint64_t *n)
{
	uint8_t major;

	if (!head(r, &major, n))
		return false;
	if (major != want)
		return fail(r, want == 4 ? "CBOR array expected" : "CBOR map expected");
	return true;
}

static bool expect_int(struct rd *r, int64_t want, const char *why)
{
	int64_t v;

	return get_int(r, &v) && (v == want || fail(r, why));
}

static bool get_bstr_exact(struct rd *r, void *out, size_t size, const char *why)
{
	const uint8_t *p;
	size_t n;

	if (!get_str(r, 2, &p, &n))
		return false;
	if (n != size)
		return fail(r, why);
	memcpy(out, p, size);
	return true;
}

/* ---- COSE ------------------------------------------------------------------------------ */

/* Exactly {1: 1, 3: -8, -1: 6, -2: bstr(32)} in that (deterministic) order. */
static bool cose_key(struct rd *r, uint8_t pub[32])
{
	uint64_t n;

	if (!get_container(r, 5, &n))
		return false;
	if (n != 4)
		return fail(r, "COSE_Key does not have exactly kty, alg, crv and x");
	return expect_int(r, COSE_KEY_KTY, "COSE_Key: kty label") &&
	       expect_int(r, COSE_KTY_OKP, "COSE_Key: kty is not OKP") &&
	       expect_int(r, COSE_KEY_ALG, "COSE_Key: alg label") &&
	       expect_int(r, COSE_ALG_EDDSA, "COSE_Key: alg is not EdDSA") &&
	       expect_int(r, COSE_KEY_OKP_CRV, "COSE_Key: crv label") &&
	       expect_int(r, COSE_CRV_ED25519, "COSE_Key: crv is not Ed25519") &&
	       expect_int(r, COSE_KEY_OKP_X, "COSE_Key: x label") &&
	       get_bstr_exact(r, pub, 32, "COSE_Key: x is not 32 bytes");
}

static bool cose_key_bytes(const uint8_t *p, size_t n, uint8_t pub[32], const char **why)
{
	struct rd r = { .p = p, .len = n };
	bool ok = cose_key(&r, pub) && (r.pos == n || fail(&r, "COSE_Key: trailing bytes"));

	if (!ok)
		*why = r.why;
	return ok;
}

/* Append a CBOR head to @buf (the Sig_structure), shortest form. */
static size_t put_head(uint8_t *buf, uint8_t major, uint64_t arg)
{
	size_t extra = arg < 24 ? 0 : arg <= 0xff ? 1 : arg <= 0xffff ? 2 : 4;

	buf[0] = (uint8_t)(major << 5 | (extra == 0 ? arg : extra == 1 ? 24 : extra == 2 ? 25 : 26));
	for (size_t i = 0; i < extra; i++)
		buf[1 + i] = (uint8_t)(arg >> (8 * (extra - 1 - i)));
	return 1 + extra;
}

/* ["Signature1", protected, h'', payload] verified under @key. */
static bool sign1_verify(const uint8_t key[32], const uint8_t *prot, size_t prot_len,
			 const uint8_t *payload, size_t payload_len, const uint8_t sig[64],
			 dice_sig_verify_fn verify)
{
	uint8_t tbs[2048];
	size_t n = 0;

	if (prot_len + payload_len > sizeof(tbs) - 32)
		return false;
	n += put_head(tbs + n, 4, 4);
	n += put_head(tbs + n, 3, 10);
	memcpy(tbs + n, "Signature1", 10);
	n += 10;
	n += put_head(tbs + n, 2, prot_len);
	memcpy(tbs + n, prot, prot_len);
	n += prot_len;
	n += put_head(tbs + n, 2, 0);
	n += put_head(tbs + n, 2, payload_len);
	memcpy(tbs + n, payload, payload_len);
	n += payload_len;
	return verify(key, sig, tbs, n);
}

/* ---- the certificate's claims ----------------------------------------------------------- */

enum { SEEN_ISS = 1, SEEN_SUB = 2, SEEN_CODE = 4, SEEN_CONFIG = 8, SEEN_AUTH = 16,
       SEEN_MODE = 32, SEEN_KEY = 64, SEEN_USAGE = 128, SEEN_ALL = 255 };

static bool id_text(struct rd *r, char out[41])
{
	const uint8_t *p;
	size_t n;

	if (!get_str(r, 3, &p, &n))
		return false;
	if (n != DICE_ID_HEX_SIZE)
		return fail(r, "iss/sub is not a 40-character ID");
	memcpy(out, p, n);
	out[n] = 0;
	return true;
}

static bool config_desc(struct rd *r, struct dice_chain_info *info)
{
	const uint8_t *p, *name;
	size_t n, name_len;
	uint64_t pairs;
	int64_t label, version = -1;
	struct rd d;

	if (!get_str(r, 2, &p, &n))
		return false;
	d = (struct rd){ .p = p, .len = n };
	name = NULL;
	if (!get_container(&d, 5, &pairs) || pairs != 2)
		return fail(r, d.why ? d.why : "configuration descriptor is not a 2-entry map");
	for (int i = 0; i < 2; i++) {
		if (!get_int(&d, &label))
			return fail(r, d.why);
		if (label == DICE_CONFIG_COMPONENT_NAME && !name) {
			if (!get_str(&d, 3, &name, &name_len))
				return fail(r, d.why);
		} else if (label == DICE_CONFIG_COMPONENT_VERSION && version < 0) {
			if (!get_int(&d, &version) || version < 0)
				return fail(r, "component version is not an unsigned integer");
		} else {
			return fail(r, "configuration descriptor: unexpected or repeated label");
		}
	}
	if (d.pos != d.len || !name || name_len >= sizeof(info->component_name))
		return fail(r, "configuration descriptor: trailing bytes or bad name");
	memcpy(info->component_name, name, name_len);
	info->component_name[name_len] = 0;
	info->component_version = (uint64_t)version;
	return true;
}

static bool subject_key(struct rd *r, uint8_t key[32])
{
	const uint8_t *p;
	size_t n;
	const char *why;

	if (!get_str(r, 2, &p, &n))
		return false;
	return cose_key_bytes(p, n, key, &why) || fail(r, why);
}

static bool one_byte(struct rd *r, uint8_t *out, const char *why)
{
	return get_bstr_exact(r, out, 1, why);
}

/* One claim, by label; each at most once. */
static bool claim(struct rd *r, int64_t label, unsigned *seen, struct dice_chain_info *info)
{
	static const struct { int64_t label; unsigned bit; } bits[] = {
		{ DICE_CWT_ISS, SEEN_ISS }, { DICE_CWT_SUB, SEEN_SUB },
		{ DICE_CWT_CODE_HASH, SEEN_CODE }, { DICE_CWT_CONFIG_DESC, SEEN_CONFIG },
		{ DICE_CWT_AUTHORITY_HASH, SEEN_AUTH }, { DICE_CWT_MODE, SEEN_MODE },
		{ DICE_CWT_SUBJECT_PUBLIC_KEY, SEEN_KEY }, { DICE_CWT_KEY_USAGE, SEEN_USAGE },
	};
	unsigned bit = 0;
	uint8_t usage;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (bits[i].label == label)
			bit = bits[i].bit;
	if (!bit)
		return fail(r, "certificate: unknown claim");
	if (*seen & bit)
		return fail(r, "certificate: repeated claim");
	*seen |= bit;
	switch (bit) {
	case SEEN_ISS: return id_text(r, info->issuer);
	case SEEN_SUB: return id_text(r, info->subject);
	case SEEN_CODE: return get_bstr_exact(r, info->code_hash, 64, "codeHash is not 64 bytes");
	case SEEN_CONFIG: return config_desc(r, info);
	case SEEN_AUTH:
		return get_bstr_exact(r, info->authority_hash, 64, "authorityHash is not 64 bytes");
	case SEEN_MODE:
		return one_byte(r, &info->mode, "mode is not one byte") &&
		       ((info->mode >= 1 && info->mode <= 3) || fail(r, "mode out of range"));
	case SEEN_KEY: return subject_key(r, info->leaf_key);
	default:
		return one_byte(r, &usage, "keyUsage is not one byte") &&
		       (usage == DICE_KEY_USAGE_CERT_SIGN || fail(r, "keyUsage is not keyCertSign"));
	}
}

static bool id_matches(const uint8_t key[32], const char *hex)
{
	uint8_t id[DICE_ID_SIZE];
	char want[DICE_ID_HEX_SIZE + 1];

	if (crypto_hkdf_sha256(NULL, 0, key, 32, "ID", 2, id, sizeof(id)))
		return false;
	for (int i = 0; i < DICE_ID_SIZE; i++)
		snprintf(want + 2 * i, 3, "%02x", id[i]);
	return strcmp(want, hex) == 0;
}

static bool claims(const uint8_t *p, size_t n, const uint8_t issuer_key[32],
		   struct dice_chain_info *info, const char **why)
{
	struct rd r = { .p = p, .len = n };
	uint64_t pairs;
	unsigned seen = 0;
	int64_t label;
	bool ok = get_container(&r, 5, &pairs);

	for (uint64_t i = 0; ok && i < pairs; i++)
		ok = get_int(&r, &label) && claim(&r, label, &seen, info);
	if (ok && r.pos != n)
		ok = fail(&r, "certificate: trailing bytes after the claims");
	if (ok && seen != SEEN_ALL)
		ok = fail(&r, "certificate: a required claim is missing");
	if (ok && !id_matches(issuer_key, info->issuer))
		ok = fail(&r, "iss is not the ID of the signer's key");
	if (ok && !id_matches(info->leaf_key, info->subject))
		ok = fail(&r, "sub is not the ID of the subject key");
	if (!ok)
		*why = r.why;
	return ok;
}

/* ---- the chain ---------------------------------------------------------------------------- */

static bool certificate(struct rd *r, const uint8_t issuer_key[32], dice_sig_verify_fn verify,
			struct dice_chain_info *info)
{
	static const uint8_t want_prot[] = { 0xa1, 0x01, 0x27 };	/* {1: -8} */
	const uint8_t *prot, *payload;
	size_t prot_len, payload_len;
	uint64_t n;
	uint8_t sig[64];
	const char *why = NULL;

	if (!get_container(r, 4, &n) || (n != 4 && !fail(r, "COSE_Sign1 is not 4 items")))
		return false;
	if (!get_str(r, 2, &prot, &prot_len))
		return false;
	if (prot_len != sizeof(want_prot) || memcmp(prot, want_prot, prot_len))
		return fail(r, "COSE_Sign1: protected header is not {alg: EdDSA}");
	if (!get_container(r, 5, &n) || (n != 0 && !fail(r, "COSE_Sign1: unprotected header")))
		return false;
	if (!get_str(r, 2, &payload, &payload_len) ||
	    !get_bstr_exact(r, sig, 64, "COSE_Sign1: signature is not 64 bytes"))
		return false;
	if (!sign1_verify(issuer_key, prot, prot_len, payload, payload_len, sig, verify))
		return fail(r, "COSE_Sign1: the signature does not verify under the issuer's key");
	return claims(payload, payload_len, issuer_key, info, &why) || fail(r, why);
}

int dice_chain_check(const uint8_t *chain, size_t len, dice_sig_verify_fn verify,
		     struct dice_chain_info *info, const char **why)
{
	struct rd r = { .p = chain, .len = len };
	uint8_t issuer[32];
	uint64_t n;
	bool ok;

	memset(info, 0, sizeof(*info));
	ok = get_container(&r, 4, &n) && (n >= 2 || fail(&r, "the chain has no certificate")) &&
	     cose_key(&r, info->root_key);
	memcpy(issuer, info->root_key, 32);
	for (uint64_t i = 1; ok && i < n; i++) {
		ok = certificate(&r, issuer, verify, info);
		memcpy(issuer, info->leaf_key, 32);
		info->nr_certs++;
	}
	if (ok && r.pos != len)
		ok = fail(&r, "trailing bytes after the chain");
	*why = ok ? "" : r.why;
	return ok ? 0 : -EBADMSG;
}
