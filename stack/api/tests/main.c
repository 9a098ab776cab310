// SPDX-License-Identifier: Apache-2.0
/*
 * avfapi-check: libavf exercised against a running avfd, for harness/test_service.py
 *   avfapi-check threads SOCKET PAYLOAD THREADS LIFECYCLES   (threads.c)
 *   avfapi-check rpc SOCKET VM_ID PORT CLOSED_PORT           (rpc.c)
 *   avfapi-check bench SOCKET SPIN_PAYLOAD READY_PAYLOAD VMS RUNS   (bench.c)
 * Exit 0 when every check passed, 1 with the failures on stderr, 2 for usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/api/tests/check.h"

static int number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	*out = strtoul(s, &end, 0);
	return *s && !*end && *out <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned long a, b, c;

	if (argc == 6 && !strcmp(argv[1], "threads") && !number(argv[4], 64, &a) && a &&
	    !number(argv[5], 1000, &b) && b)
		return check_threads(argv[2], argv[3], (int)a, (int)b);
	if (argc == 6 && !strcmp(argv[1], "rpc") && !number(argv[3], UINT32_MAX, &a) &&
	    !number(argv[4], UINT32_MAX, &b) && !number(argv[5], UINT32_MAX, &c))
		return check_rpc(argv[2], (uint32_t)a, (uint32_t)b, (uint32_t)c);
	if (argc == 7 && !strcmp(argv[1], "bench") && !number(argv[5], 256, &a) && a &&
	    !number(argv[6], 100, &b) && b)
		return bench_service(argv[2], argv[3], argv[4], (int)a, (int)b);
	fprintf(stderr, "usage: avfapi-check threads SOCKET PAYLOAD THREADS LIFECYCLES\n"
		"       avfapi-check rpc SOCKET VM_ID PORT CLOSED_PORT\n"
		"       avfapi-check bench SOCKET SPIN_PAYLOAD READY_PAYLOAD VMS RUNS\n");
	return 2;
}
