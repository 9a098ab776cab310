// SPDX-License-Identifier: Apache-2.0
/*
 * The payload API (avf_vm_payload.h) over the VM-to-host channel (avf_hvc.h,
 * docs/RUNTIME.md): plain hypercalls that the hyp forwards to the host, so no shared
 * memory is needed, which keeps protected VMs' pages private.
 */
#include "stack/guest/runtime/rt_internal.h"

#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/rtlib/rtlib.h"

static uint64_t channel(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
			uint64_t a5, uint64_t a6)
{
	return arch_hvc(fn, a1, a2, a3, a4, a5, a6, (struct arch_smccc_res *)0);
}

/* Bytes [off, off + 8) of @s (length @n) as a little-endian word, NUL-padded. */
static uint64_t text_word(const char *s, size_t n, size_t off)
{
	uint64_t w = 0;

	for (size_t i = 0; i < 8; i++)
		if (off + i < n)
			w |= (uint64_t)(uint8_t)s[off + i] << (8 * i);
	return w;
}

void rt_report_error(int32_t code, const char *message)
{
	size_t n = 0;

	while (message && message[n] && n < AVF_PAYLOAD_ERROR_MAX)
		n++;
	for (size_t off = 0; off < n; off += 40)
		channel(AVF_HVC_PAYLOAD_ERROR_TEXT, off, text_word(message, n, off),
			text_word(message, n, off + 8), text_word(message, n, off + 16),
			text_word(message, n, off + 24), text_word(message, n, off + 32));
	channel(AVF_HVC_PAYLOAD_ERROR, (uint64_t)(int64_t)code, n, 0, 0, 0, 0);
}

void rt_report_finished(int exit_code)
{
	channel(AVF_HVC_PAYLOAD_FINISHED, (uint64_t)(int64_t)exit_code, 0, 0, 0, 0, 0);
}

void AVmPayload_notifyServiceReady(void)
{
	if (rt.ready_sent)
		return;
	rt.ready_sent = true;
	channel(AVF_HVC_PAYLOAD_READY, 0, 0, 0, 0, 0, 0);
}

void AVmPayload_notifyError(int32_t code, const char *message)
{
	rt_report_error(code, message);
}

bool AVmPayload_getVmInstanceSecret(const void *identifier, size_t identifier_size,
				    void *secret, size_t size)
{
	if (rt.no_handover)
		return false;	/* no pvmfw, no CDIs: nothing to derive a secret from */
	return rt_instance_secret(rt.cdi_seal, identifier, identifier_size, secret, size);
}
