/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The payload API: what a payload (the code pvmfw verified, linked with the runtime in
 * stack/guest/runtime) calls, modelled on AVF's AVmPayload_* (libvm_payload). The
 * runtime implements it over the VM-to-host channel of docs/RUNTIME.md.
 *
 * Implemented: AVmPayload_main (the payload's entry), notifyServiceReady,
 * notifyError, getVmInstanceSecret, getDiceAttestationChain, getDiceAttestationCdi,
 * the vsock RPC server and host connections, block devices and entropy (over the
 * runtime's virtio drivers, docs/RUNTIME.md "virtio"; framing in docs/RPC.md).
 * Errors are negative errno values (Linux's numbers).
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

/*
 * The VM's DICE chain (docs/PAYLOAD.md, "DICE chain"): CBOR [device root COSE_Key,
 * COSE_Sign1 certificate for this payload], built by pvmfw. Copies min(@size, chain
 * size) bytes to @data and returns the chain's full size (so a first call with @size 0
 * asks for it), as AVF's AVmPayload_getDiceAttestationChain does. 0 means no chain.
 */
size_t AVmPayload_getDiceAttestationChain(void *data, size_t size);

/*
 * CDI_Attest (32 bytes), the secret the chain's leaf key pair is derived from
 * (seed = HKDF-SHA-256(CDI_Attest, info "Key Pair"), docs/PAYLOAD.md). Same contract as
 * above: copies min(@size, 32) bytes, returns 32.
 */
size_t AVmPayload_getDiceAttestationCdi(void *data, size_t size);

/* ---- vsock: RPC server and host connections (docs/RPC.md) ------------------------------- */

/*
 * One RPC request: @method and @req (@req_len bytes) in; the handler writes up to
 * @resp_cap bytes to @resp, sets *@resp_len and returns the status the caller gets (0,
 * or a negative errno; the body is sent only with status 0). Setting *@stop ends the
 * server after this response has been sent.
 */
typedef int32_t (*AVmPayload_RpcHandler)(void *ctx, uint16_t method, const void *req,
					 size_t req_len, void *resp, size_t resp_cap,
					 size_t *resp_len, bool *stop);

/*
 * Serve RPCs on vsock @port (AVF's AVmPayload_runVsockRpcServer, with our framing
 * instead of binder): listen, call @on_ready(@param) (if not NULL; the place to call
 * notifyServiceReady), then accept one host connection at a time and answer each
 * request with @handler(@ctx, ...). Returns 0 when a host closes its connection between
 * requests or the handler asks to stop; -EPROTO when a host sends a malformed frame
 * (that connection is closed); -ENODEV without a vsock device; another negative errno
 * when the device fails.
 */
int AVmPayload_runVsockRpcServer(uint32_t port, AVmPayload_RpcHandler handler, void *ctx,
				 void (*on_ready)(void *param), void *param);

/* Connect to the host's vsock @port (CID 2): a stream handle (>= 0) or -ECONNREFUSED
 * (nobody listens there), -ETIMEDOUT, -ENODEV. */
int AVmPayload_connectVsock(uint32_t port);
/* Send all of @buf: @len or a negative errno (-EPIPE, -ECONNRESET, -ETIMEDOUT). */
long AVmPayload_vsockSend(int stream, const void *buf, size_t len);
/* Wait for data: the count (>= 1), 0 at the end of the stream, or a negative errno. */
long AVmPayload_vsockRecv(int stream, void *buf, size_t len);
void AVmPayload_vsockClose(int stream);

/* ---- block devices (virtio-blk, in the VM's DT order) ------------------------------------ */

#define AVM_PAYLOAD_SECTOR_SIZE 512u
/* Open disk @index: 0 and its size in sectors, or -ENODEV. */
int AVmPayload_openBlockDevice(unsigned index, uint64_t *sectors, bool *read_only);
/* @count sectors from/to @sector: 0, -EINVAL (outside the disk), -EROFS, -EIO. */
int AVmPayload_readBlocks(unsigned index, uint64_t sector, void *buf, uint32_t count);
int AVmPayload_writeBlocks(unsigned index, uint64_t sector, const void *buf, uint32_t count);
/* Completed writes survive a host crash once this returns 0. */
int AVmPayload_flushBlockDevice(unsigned index);

/* ---- entropy ----------------------------------------------------------------------------- */

/* @size bytes from the host's entropy source (virtio-rng): 0 or -ENODEV / -EIO. Like
 * AVF's guest, treat it as host-provided: fine for seeding, not a secret from the host. */
int AVmPayload_getEntropy(void *buf, size_t size);

#endif /* AVF_VM_PAYLOAD_H */
