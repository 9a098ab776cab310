// SPDX-License-Identifier: Apache-2.0
/*
 * The payload's DICE values (avf_vm_payload.h; docs/PAYLOAD.md "DICE chain"): the chain
 * pvmfw built for this payload, copied out of the handover at boot, and CDI_Attest,
 * which boot.c keeps in rt (the handover's copy is wiped). The chain is public; the CDI
 * is the payload's own secret, from which it derives the chain's leaf private key.
 */
#include "stack/guest/runtime/rt_internal.h"

#include "stack/guest/include/avf_vm_payload.h"

static uint8_t dice_chain[AVF_DICE_CHAIN_MAX];
static size_t dice_chain_size;

void rt_dice_take(const struct avf_handover *ho)
{
	size_t n = ho->dice_chain_size;

	/* pvmfw never writes more than the array; a bigger size is corruption: keep none. */
	if (n > sizeof(dice_chain))
		n = 0;
	for (size_t i = 0; i < n; i++)
		dice_chain[i] = ho->dice_chain[i];
	dice_chain_size = n;
}

/* Copy min(@size, @n) bytes of @src to @dst; return @n, AVF's "full size" contract. */
static size_t copy_out(void *dst, size_t size, const uint8_t *src, size_t n)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < n && i < size; i++)
		d[i] = src[i];
	return n;
}

size_t AVmPayload_getDiceAttestationChain(void *data, size_t size)
{
	return copy_out(data, size, dice_chain, dice_chain_size);
}

size_t AVmPayload_getDiceAttestationCdi(void *data, size_t size)
{
	return copy_out(data, size, rt.cdi_attest, AVF_CDI_SIZE);
}
