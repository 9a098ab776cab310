// SPDX-License-Identifier: MIT
/* `avf-sim run [options] IMAGE`: the command line, parsed into a struct board_config. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/board/board.h"
#include "sim/board/virt.h"

enum {
	OPT_APPEND = 0x100,
	OPT_INITRD,
	OPT_MEM,
	OPT_SMP,
	OPT_SEED,
	OPT_MAX_INSNS,
	OPT_TRACE,
	OPT_STATS,
	OPT_FORMAT,
	OPT_LOAD_ADDR,
	OPT_HELP = 'h',
};

static const struct option board_options[] = {
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "smp", required_argument, NULL, OPT_SMP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "max-insns", required_argument, NULL, OPT_MAX_INSNS },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "load-addr", required_argument, NULL, OPT_LOAD_ADDR },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void board_config_defaults(struct board_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->format = IMG_FORMAT_AUTO;
	cfg->mem_size = VIRT_RAM_DEFAULT;
	cfg->smp = 1;
}

void board_usage(FILE *f)
{
	fputs("usage: avf-sim run [options] IMAGE\n"
	      "\n"
	      "Run a bare-metal or Linux aarch64 IMAGE on avf-sim's imitation of QEMU's\n"
	      "`virt` board (-M virt,gic-version=3 -cpu cortex-a72): RAM at 0x40000000,\n"
	      "PL011 at 0x09000000 (output on stdout), GICv3, PSCI over HVC, start at EL1.\n"
	      "IMAGE is an AArch64 ELF, an arm64 Linux Image or a raw binary.\n"
	      "\n"
	      "options:\n"
	      "  --append TEXT      kernel command line (/chosen/bootargs)\n"
	      "  --initrd FILE      initial ramdisk (Image and raw boots; QEMU ignores it\n"
	      "                     for ELF images and so does avf-sim)\n"
	      "  --mem SIZE         RAM size, K/M/G suffix, MiB without one (default 128M)\n"
	      "  --smp N            number of CPUs, 1..64 (default 1); CPU 0 starts, the\n"
	      "                     others wait for PSCI CPU_ON\n"
	      "  --seed N           seed of every choice the machine makes (default 0)\n"
	      "  --max-insns N      stop with status 124 after N instructions (0: no limit)\n"
	      "  --trace FILE       write the sim's instruction/exit trace to FILE\n"
	      "  --stats            print instructions, wall time and MIPS on stderr\n"
	      "  --format FMT       auto (default), elf, image or raw\n"
	      "  --load-addr ADDR   load IMAGE as raw bytes at ADDR (default for raw files:\n"
	      "                     0x40080000, as QEMU) and enter it there\n"
	      "  -h, --help         this text\n"
	      "\n"
	      "exit status: 0 guest called SYSTEM_OFF, 2 usage error, 3 bad image or initrd,\n"
	      "4 guest hung or looping on faults, 5 guest called SYSTEM_RESET, 6 simulator\n"
	      "error, 124 --max-insns reached. See docs/AVF-SIM.md.\n", f);
}

int board_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int board_parse_size(const char *s, uint64_t default_unit, uint64_t *out)
{
	uint64_t unit = default_unit, v;
	unsigned long long n;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	switch (toupper((unsigned char)*end)) {
	case '\0':
		break;
	case 'K': unit = 1ull << 10; end++; break;
	case 'M': unit = 1ull << 20; end++; break;
	case 'G': unit = 1ull << 30; end++; break;
	case 'T': unit = 1ull << 40; end++; break;
	default:
		return -EINVAL;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		return -EINVAL;
	if (__builtin_mul_overflow((uint64_t)n, unit, &v))
		return -ERANGE;
	*out = v;
	return 0;
}

static int parse_mem(const char *arg, struct board_config *cfg, struct img_error *err)
{
	uint64_t v;

	if (board_parse_size(arg, 1ull << 20, &v))
		return img_fail(err, EINVAL, "--mem: '%s' is not a size (examples: 512, "
				"256M, 1G)", arg);
	if (v < BOARD_MIN_MEM || v > BOARD_MAX_MEM)
		return img_fail(err, EINVAL, "--mem: %s is out of range: RAM must be "
				"between 1M and 64G", arg);
	if (v & 0xfff)
		return img_fail(err, EINVAL, "--mem: %s is not a multiple of 4K", arg);
	cfg->mem_size = v;
	return 0;
}

static int parse_smp(const char *arg, struct board_config *cfg, struct img_error *err)
{
	uint64_t v;

	if (board_parse_u64(arg, &v) || v < 1 || v > BOARD_MAX_CPUS)
		return img_fail(err, EINVAL, "--smp: '%s' is not a CPU count between 1 and "
				"%d", arg, BOARD_MAX_CPUS);
	cfg->smp = (unsigned)v;
	return 0;
}

static int parse_number(const char *opt, const char *arg, uint64_t *out,
			struct img_error *err)
{
	int ret = board_parse_u64(arg, out);

	if (ret == -ERANGE)
		return img_fail(err, EINVAL, "--%s: '%s' does not fit in 64 bits", opt, arg);
	if (ret)
		return img_fail(err, EINVAL, "--%s: '%s' is not a non-negative integer "
				"(decimal or 0x hex)", opt, arg);
	return 0;
}

static int parse_format(const char *arg, struct board_config *cfg, struct img_error *err)
{
	static const struct { const char *name; enum img_format f; } names[] = {
		{ "auto", IMG_FORMAT_AUTO }, { "elf", IMG_FORMAT_ELF },
		{ "image", IMG_FORMAT_IMAGE }, { "raw", IMG_FORMAT_RAW },
	};
	unsigned i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(arg, names[i].name) == 0) {
			cfg->format = names[i].f;
			return 0;
		}
	}
	return img_fail(err, EINVAL, "--format: '%s' is not one of auto, elf, image, raw",
			arg);
}

static int parse_one(int opt, const char *arg, struct board_config *cfg,
		     struct img_error *err)
{
	switch (opt) {
	case OPT_APPEND:
		cfg->append = arg;
		return 0;
	case OPT_INITRD:
		cfg->initrd_path = arg;
		return 0;
	case OPT_MEM:
		return parse_mem(arg, cfg, err);
	case OPT_SMP:
		return parse_smp(arg, cfg, err);
	case OPT_SEED:
		return parse_number("seed", arg, &cfg->seed, err);
	case OPT_MAX_INSNS:
		return parse_number("max-insns", arg, &cfg->max_insns, err);
	case OPT_TRACE:
		cfg->trace_path = arg;
		return 0;
	case OPT_STATS:
		cfg->stats = true;
		return 0;
	case OPT_FORMAT:
		return parse_format(arg, cfg, err);
	case OPT_LOAD_ADDR:
		cfg->have_load_addr = true;
		return parse_number("load-addr", arg, &cfg->load_addr, err);
	}
	return img_fail(err, EINVAL, "internal error: option %d not handled", opt);
}

/* getopt_long reported a problem: say which option and what is wrong with it. */
static int bad_option(int ret, char *argv[], struct img_error *err)
{
	const char *text = argv[optind - 1];

	if (ret == ':')
		return img_fail(err, EINVAL, "option '%s' needs an argument", text);
	if (optopt >= OPT_APPEND || (optopt == OPT_HELP && strncmp(text, "--", 2) == 0))
		return img_fail(err, EINVAL, "option '%s' takes no argument", text);
	if (optopt)
		return img_fail(err, EINVAL, "unknown option '-%c'", optopt);
	return img_fail(err, EINVAL, "unknown option '%s'", text);
}

int board_parse_args(int argc, char *argv[], struct board_config *cfg,
		     struct img_error *err)
{
	int opt, ret;

	if (argc < 2)
		return img_fail(err, EINVAL, "no command given (expected 'run')");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return BOARD_ARGS_HELP;
	if (strcmp(argv[1], "run") != 0)
		return img_fail(err, EINVAL, "unknown command '%s' (expected 'run')", argv[1]);
	/* The command plays argv[0] for getopt; optind = 0 also resets GNU getopt. */
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, ":h", board_options, NULL)) != -1) {
		if (opt == OPT_HELP)
			return BOARD_ARGS_HELP;
		if (opt == '?' || opt == ':')
			return bad_option(opt, argv + 1, err);
		ret = parse_one(opt, optarg, cfg, err);
		if (ret)
			return ret;
	}
	if (optind >= argc - 1)
		return img_fail(err, EINVAL, "missing IMAGE (usage: avf-sim run [options] "
				"IMAGE)");
	if (optind + 1 < argc - 1)
		return img_fail(err, EINVAL, "unexpected argument '%s' after IMAGE '%s'",
				argv[1 + optind + 1], argv[1 + optind]);
	cfg->image_path = argv[1 + optind];
	return 0;
}
