// SPDX-License-Identifier: Apache-2.0
/* The RPC framing (rpc_frame.h, docs/RPC.md): header checks, encoder, decoder. */
#include "stack/guest/rtlib/rpc_frame.h"

#include "stack/guest/rtlib/rt_errno.h"

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int avf_rpc_check(const struct avf_rpc_hdr *h)
{
	if (h->version != AVF_RPC_VERSION || h->method == 0)
		return -RT_EPROTO;
	if (h->kind != AVF_RPC_KIND_REQUEST && h->kind != AVF_RPC_KIND_RESPONSE)
		return -RT_EPROTO;
	if (h->kind == AVF_RPC_KIND_REQUEST && h->status != 0)
		return -RT_EPROTO;
	if (h->body_len > AVF_RPC_MAX_BODY)
		return -RT_EMSGSIZE;
	return 0;
}

long avf_rpc_encode(const struct avf_rpc_hdr *h, const void *body, uint8_t *out, size_t cap)
{
	const uint8_t *b = body;
	int ret = avf_rpc_check(h);

	if (ret)
		return ret;
	if (cap < AVF_RPC_HDR_SIZE || cap - AVF_RPC_HDR_SIZE < h->body_len)
		return -RT_ENOSPC;
	put_le32(out, h->body_len);
	out[4] = h->version;
	out[5] = h->kind;
	put_le16(out + 6, h->method);
	put_le32(out + 8, (uint32_t)h->status);
	put_le32(out + 12, h->seq);
	for (uint32_t i = 0; i < h->body_len; i++)
		out[AVF_RPC_HDR_SIZE + i] = b[i];
	return (long)(AVF_RPC_HDR_SIZE + h->body_len);
}

long avf_rpc_decode(const uint8_t *buf, size_t len, struct avf_rpc_hdr *h)
{
	struct avf_rpc_hdr d;
	int ret;

	if (len < AVF_RPC_HDR_SIZE)
		return 0;
	d = (struct avf_rpc_hdr){
		.body_len = le32(buf), .version = buf[4], .kind = buf[5],
		.method = (uint16_t)(buf[6] | buf[7] << 8),
		.status = (int32_t)le32(buf + 8), .seq = le32(buf + 12),
	};
	ret = avf_rpc_check(&d);
	if (ret)
		return ret;
	if (len - AVF_RPC_HDR_SIZE < d.body_len)
		return 0;
	*h = d;
	return (long)(AVF_RPC_HDR_SIZE + d.body_len);
}
