/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RPC framing shared by the guest (the runtime's vsock RPC server) and the host
 * (libavf's RPC client, stack/api/rpc_client.c): one encoder and one decoder, compiled
 * into both, so the two ends cannot disagree. docs/RPC.md is the reference.
 *
 * A message is a 16-byte header followed by body_len bytes of body, all little-endian:
 *
 *   offset 0  u32 body_len   0..AVF_RPC_MAX_BODY
 *   offset 4  u8  version    AVF_RPC_VERSION (1)
 *   offset 5  u8  kind       1 request, 2 response
 *   offset 6  u16 method     1..65535 (0 is refused)
 *   offset 8  s32 status     requests: 0; responses: 0 or a negative errno (the call failed)
 *   offset 12 u32 seq        chosen by the caller; a response repeats its request's
 *
 * Freestanding: no libc, no allocation, no global state.
 */
#ifndef AVF_GUEST_RPC_FRAME_H
#define AVF_GUEST_RPC_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define AVF_RPC_VERSION		1u
#define AVF_RPC_HDR_SIZE	16u
#define AVF_RPC_MAX_BODY	8192u
#define AVF_RPC_MAX_FRAME	(AVF_RPC_HDR_SIZE + AVF_RPC_MAX_BODY)

#define AVF_RPC_KIND_REQUEST	1u
#define AVF_RPC_KIND_RESPONSE	2u

/* Methods every server of ours answers the same way (hello's echo, docs/RPC.md). */
#define AVF_RPC_METHOD_ECHO	1u

struct avf_rpc_hdr {
	uint32_t body_len;
	uint8_t version;
	uint8_t kind;
	uint16_t method;
	int32_t status;
	uint32_t seq;
};

/*
 * Check @h as the decoder would: 0, -EPROTO (version, kind, method 0, a request with a
 * status) or -EMSGSIZE (body_len > AVF_RPC_MAX_BODY). Values are RT_E* (rt_errno.h).
 */
int avf_rpc_check(const struct avf_rpc_hdr *h);

/*
 * Write the header @h and @body (h->body_len bytes; may be NULL when 0) to @out (@cap
 * bytes). Returns the frame's size, or a negative errno: avf_rpc_check()'s, or -ENOSPC
 * when @cap is too small. @out and @body may not overlap.
 */
long avf_rpc_encode(const struct avf_rpc_hdr *h, const void *body, uint8_t *out, size_t cap);

/*
 * Decode the frame at the start of @buf (@len bytes received so far). Returns:
 *   > 0  a complete, valid frame of that many bytes: *@h is its header and its body
 *        is @buf + AVF_RPC_HDR_SIZE;
 *   0    not enough bytes yet (fewer than a header, or than the header says); a header
 *        that is already invalid is refused at once, without waiting for its body;
 *   < 0  -EPROTO or -EMSGSIZE (avf_rpc_check): the stream is unusable, close it.
 */
long avf_rpc_decode(const uint8_t *buf, size_t len, struct avf_rpc_hdr *h);

#endif /* AVF_GUEST_RPC_FRAME_H */
