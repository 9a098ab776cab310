// SPDX-License-Identifier: Apache-2.0
/*
 * The payload API's I/O (avf_vm_payload.h): the vsock RPC server and host connections
 * over the vsock driver and rtlib's framing (rpc_frame.h, docs/RPC.md), block devices
 * and entropy. The server reads a stream into a private buffer, decodes whole frames
 * and answers each request in order.
 */
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/rtlib/rpc_frame.h"

/* The host side may take its time between requests; a stalled send is the host not
 * reading, which ends the connection. */
#define SEND_TIMEOUT_NS	RT_VIRTIO_TIMEOUT_NS

struct rpc_conn {
	int id;
	uint8_t in[AVF_RPC_MAX_FRAME];
	uint32_t in_len;
	uint8_t body[AVF_RPC_MAX_BODY];
	uint8_t out[AVF_RPC_MAX_FRAME];
};

/* Big buffers: static, not on the 64 KiB stack. One server runs at a time. */
static struct rpc_conn server_conn;

static void consume(struct rpc_conn *c, uint32_t n)
{
	for (uint32_t i = n; i < c->in_len; i++)
		c->in[i - n] = c->in[i];
	c->in_len -= n;
}

/* Answer one decoded request. 0, 1 (the handler asked to stop) or a negative errno. */
static int answer(struct rpc_conn *c, const struct avf_rpc_hdr *req, AVmPayload_RpcHandler h,
		  void *ctx)
{
	struct avf_rpc_hdr resp = { .version = AVF_RPC_VERSION, .kind = AVF_RPC_KIND_RESPONSE,
				    .method = req->method, .seq = req->seq };
	size_t resp_len = 0;
	bool stop = false;
	long n;

	if (req->kind != AVF_RPC_KIND_REQUEST)
		return -RT_EPROTO;
	resp.status = h(ctx, req->method, c->in + AVF_RPC_HDR_SIZE, req->body_len, c->body,
			sizeof(c->body), &resp_len, &stop);
	resp.body_len = resp.status == 0 && resp_len <= sizeof(c->body) ? (uint32_t)resp_len : 0;
	if (resp.status == 0 && resp_len > sizeof(c->body))
		resp.status = -RT_EMSGSIZE;
	n = avf_rpc_encode(&resp, c->body, c->out, sizeof(c->out));
	if (n < 0)
		return (int)n;
	n = rt_vsock_send(c->id, c->out, (size_t)n, SEND_TIMEOUT_NS);
	if (n < 0)
		return (int)n;
	return stop;
}

/* Serve one connection. 0: the host closed; 1: the handler stopped; < 0: error. */
static int serve(struct rpc_conn *c, AVmPayload_RpcHandler h, void *ctx)
{
	struct avf_rpc_hdr req;

	c->in_len = 0;
	for (;;) {
		long n = avf_rpc_decode(c->in, c->in_len, &req);
		int ret;

		if (n < 0)
			return (int)n;
		if (n > 0) {
			ret = answer(c, &req, h, ctx);
			if (ret)
				return ret;
			consume(c, (uint32_t)n);
			continue;
		}
		n = rt_vsock_recv(c->id, c->in + c->in_len, sizeof(c->in) - c->in_len,
				  RT_VSOCK_FOREVER);
		if (n == 0)	/* end of stream: clean between requests, else truncated */
			return c->in_len ? -RT_EPROTO : 0;
		if (n < 0)
			return (int)n;
		c->in_len += (uint32_t)n;
	}
}

int AVmPayload_runVsockRpcServer(uint32_t port, AVmPayload_RpcHandler handler, void *ctx,
				 void (*on_ready)(void *param), void *param)
{
	struct rpc_conn *c = &server_conn;
	int ret = rt_vsock_listen(port);

	if (ret)
		return ret;
	if (on_ready)
		on_ready(param);
	for (;;) {
		c->id = rt_vsock_accept(port, RT_VSOCK_FOREVER);
		if (c->id < 0) {
			ret = c->id;
			break;
		}
		ret = serve(c, handler, ctx);
		rt_vsock_close(c->id);
		if (ret != -RT_ECONNRESET)
			break;	/* a reset connection is the host's loss: serve the next one */
	}
	rt_vsock_unlisten(port);
	return ret < 0 ? ret : 0;
}

int AVmPayload_connectVsock(uint32_t port)
{
	return rt_vsock_connect(port, RT_VIRTIO_TIMEOUT_NS);
}

long AVmPayload_vsockSend(int stream, const void *buf, size_t len)
{
	return rt_vsock_send(stream, buf, len, SEND_TIMEOUT_NS);
}

long AVmPayload_vsockRecv(int stream, void *buf, size_t len)
{
	return rt_vsock_recv(stream, buf, len, RT_VSOCK_FOREVER);
}

void AVmPayload_vsockClose(int stream)
{
	rt_vsock_close(stream);
}

int AVmPayload_openBlockDevice(unsigned index, uint64_t *sectors, bool *read_only)
{
	return rt_blk_capacity(index, sectors, read_only);
}

int AVmPayload_readBlocks(unsigned index, uint64_t sector, void *buf, uint32_t count)
{
	return rt_blk_read(index, sector, buf, count);
}

int AVmPayload_writeBlocks(unsigned index, uint64_t sector, const void *buf, uint32_t count)
{
	return rt_blk_write(index, sector, buf, count);
}

int AVmPayload_flushBlockDevice(unsigned index)
{
	return rt_blk_flush(index);
}

int AVmPayload_getEntropy(void *buf, size_t size)
{
	return rt_rng_read(buf, size);
}
