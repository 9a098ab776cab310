/*
 * rig-probe: a tiny program the rig's own tests run inside the rig (harness/test_rig.py),
 * so that one boot can check how arguments, environment, extra files, output bytes and the
 * exit status travel between the host and the emulated machine.
 *
 * Usage: rig-probe OP... where the operations run left to right:
 *   args N A1..AN   print each of the N arguments on its own line as "[A]"
 *   env NAME        print "NAME=value", or "NAME unset"
 *   cat PATH        copy the file to stdout
 *   bytes           write the 256 byte values 0..255 to stdout
 *   noeol TEXT      write TEXT with no newline after it
 *   hang            print "hang: waiting" and wait forever
 *   exit N          exit with status N now
 * Without an `exit`, the status is 0. A malformed list is reported on stderr, status 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(const char *why)
{
	fprintf(stderr, "rig-probe: %s\n", why);
	return 2;
}

static int copy_file(const char *path)
{
	FILE *in = fopen(path, "rb");
	if (!in) {
		fprintf(stderr, "rig-probe: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(in);
	return 0;
}

static int parse_count(const char *text, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || *end || end == text || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *op = argv[i];
		int has_arg = i + 1 < argc;
		long n;
		if (strcmp(op, "args") == 0) {
			if (!has_arg)
				return usage("args: missing count");
			i++;
			if (parse_count(argv[i], argc - i - 1, &n))
				return usage("args: bad count");
			for (long k = 0; k < n; k++)
				printf("[%s]\n", argv[++i]);
		} else if (strcmp(op, "env") == 0 && has_arg) {
			const char *v = getenv(argv[++i]);
			if (v)
				printf("%s=%s\n", argv[i], v);
			else
				printf("%s unset\n", argv[i]);
		} else if (strcmp(op, "cat") == 0 && has_arg) {
			fflush(stdout);
			if (copy_file(argv[++i]))
				return 1;
		} else if (strcmp(op, "bytes") == 0) {
			for (int b = 0; b < 256; b++)
				putchar(b);
		} else if (strcmp(op, "noeol") == 0 && has_arg) {
			fputs(argv[++i], stdout);
		} else if (strcmp(op, "hang") == 0) {
			printf("hang: waiting\n");
			fflush(stdout);
			for (;;)
				pause();
		} else if (strcmp(op, "exit") == 0 && has_arg) {
			if (parse_count(argv[++i], 255, &n))
				return usage("exit: status must be 0..255");
			fflush(stdout);
			return (int)n;
		} else {
			return usage("unknown or incomplete operation (see the source's header)");
		}
	}
	return 0;
}
