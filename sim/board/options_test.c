// SPDX-License-Identifier: MIT
/* `avf-sim run` command line (sim/board/options.c) and file reading (file.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/board/board.h"

#define MiB (1024ull * 1024)

static struct board_config cfg;
static struct img_error err;

/* Parse a NULL-terminated argument list (copied: getopt may permute it). */
static int parse(const char *first, ...)
{
	char *argv[32];
	const char *a;
	va_list ap;
	int argc = 0;

	argv[argc++] = "avf-sim";
	va_start(ap, first);
	for (a = first; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	board_config_defaults(&cfg);
	memset(&err, 0, sizeof(err));
	return board_parse_args(argc, argv, &cfg, &err);
}

static void defaults(void **state)
{
	assert_int_equal(parse("run", "img.elf", NULL), 0);
	assert_string_equal(cfg.image_path, "img.elf");
	assert_int_equal(cfg.mem_size, 128 * MiB);
	assert_int_equal(cfg.smp, 1);
	assert_int_equal(cfg.seed, 0);
	assert_int_equal(cfg.max_insns, 0);
	assert_int_equal(cfg.format, IMG_FORMAT_AUTO);
	assert_false(cfg.have_load_addr);
	assert_null(cfg.initrd_path);
	assert_null(cfg.append);
	assert_null(cfg.trace_path);
	assert_false(cfg.stats);
}

static void every_option(void **state)
{
	assert_int_equal(parse("run", "--append", "console=ttyAMA0 x", "--initrd", "rd.cpio",
			       "--mem", "1G", "--smp", "4", "--seed", "0x2a",
			       "--max-insns", "1000000", "--trace", "t.txt", "--stats",
			       "--format", "raw", "--load-addr", "0x40100000", "k.bin", NULL), 0);
	assert_string_equal(cfg.append, "console=ttyAMA0 x");
	assert_string_equal(cfg.initrd_path, "rd.cpio");
	assert_int_equal(cfg.mem_size, 1ull << 30);
	assert_int_equal(cfg.smp, 4);
	assert_int_equal(cfg.seed, 42);
	assert_int_equal(cfg.max_insns, 1000000);
	assert_string_equal(cfg.trace_path, "t.txt");
	assert_true(cfg.stats);
	assert_int_equal(cfg.format, IMG_FORMAT_RAW);
	assert_true(cfg.have_load_addr);
	assert_int_equal(cfg.load_addr, 0x40100000);
	assert_string_equal(cfg.image_path, "k.bin");
	/* Options after the image, and --opt=value, work too. */
	assert_int_equal(parse("run", "k.bin", "--smp=2", "--mem", "512", NULL), 0);
	assert_int_equal(cfg.smp, 2);
	assert_int_equal(cfg.mem_size, 512 * MiB);	/* MiB without a suffix, as -m */
	assert_string_equal(cfg.image_path, "k.bin");
}

static void help(void **state)
{
	assert_int_equal(parse("--help", NULL), BOARD_ARGS_HELP);
	assert_int_equal(parse("-h", NULL), BOARD_ARGS_HELP);
	assert_int_equal(parse("run", "--help", NULL), BOARD_ARGS_HELP);
	assert_int_equal(parse("run", "x", "-h", NULL), BOARD_ARGS_HELP);
}

static void expect_error(const char *msg)
{
	assert_string_equal(err.msg, msg);
}

static void command_errors(void **state)
{
	assert_int_equal(parse(NULL), -EINVAL);
	expect_error("no command given (expected 'run')");
	assert_int_equal(parse("start", "x", NULL), -EINVAL);
	expect_error("unknown command 'start' (expected 'run')");
	assert_int_equal(parse("run", NULL), -EINVAL);
	expect_error("missing IMAGE (usage: avf-sim run [options] IMAGE)");
	assert_int_equal(parse("run", "a", "b", NULL), -EINVAL);
	expect_error("unexpected argument 'b' after IMAGE 'a'");
	assert_int_equal(parse("run", "--bogus", "a", NULL), -EINVAL);
	expect_error("unknown option '--bogus'");
	assert_int_equal(parse("run", "-x", "a", NULL), -EINVAL);
	expect_error("unknown option '-x'");
	assert_int_equal(parse("run", "a", "--append", NULL), -EINVAL);
	expect_error("option '--append' needs an argument");
	assert_int_equal(parse("run", "--stats=yes", "a", NULL), -EINVAL);
	expect_error("option '--stats=yes' takes no argument");
}

static void value_errors(void **state)
{
	assert_int_equal(parse("run", "--smp", "0", "a", NULL), -EINVAL);
	expect_error("--smp: '0' is not a CPU count between 1 and 64");
	assert_int_equal(parse("run", "--smp", "65", "a", NULL), -EINVAL);
	assert_int_equal(parse("run", "--smp", "two", "a", NULL), -EINVAL);
	assert_int_equal(parse("run", "--smp", "-1", "a", NULL), -EINVAL);
	assert_int_equal(parse("run", "--mem", "lots", "a", NULL), -EINVAL);
	expect_error("--mem: 'lots' is not a size (examples: 512, 256M, 1G)");
	assert_int_equal(parse("run", "--mem", "512K", "a", NULL), -EINVAL);
	expect_error("--mem: 512K is out of range: RAM must be between 1M and 64G");
	assert_int_equal(parse("run", "--mem", "65G", "a", NULL), -EINVAL);
	assert_int_equal(parse("run", "--mem", "1025K", "a", NULL), -EINVAL);
	expect_error("--mem: 1025K is not a multiple of 4K");
	assert_int_equal(parse("run", "--mem", "99999999999999999999", "a", NULL), -EINVAL);
	assert_int_equal(parse("run", "--seed", "18446744073709551616", "a", NULL), -EINVAL);
	expect_error("--seed: '18446744073709551616' does not fit in 64 bits");
	assert_int_equal(parse("run", "--max-insns", "1e6", "a", NULL), -EINVAL);
	expect_error("--max-insns: '1e6' is not a non-negative integer (decimal or 0x hex)");
	assert_int_equal(parse("run", "--max-insns", "", "a", NULL), -EINVAL);
	assert_int_equal(parse("run", "--load-addr", "0x4zz", "a", NULL), -EINVAL);
	assert_int_equal(parse("run", "--format", "zip", "a", NULL), -EINVAL);
	expect_error("--format: 'zip' is not one of auto, elf, image, raw");
}

static void size_parser(void **state)
{
	uint64_t v;

	assert_int_equal(board_parse_size("0x10", 1, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(board_parse_size("2k", 1, &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(board_parse_size("3MB", 1, &v), 0);
	assert_int_equal(v, 3 * MiB);
	assert_int_equal(board_parse_size("1T", 1, &v), 0);
	assert_int_equal(v, 1ull << 40);
	assert_int_equal(board_parse_size("16777216T", 1, &v), -ERANGE);
	assert_int_equal(board_parse_size("1Q", 1, &v), -EINVAL);
	assert_int_equal(board_parse_size("1MX", 1, &v), -EINVAL);
	assert_int_equal(board_parse_size(" 1", 1, &v), -EINVAL);
	assert_int_equal(board_parse_u64("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(board_parse_u64("+1", &v), -EINVAL);
}

static void read_files(void **state)
{
	char path[] = "/tmp/avf-sim-options-test-XXXXXX";
	struct img_error e;
	uint8_t *data;
	size_t size;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "0123456789", 10), 10);
	close(fd);
	assert_int_equal(board_read_file(path, 10, &data, &size, &e), 0);
	assert_int_equal(size, 10);
	assert_memory_equal(data, "0123456789", 10);
	free(data);
	assert_int_equal(board_read_file(path, 9, &data, &size, &e), -EFBIG);
	assert_string_equal(e.msg, "10 bytes is larger than RAM (9 bytes)");
	unlink(path);
	assert_int_equal(board_read_file(path, 10, &data, &size, &e), -ENOENT);
	assert_string_equal(e.msg, "cannot open: No such file or directory");
	assert_int_equal(board_read_file("/tmp", 10, &data, &size, &e), -EISDIR);
	assert_string_equal(e.msg, "is a directory");
	/* Not a regular file: the limit is enforced while reading. */
	assert_int_equal(board_read_file("/dev/zero", 100000, &data, &size, &e), -EFBIG);
	assert_string_equal(e.msg, "larger than RAM (100000 bytes)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_option),
		cmocka_unit_test(help),
		cmocka_unit_test(command_errors),
		cmocka_unit_test(value_errors),
		cmocka_unit_test(size_parser),
		cmocka_unit_test(read_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
