/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux-io-check: what the Linux guest (/init of a small initramfs) and the host side agree
 * on (docs/VMM.md "Linux guests").
 *
 * The guest proves that a stock Linux kernel drives the VMM's virtio devices:
 *   blk    reads a pattern the host wrote to the first half of /dev/vda, writes another
 *          to the second half and flushes it; the host checks it after the VM ended
 *   vsock  connects to the host (CID 2, LIO_VSOCK_PORT), sends a pattern, half-closes and
 *          reads back the host's pattern until EOF; it also accepts one connection the
 *          host makes to it (LIO_VSOCK_LISTEN_PORT) and echoes what it reads
 *   net    sends LIO_NET_FRAMES Ethernet frames of type LIO_ETHERTYPE on eth0 through a
 *          raw AF_PACKET socket; the host's peer answers each with a reply frame
 * Every byte that crosses is a deterministic pattern (lio_pattern_byte), so both sides
 * check exact contents, not only lengths.
 */
#ifndef LIO_H
#define LIO_H

#include <stddef.h>
#include <stdint.h>

/* Disk layout of the check: [0, half) is the host's pattern, [half, size) the guest's. */
#define LIO_DISK_BYTES (4u << 20)
#define LIO_DISK_HALF (LIO_DISK_BYTES / 2)

/* Pattern streams: each direction and purpose has its own, so a misrouted copy shows. */
enum lio_stream {
	LIO_STREAM_DISK_HOST = 1,  /* host -> disk, read by the guest */
	LIO_STREAM_DISK_GUEST = 2, /* guest -> disk, checked by the host */
	LIO_STREAM_VSOCK_UP = 3,   /* guest -> host over vsock */
	LIO_STREAM_VSOCK_DOWN = 4, /* host -> guest over vsock */
	LIO_STREAM_NET_UP = 5,     /* guest -> host frames */
	LIO_STREAM_NET_DOWN = 6,   /* host -> guest frames */
	LIO_STREAM_VSOCK_IN = 7,   /* host -> guest on the connection the host makes */
};

#define LIO_VSOCK_HOST_CID 2
#define LIO_VSOCK_PORT 5000        /* the guest connects here (check) */
#define LIO_VSOCK_BENCH_PORT 5001  /* the guest connects here (benchmark) */
#define LIO_VSOCK_LISTEN_PORT 6000 /* the guest listens here; the host connects */
#define LIO_VSOCK_BYTES (256u << 10)
#define LIO_VSOCK_IN_BYTES (64u << 10)

/* Ethernet: IEEE 802 local experimental ethertype 1, locally administered MACs. */
#define LIO_ETHERTYPE 0x88b5
#define LIO_NET_FRAMES 16
#define LIO_ETH_HEADER 14
#define LIO_FRAME_MAX 1514
extern const uint8_t lio_host_mac[6];

/* The byte at `offset` of pattern `stream`: a keyed mix, so shifted or swapped data shows. */
uint8_t lio_pattern_byte(uint32_t stream, uint64_t offset);
void lio_pattern_fill(void *buf, size_t len, uint32_t stream, uint64_t offset);
/* Index of the first byte of buf that differs from the pattern, or len when all match. */
size_t lio_pattern_check(const void *buf, size_t len, uint32_t stream, uint64_t offset);

/*
 * A test frame: Ethernet header (dst, src, LIO_ETHERTYPE), then "LIOF", kind, sequence
 * number and payload length as big-endian 32-bit words, then the payload: pattern `stream`
 * at offset seq * 4096. The payload length is lio_frame_payload_len(seq).
 */
enum lio_frame_kind { LIO_FRAME_REQUEST = 1, LIO_FRAME_REPLY = 2 };
#define LIO_FRAME_FIXED (LIO_ETH_HEADER + 16)
size_t lio_frame_payload_len(uint32_t seq);
/* Builds the frame into buf (LIO_FRAME_MAX bytes); returns its length. */
size_t lio_frame_build(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
		       enum lio_frame_kind kind, uint32_t seq);
/*
 * Parses a frame of `kind`: 0 and *seq when it is a well-formed test frame whose payload
 * matches its pattern; -EPROTO for another ethertype or magic (traffic that is not ours),
 * -EBADMSG for a test frame with a wrong kind, length or payload.
 */
int lio_frame_parse(const uint8_t *buf, size_t len, enum lio_frame_kind kind, uint32_t *seq);

#endif /* LIO_H */
