// SPDX-License-Identifier: MIT
/*
 * A user-space learning L2 switch over Unix datagram sockets (virtio.h). Ports are the
 * client sockets that send to it: each datagram is one Ethernet frame, its sender's
 * address identifies the port. Clients bind an autobound abstract address (Linux), so
 * ports need no files and vanish with their process; a send to a vanished port fails
 * with ECONNREFUSED and the switch forgets it and the MACs learnt on it.
 *
 * Forwarding is the textbook bridge: learn (source MAC -> port), send a unicast frame to
 * its learnt port (never back where it came from), flood broadcast, multicast and
 * unknown destinations. Nothing ages by time (determinism); a full MAC table recycles
 * its entries round-robin. Sends are non-blocking: a port whose socket is full loses
 * the frame, as a congested switch would drop it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "stack/vmm/virtio_internal.h"

#define SW_MAX_PORTS		64
#define SW_MAX_MACS		1024
#define SW_BATCH		256	/* datagrams per net_switch_process call */
#define SW_FRAME_MAX		65536
#define ETH_HDR			14

struct sw_port {
	bool used;
	socklen_t len;
	struct sockaddr_un addr;
};

struct sw_mac {
	bool used;
	uint8_t mac[6];
	int port;
};

struct net_switch {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct pcap_writer *pcap;
	struct sw_port ports[SW_MAX_PORTS];
	struct sw_mac macs[SW_MAX_MACS];
	unsigned next_mac;		/* round-robin victim when the table is full */
	uint64_t frames, forwarded, flooded, dropped;
	uint8_t buf[SW_FRAME_MAX];
};

/* ---- ports and the MAC table ---------------------------------------------------------- */

static int find_port(struct net_switch *sw, const struct sockaddr_un *a, socklen_t len)
{
	int free_slot = -1;

	for (int i = 0; i < SW_MAX_PORTS; i++) {
		struct sw_port *p = &sw->ports[i];

		if (!p->used) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (p->len == len && !memcmp(&p->addr, a, len))
			return i;
	}
	if (free_slot >= 0) {
		sw->ports[free_slot] = (struct sw_port){ .used = true, .len = len };
		memcpy(&sw->ports[free_slot].addr, a, len);
	}
	return free_slot;	/* -1: the switch is full, the datagram is dropped */
}

static void forget_port(struct net_switch *sw, int port)
{
	sw->ports[port].used = false;
	for (int i = 0; i < SW_MAX_MACS; i++)
		if (sw->macs[i].used && sw->macs[i].port == port)
			sw->macs[i].used = false;
}

static struct sw_mac *lookup_mac(struct net_switch *sw, const uint8_t *mac)
{
	for (int i = 0; i < SW_MAX_MACS; i++)
		if (sw->macs[i].used && !memcmp(sw->macs[i].mac, mac, 6))
			return &sw->macs[i];
	return NULL;
}

static void learn(struct net_switch *sw, const uint8_t *mac, int port)
{
	struct sw_mac *m = lookup_mac(sw, mac);

	if (!m) {
		for (int i = 0; i < SW_MAX_MACS && !m; i++)
			if (!sw->macs[i].used)
				m = &sw->macs[i];
		if (!m)
			m = &sw->macs[sw->next_mac++ % SW_MAX_MACS];
	}
	*m = (struct sw_mac){ .used = true, .port = port };
	memcpy(m->mac, mac, 6);
}

/* ---- forwarding ------------------------------------------------------------------------ */

static bool send_to(struct net_switch *sw, int port, const uint8_t *frame, size_t len)
{
	struct sw_port *p = &sw->ports[port];

	if (sendto(sw->fd, frame, len, MSG_DONTWAIT, (struct sockaddr *)&p->addr, p->len) ==
	    (ssize_t)len)
		return true;
	if (errno == ECONNREFUSED || errno == ENOENT || errno == ENOTCONN)
		forget_port(sw, port);
	sw->dropped++;
	return false;
}

/* Switch one frame from port src. false if it was not a valid frame (dropped). */
static bool forward(struct net_switch *sw, int src, const uint8_t *frame, size_t len)
{
	const uint8_t *dst = frame, *smac = frame + 6;
	struct sw_mac *m;

	sw->frames++;
	if (len < ETH_HDR || (smac[0] & 1)) {
		sw->dropped++;	/* runt, or a multicast source address */
		return false;
	}
	if (sw->pcap)
		pcap_write_frame(sw->pcap, frame, len);
	learn(sw, smac, src);
	m = (dst[0] & 1) ? NULL : lookup_mac(sw, dst);
	if (m) {
		if (m->port == src)
			return true;	/* already on the sender's segment */
		if (send_to(sw, m->port, frame, len))
			sw->forwarded++;
		return true;
	}
	sw->flooded++;
	for (int i = 0; i < SW_MAX_PORTS; i++)
		if (i != src && sw->ports[i].used)
			send_to(sw, i, frame, len);
	return true;
}

int net_switch_process(struct net_switch *sw)
{
	int handled = 0;

	for (int i = 0; i < SW_BATCH; i++) {
		struct sockaddr_un from;
		socklen_t len = sizeof(from);
		ssize_t n;
		int port;

		n = recvfrom(sw->fd, sw->buf, sizeof(sw->buf), MSG_DONTWAIT | MSG_TRUNC,
			     (struct sockaddr *)&from, &len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* An unbound sender cannot be answered: it is not a port. */
		if (len <= sizeof(sa_family_t) || (port = find_port(sw, &from, len)) < 0) {
			sw->dropped++;
			continue;
		}
		if (n == 0)
			continue;	/* registration only */
		if ((size_t)n > sizeof(sw->buf)) {
			sw->dropped++;	/* truncated: larger than any Ethernet frame */
			continue;
		}
		handled += forward(sw, port, sw->buf, (size_t)n);
	}
	return handled;
}

/* ---- life cycle -------------------------------------------------------------------------- */

/* Bind a Unix socket at path, replacing a stale socket file (never any other file). */
int vmm_unix_bind(int fd, const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path, path, strlen(path));
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		unlink(path);
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	return 0;
}

int net_switch_create(const char *path, const char *pcap_path, struct net_switch **out)
{
	struct net_switch *sw;
	int ret;

	if (!path || strlen(path) >= sizeof(sw->path))
		return -ENAMETOOLONG;
	sw = calloc(1, sizeof(*sw));
	if (!sw)
		return -ENOMEM;
	memcpy(sw->path, path, strlen(path));
	sw->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sw->fd < 0) {
		ret = -errno;
		free(sw);
		return ret;
	}
	ret = vmm_unix_bind(sw->fd, path);
	if (ret)
		goto err_close;
	if (pcap_path) {
		ret = pcap_open(pcap_path, &sw->pcap);
		if (ret)
			goto err_unlink;
	}
	*out = sw;
	return 0;
err_unlink:
	unlink(path);
err_close:
	close(sw->fd);
	free(sw);
	return ret;
}

void net_switch_destroy(struct net_switch *sw)
{
	if (!sw)
		return;
	close(sw->fd);
	unlink(sw->path);
	pcap_close(sw->pcap);
	free(sw);
}

int net_switch_fd(const struct net_switch *sw)
{
	return sw->fd;
}

void net_switch_get_stats(const struct net_switch *sw, struct net_switch_stats *st)
{
	*st = (struct net_switch_stats){ .frames = sw->frames, .forwarded = sw->forwarded,
					 .flooded = sw->flooded, .dropped = sw->dropped };
	for (int i = 0; i < SW_MAX_PORTS; i++)
		st->ports += sw->ports[i].used;
	for (int i = 0; i < SW_MAX_MACS; i++)
		st->macs += sw->macs[i].used;
}

int net_switch_port_open(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, ret;

	if (!path || strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Autobind: an abstract address the switch can answer to (unix(7)). */
	if (bind(fd, (struct sockaddr *)&a, sizeof(sa_family_t)) < 0 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    send(fd, "", 0, MSG_DONTWAIT) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}
