// SPDX-License-Identifier: Apache-2.0
/* The VM instance secret (rtlib.h, docs/RUNTIME.md). */
#include "stack/guest/rtlib/rtlib.h"

#include "stack/guest/crypto/crypto.h"

bool rt_instance_secret(const uint8_t cdi_seal[32], const void *identifier,
			size_t identifier_size, void *out, size_t size)
{
	if (size == 0 || size > RT_INSTANCE_SECRET_MAX)
		return false;
	return crypto_hkdf_sha256(RT_INSTANCE_SECRET_SALT, sizeof(RT_INSTANCE_SECRET_SALT) - 1,
				  cdi_seal, 32, identifier, identifier_size, out, size) == 0;
}
