// SPDX-License-Identifier: MIT
/*
 * avf-netswitch PATH [--pcap FILE]: run the user-space learning L2 switch of the VMM's
 * virtio-net (docs/VIRTIO.md, "The user-space L2 switch") on a Unix datagram socket at
 * PATH until SIGINT or SIGTERM, then remove the socket and print the switch's counters.
 * VMs attach with `avf-vmm --net switch:PATH`; host programs attach with
 * net_switch_port_open(PATH).
 *
 * Exit codes: 0 stopped by a signal, 1 the switch could not start or failed, 2 usage.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "stack/vmm/virtio.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static int usage(void)
{
	fprintf(stderr, "usage: avf-netswitch PATH [--pcap FILE]\n");
	return 2;
}

static int serve(struct net_switch *sw)
{
	struct pollfd p = { .fd = net_switch_fd(sw), .events = POLLIN };

	while (!stop) {
		int ret = poll(&p, 1, -1);

		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			fprintf(stderr, "avf-netswitch: poll: %s\n", strerror(errno));
			return 1;
		}
		ret = net_switch_process(sw);
		if (ret < 0) {
			fprintf(stderr, "avf-netswitch: receive: %s\n", strerror(-ret));
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct net_switch_stats st;
	const char *pcap = NULL;
	struct net_switch *sw;
	int ret;

	if (argc == 4 && !strcmp(argv[2], "--pcap"))
		pcap = argv[3];
	else if (argc != 2)
		return usage();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = net_switch_create(argv[1], pcap, &sw);
	if (ret) {
		fprintf(stderr, "avf-netswitch: create %s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	fprintf(stderr, "avf-netswitch: listening on %s\n", argv[1]);
	ret = serve(sw);
	net_switch_get_stats(sw, &st);
	fprintf(stderr, "avf-netswitch: %llu frames, %llu forwarded, %llu flooded, %llu dropped, "
		"%u ports, %u MACs\n", (unsigned long long)st.frames,
		(unsigned long long)st.forwarded, (unsigned long long)st.flooded,
		(unsigned long long)st.dropped, st.ports, st.macs);
	net_switch_destroy(sw);
	return ret;
}
