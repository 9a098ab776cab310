/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The payload API: what a payload (the code pvmfw verified, linked with the runtime in
 * stack/guest/runtime) calls, modelled on AVF's AVmPayload_* (libvm_payload). The
 * runtime implements it over the VM-to-host channel of docs/RUNTIME.md.
 *
 * Implemented: AVmPayload_main (the payload's entry), notifyServiceReady,
 * notifyError, getVmInstanceSecret. Not yet: the DICE chain and attestation CDI,
 * vsock RPC server and client, block devices (see docs/RUNTIME.md, "Not done yet").
 */
#ifndef AVF_VM_PAYLOAD_H
#define AVF_VM_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The payload's entry, which the payload defines and the runtime calls once everything
 * is up. Its return value is the payload's exit code: the runtime reports it to the
 * host (AVF's onPayloadFinished) and powers the VM off.
 */
int AVmPayload_main(void);

/* Tell the host the payload is ready to serve (AVF's onPayloadReady). Once per boot;
 * later calls are ignored. */
void AVmPayload_notifyServiceReady(void);

/*
 * Report an error to the host (AVF's onError): @code is the payload's own, @message a
 * NUL-terminated text of which the host receives up to AVF_PAYLOAD_ERROR_MAX bytes.
 * The payload keeps running; return from AVmPayload_main with a non-zero code to stop.
 */
#define AVF_PAYLOAD_ERROR_MAX 256
void AVmPayload_notifyError(int32_t code, const char *message);

/*
 * Fill @secret (@size 1..32 bytes) with a secret that is the same on every boot of this
 * VM instance with a payload signed by the same key on the same device, and different
 * for another instance, another signing key, another device or a debuggable VM
 * (derived from CDI_Seal with @identifier, docs/RUNTIME.md). Returns false, leaving
 * @secret untouched, when @size is out of range.
 */
bool AVmPayload_getVmInstanceSecret(const void *identifier, size_t identifier_size,
				    void *secret, size_t size);

#endif /* AVF_VM_PAYLOAD_H */
