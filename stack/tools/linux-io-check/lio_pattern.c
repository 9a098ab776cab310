// SPDX-License-Identifier: Apache-2.0
/* linux-io-check: the data patterns and test frames both sides check (lio.h). */
#include <errno.h>
#include <string.h>

#include "stack/tools/linux-io-check/lio.h"

const uint8_t lio_host_mac[6] = { 0x02, 0x4c, 0x49, 0x4f, 0x00, 0x02 };

/* splitmix64's finaliser: every input bit moves about half the output bits. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t pattern_word(uint32_t stream, uint64_t word_index)
{
	return mix64(((uint64_t)stream << 56) ^ word_index ^ 0x6c696f2d63686b00ull);
}

uint8_t lio_pattern_byte(uint32_t stream, uint64_t offset)
{
	return (uint8_t)(pattern_word(stream, offset / 8) >> (8 * (offset % 8)));
}

void lio_pattern_fill(void *buf, size_t len, uint32_t stream, uint64_t offset)
{
	uint8_t *p = buf;
	size_t i = 0;

	/* Whole words at a time once aligned: the guest fills megabytes under emulation. */
	for (; i < len && (offset + i) % 8; i++)
		p[i] = lio_pattern_byte(stream, offset + i);
	for (; i + 8 <= len; i += 8) {
		uint64_t w = pattern_word(stream, (offset + i) / 8);
		for (unsigned b = 0; b < 8; b++)
			p[i + b] = (uint8_t)(w >> (8 * b));
	}
	for (; i < len; i++)
		p[i] = lio_pattern_byte(stream, offset + i);
}

size_t lio_pattern_check(const void *buf, size_t len, uint32_t stream, uint64_t offset)
{
	const uint8_t *p = buf;
	uint8_t want[256];

	for (size_t done = 0; done < len;) {
		size_t n = len - done < sizeof(want) ? len - done : sizeof(want);
		lio_pattern_fill(want, n, stream, offset + done);
		if (memcmp(p + done, want, n) != 0) {
			for (size_t i = 0; i < n; i++)
				if (p[done + i] != want[i])
					return done + i;
		}
		done += n;
	}
	return len;
}

size_t lio_frame_payload_len(uint32_t seq)
{
	/* Lengths vary per frame, up to the largest frame the MTU allows. */
	size_t room = LIO_FRAME_MAX - LIO_FRAME_FIXED;
	return 46 + (seq * 97u) % (room - 46 + 1);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t frame_stream(enum lio_frame_kind kind)
{
	return kind == LIO_FRAME_REQUEST ? LIO_STREAM_NET_UP : LIO_STREAM_NET_DOWN;
}

size_t lio_frame_build(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
		       enum lio_frame_kind kind, uint32_t seq)
{
	size_t payload = lio_frame_payload_len(seq);

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = LIO_ETHERTYPE >> 8;
	buf[13] = LIO_ETHERTYPE & 0xff;
	memcpy(buf + 14, "LIOF", 4);
	put_be32(buf + 18, kind);
	put_be32(buf + 22, seq);
	put_be32(buf + 26, (uint32_t)payload);
	lio_pattern_fill(buf + LIO_FRAME_FIXED, payload, frame_stream(kind), (uint64_t)seq * 4096);
	return LIO_FRAME_FIXED + payload;
}

int lio_frame_parse(const uint8_t *buf, size_t len, enum lio_frame_kind kind, uint32_t *seq)
{
	if (len < LIO_FRAME_FIXED || buf[12] != (LIO_ETHERTYPE >> 8) ||
	    buf[13] != (LIO_ETHERTYPE & 0xff) || memcmp(buf + 14, "LIOF", 4) != 0)
		return -EPROTO;
	uint32_t s = get_be32(buf + 22);
	size_t payload = get_be32(buf + 26);
	if (get_be32(buf + 18) != kind || payload != lio_frame_payload_len(s))
		return -EBADMSG;
	/* Ethernet pads short frames to 60 bytes: more bytes than the payload are allowed. */
	if (len < LIO_FRAME_FIXED + payload)
		return -EBADMSG;
	if (lio_pattern_check(buf + LIO_FRAME_FIXED, payload, frame_stream(kind),
			      (uint64_t)s * 4096) != payload)
		return -EBADMSG;
	*seq = s;
	return 0;
}
