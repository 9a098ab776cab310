// SPDX-License-Identifier: Apache-2.0
/*
 * The RPC framing decoder (stack/guest/rtlib/rpc_frame.c, docs/RPC.md) on hostile byte
 * streams, decoded frame after frame as the guest's server and the host client do.
 * Oracles beyond the sanitizers:
 *   - the verdict on every header equals the one computed here straight from the
 *     docs/RPC.md table (an independent reading of the same rules);
 *   - a decoded frame re-encodes to exactly its input bytes (one encoding per frame);
 *   - "need more" is only ever answered when the header is valid and its body is
 *     not all there yet.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stack/guest/rtlib/rpc_frame.h"
#include "stack/guest/rtlib/rt_errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* docs/RPC.md's rules for a 16-byte header: 0 valid, or the errno the decoder must give. */
static long expected_verdict(const uint8_t *h)
{
	uint8_t version = h[4], kind = h[5];
	uint16_t method = (uint16_t)(h[6] | h[7] << 8);

	if (version != 1 || method == 0 || (kind != 1 && kind != 2) ||
	    (kind == 1 && le32(h + 8) != 0))
		return -RT_EPROTO;
	if (le32(h) > AVF_RPC_MAX_BODY)
		return -RT_EMSGSIZE;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[AVF_RPC_MAX_FRAME];
	struct avf_rpc_hdr h;

	while (size) {
		long n = avf_rpc_decode(data, size, &h);

		if (size < AVF_RPC_HDR_SIZE) {
			if (n != 0)
				abort();	/* a partial header can only mean "need more" */
			break;
		}
		if (n < 0) {
			if (n != expected_verdict(data))
				abort();
			break;
		}
		if (expected_verdict(data) != 0)
			abort();	/* accepted (or waited for) a header the rules refuse */
		if (n == 0) {
			if (size >= AVF_RPC_HDR_SIZE + (size_t)le32(data))
				abort();	/* everything was there */
			break;
		}
		if ((size_t)n != AVF_RPC_HDR_SIZE + h.body_len || (size_t)n > size ||
		    avf_rpc_encode(&h, data + AVF_RPC_HDR_SIZE, out, sizeof(out)) != n ||
		    memcmp(out, data, (size_t)n))
			abort();	/* decode and encode disagree */
		data += n;
		size -= (size_t)n;
	}
	return 0;
}
