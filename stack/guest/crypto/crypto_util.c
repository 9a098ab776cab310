// SPDX-License-Identifier: Apache-2.0
/* Constant-time comparison and a wipe the compiler cannot drop. */
#include "crypto.h"

bool crypto_memeq(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *pa = a;
	const volatile uint8_t *pb = b;
	uint8_t diff = 0;

	/*
	 * OR together every difference instead of returning at the first one, so the loop
	 * always runs @len times. Volatile reads stop the compiler from turning it back into
	 * an early-exit comparison.
	 */
	for (size_t i = 0; i < len; i++)
		diff |= pa[i] ^ pb[i];
	return diff == 0;
}

void crypto_wipe(void *p, size_t len)
{
	volatile uint8_t *vp = p;

	for (size_t i = 0; i < len; i++)
		vp[i] = 0;
	/* Tell the compiler the memory is used afterwards, so the stores are not dead. */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
