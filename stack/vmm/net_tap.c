// SPDX-License-Identifier: MIT
/*
 * The TAP backend of virtio-net: a Linux TAP interface without packet information
 * (IFF_NO_PI), so one read or write is exactly one Ethernet frame, as with the switch's
 * datagrams. Creating one needs /dev/net/tun and CAP_NET_ADMIN; many containers and CI
 * machines have neither, so net_tap_probe() says plainly which is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "stack/vmm/virtio_internal.h"

static void explain(char *why, size_t why_len, const char *name, int err)
{
	const char *hint = "";

	if (!why || !why_len)
		return;
	if (err == ENOENT || err == ENXIO || err == ENODEV)
		hint = " (no TUN/TAP driver here)";
	else if (err == EPERM || err == EACCES)
		hint = " (needs CAP_NET_ADMIN)";
	else if (err == EBUSY)
		hint = " (interface in use)";
	snprintf(why, why_len, "tap %s: %s%s", name && *name ? name : "(any)", strerror(err),
		 hint);
}

int net_tap_open(const char *name, char *why, size_t why_len)
{
	struct ifreq ifr;
	int fd, err;

	if (name && strlen(name) >= IFNAMSIZ) {
		explain(why, why_len, name, ENAMETOOLONG);
		return -ENAMETOOLONG;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		explain(why, why_len, "/dev/net/tun", err);
		return -err;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (name)
		memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = errno;
		close(fd);
		explain(why, why_len, name, err);
		return -err;
	}
	return fd;
}

int net_tap_probe(char *why, size_t why_len)
{
	/* An unnamed, non-persistent interface: it disappears with the fd. */
	int fd = net_tap_open(NULL, why, why_len);

	if (fd < 0)
		return fd;
	close(fd);
	if (why && why_len)
		snprintf(why, why_len, "tap: available");
	return 0;
}
