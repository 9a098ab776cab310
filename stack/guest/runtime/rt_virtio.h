/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime's virtio drivers, for payload code (docs/RUNTIME.md, "virtio"): the
 * virtio-mmio devices the DT describes, completions found by polling their used rings
 * (a device's interrupt only wakes long vsock waits), every buffer bounced through the
 * DMA pool. Single-CPU, not reentrant.
 *
 * Errors are negative errno values (stack/guest/rtlib/rt_errno.h): -ENODEV (no such
 * device, or it failed to start), -EIO (the device failed a request or broke the
 * protocol: it is not used again), -ETIMEDOUT (no completion within RT_VIRTIO_TIMEOUT_NS
 * of virtual time), -EINVAL (bad arguments).
 */
#ifndef AVF_GUEST_RT_VIRTIO_H
#define AVF_GUEST_RT_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How long a request may take before the driver gives up on the device. */
#define RT_VIRTIO_TIMEOUT_NS	5000000000ull

/* How many devices of virtio device id @device_id the DT has (1 net, 2 blk, 3 console,
 * 4 rng, 19 vsock). */
unsigned rt_virtio_count(uint32_t device_id);

/* virtio-console (the first one): write all of @buf; read what arrived (up to @len),
 * waiting at most @timeout_ns (0: do not wait). Count, or -errno. */
long rt_vcons_write(const void *buf, size_t len);
long rt_vcons_read(void *buf, size_t len, uint64_t timeout_ns);

/* virtio-blk number @index (DT order): 512-byte sectors. */
#define RT_BLK_SECTOR 512u
int rt_blk_capacity(unsigned index, uint64_t *sectors, bool *read_only);
int rt_blk_read(unsigned index, uint64_t sector, void *buf, uint32_t count);
int rt_blk_write(unsigned index, uint64_t sector, const void *buf, uint32_t count);
/* Make completed writes durable (FLUSH); 0 at once when the device writes through. */
int rt_blk_flush(unsigned index);

/* virtio-rng: fill @buf (@len bytes). 0 or -errno. */
int rt_rng_read(void *buf, size_t len);

/* virtio-net (the first one): the MAC from the config (-ENODEV without one), send one
 * Ethernet frame (14..1514 bytes), receive one (its length; -EAGAIN if none arrived
 * within @timeout_ns; a frame longer than @cap is dropped and -EMSGSIZE returned). */
int rt_net_mac(uint8_t mac[6]);
int rt_net_send(const void *frame, size_t len);
long rt_net_recv(void *frame, size_t cap, uint64_t timeout_ns);

/*
 * virtio-vsock (the first one) stream sockets to the host (CID 2). Ids are small
 * integers. Waiting calls poll the device; @timeout_ns 0 means "do not wait",
 * RT_VSOCK_FOREVER means no limit.
 */
#define RT_VSOCK_FOREVER	(~0ull)
int rt_vsock_cid(uint64_t *cid);
int rt_vsock_listen(uint32_t port);
void rt_vsock_unlisten(uint32_t port);
/* A connection to our @port: its id, or -EAGAIN when none came within @timeout_ns. */
int rt_vsock_accept(uint32_t port, uint64_t timeout_ns);
/* Connect to host port @port: id, -ECONNREFUSED, -ETIMEDOUT. */
int rt_vsock_connect(uint32_t port, uint64_t timeout_ns);
/* Send all of @buf, waiting for credit: @len, or -EPIPE/-ECONNRESET/-ETIMEDOUT. */
long rt_vsock_send(int id, const void *buf, size_t len, uint64_t timeout_ns);
/* At least one byte (count), 0 at end of stream, -EAGAIN at the timeout, -ECONNRESET. */
long rt_vsock_recv(int id, void *buf, size_t len, uint64_t timeout_ns);
void rt_vsock_close(int id);

#endif /* AVF_GUEST_RT_VIRTIO_H */
