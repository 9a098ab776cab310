// SPDX-License-Identifier: Apache-2.0
/*
 * linux-io-check: stock Linux driving the VMM's virtio devices (docs/VMM.md "Linux
 * guests"). One static program, two sides:
 *   as /init (PID 1) of the guest's initramfs       the guest side (lio_guest.c)
 *   linux-io-check host --dir DIR ... -- COMMAND    the host side (lio_host.c)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stack/tools/linux-io-check/lio_internal.h"

int main(int argc, char **argv)
{
	if (getpid() == 1)
		return lio_guest_main();
	if (argc >= 2 && strcmp(argv[1], "host") == 0)
		return lio_host_main(argc - 1, argv + 1);
	fprintf(stderr, "usage: linux-io-check host --dir DIR [--do LIST] [--disk-mib N] "
		"[--timeout S] [--net-switch PATH] -- COMMAND [ARG]...\n"
		"       (as PID 1, the /init of a Linux guest: the guest side)\n");
	return 2;
}
