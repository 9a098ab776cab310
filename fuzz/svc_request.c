// SPDX-License-Identifier: Apache-2.0
/*
 * The service's request decoder (stack/service/protocol.c) on hostile bytes. Oracles:
 * the sanitizers; a decoded request re-encodes to exactly the input (the format has one
 * encoding per request); the response and event decoders on the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "stack/service/service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svc_request q;
	static struct svc_response r;
	static struct svc_event e;
	static uint8_t out[SVC_MAX_FRAME];
	int len;

	if (size > SVC_MAX_FRAME)
		return 0;
	if (!svc_decode_request(data, size, &q)) {
		len = svc_encode_request(&q, out, sizeof(out));
		if (len != (int)size || memcmp(out, data, size))
			abort();	/* decode and encode disagree */
	}
	if (size >= 2)	/* the kind of request a response answers comes out of band */
		(void)svc_decode_response(data, size, data[size - 1] % (SVC_REQ_LAST + 1), &r);
	(void)svc_decode_event(data, size, &e);
	return 0;
}
