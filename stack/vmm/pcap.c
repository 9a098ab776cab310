// SPDX-License-Identifier: MIT
/*
 * pcap capture files (the classic libpcap format tshark and wireshark read): a 24-byte
 * global header, then per frame a 16-byte record header and the frame. Written with
 * write(2) as frames go by, so a capture survives the process dying mid-run. Timestamps
 * are a frame counter, never the host clock (virtio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "stack/vmm/virtio_internal.h"

#define PCAP_MAGIC		0xa1b2c3d4u	/* microsecond timestamps */
#define PCAP_SNAPLEN		65535u
#define LINKTYPE_ETHERNET	1u

struct pcap_writer {
	int fd;
	uint64_t frames;
};

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int pcap_open(const char *path, struct pcap_writer **out)
{
	uint8_t hdr[24] = { 0 };
	struct pcap_writer *p;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (p->fd < 0) {
		ret = -errno;
		free(p);
		return ret;
	}
	virtio_put_le32(hdr, PCAP_MAGIC);
	virtio_put_le16(hdr + 4, 2);		/* version 2.4 */
	virtio_put_le16(hdr + 6, 4);
	/* thiszone and sigfigs stay 0 */
	virtio_put_le32(hdr + 16, PCAP_SNAPLEN);
	virtio_put_le32(hdr + 20, LINKTYPE_ETHERNET);
	ret = write_all(p->fd, hdr, sizeof(hdr));
	if (ret) {
		pcap_close(p);
		return ret;
	}
	*out = p;
	return 0;
}

int pcap_write_frame(struct pcap_writer *p, const void *frame, size_t len)
{
	uint8_t rec[16];
	uint32_t caplen = len > PCAP_SNAPLEN ? PCAP_SNAPLEN : (uint32_t)len;
	uint64_t k = p->frames++;
	int ret;

	virtio_put_le32(rec, (uint32_t)(k / 1000000));
	virtio_put_le32(rec + 4, (uint32_t)(k % 1000000));
	virtio_put_le32(rec + 8, caplen);
	virtio_put_le32(rec + 12, (uint32_t)len);
	ret = write_all(p->fd, rec, sizeof(rec));
	return ret ? ret : write_all(p->fd, frame, caplen);
}

void pcap_close(struct pcap_writer *p)
{
	if (!p)
		return;
	close(p->fd);
	free(p);
}
