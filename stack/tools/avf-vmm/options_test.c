// SPDX-License-Identifier: MIT
/* avf-vmm's command line and config files (options.c): values, defaults, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stack/tools/avf-vmm/options.h"

static struct avf_vmm_opts o;
static struct img_error err;

/* Parse a NULL-terminated list (argv[0] added); returns what avf_vmm_parse returns. */
static int parse(const char *first, ...)
{
	char *argv[64] = { (char *)"avf-vmm" };
	int argc = 1;
	va_list ap;

	avf_vmm_opts_free(&o);
	avf_vmm_defaults(&o);
	memset(&err, 0, sizeof(err));
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	return avf_vmm_parse(argc, argv, &o, &err);
}

static int teardown(void **state)
{
	avf_vmm_opts_free(&o);
	return 0;
}

static void defaults(void **state)
{
	assert_int_equal(parse("run", "guest.elf", NULL), 0);
	assert_string_equal(o.vm.kernel, "guest.elf");
	assert_int_equal(o.vm.nr_vcpus, 1);
	assert_int_equal(o.vm.mem_mib, 64);
	assert_false(o.vm.protected_vm);
	assert_null(o.vm.console_out);
	assert_null(o.backend);
	assert_int_equal(o.seed, 0);
	assert_int_equal(o.vm.kind, VMM_IMAGE_AUTO);
}

static void every_option(void **state)
{
	assert_int_equal(parse("run", "--backend", "kvm", "--mem", "1G", "--cpus", "4",
			       "--protected", "--pvmfw", "fw.bin", "--initrd", "rd.cpio",
			       "--append", "console=ttyS0 quiet", "--console", "out.txt",
			       "--disk", "a.img,ro", "--disk", "b.img,rw", "--vsock", "3,/tmp/v.sock",
			       "--net", "switch:/tmp/sw", "--pcap", "cap.pcap", "--rng",
			       "--name", "vm one", "--instance-id", "0x1234", "--debug",
			       "--seed", "99", "--max-insns", "1000000", "--stats",
			       "--kind", "raw", "--load-addr", "0x80100000", "--check-spec",
			       "image.bin", NULL), 0);
	assert_string_equal(o.backend, "kvm");
	assert_int_equal(o.vm.mem_mib, 1024);
	assert_int_equal(o.vm.nr_vcpus, 4);
	assert_true(o.vm.protected_vm);
	assert_string_equal(o.pvmfw, "fw.bin");
	assert_string_equal(o.vm.initrd, "rd.cpio");
	assert_string_equal(o.vm.bootargs, "console=ttyS0 quiet");
	assert_string_equal(o.vm.console_out, "out.txt");
	assert_int_equal(o.vm.nr_disks, 2);
	assert_string_equal(o.vm.disks[0].path, "a.img");
	assert_true(o.vm.disks[0].read_only);
	assert_string_equal(o.vm.disks[1].path, "b.img");
	assert_false(o.vm.disks[1].read_only);
	assert_int_equal(o.vm.vsock_cid, 3);
	assert_string_equal(o.vm.vsock_uds, "/tmp/v.sock");
	assert_string_equal(o.vm.net_switch, "/tmp/sw");
	assert_null(o.vm.net_tap);
	assert_string_equal(o.vm.pcap, "cap.pcap");
	assert_true(o.vm.rng);
	assert_string_equal(o.vm.name, "vm one");
	assert_int_equal(o.vm.instance_id, 0x1234);
	assert_true(o.vm.debug);
	assert_int_equal(o.seed, 99);
	assert_int_equal(o.vm.max_insns, 1000000);
	assert_true(o.stats);
	assert_true(o.check_spec);
	assert_int_equal(o.vm.kind, VMM_IMAGE_RAW);
	assert_int_equal(o.vm.load_addr, 0x80100000);
	assert_string_equal(o.vm.kernel, "image.bin");
}

/* Options may follow IMAGE; the last value of an option wins; --net switches kind. */
static void order_and_override(void **state)
{
	assert_int_equal(parse("run", "k.elf", "--cpus", "2", "--cpus", "3", "--net",
			       "switch:/s", "--net", "tap:tap0", NULL), 0);
	assert_string_equal(o.vm.kernel, "k.elf");
	assert_int_equal(o.vm.nr_vcpus, 3);
	assert_null(o.vm.net_switch);
	assert_string_equal(o.vm.net_tap, "tap0");
	assert_int_equal(parse("run", "--mem", "6", "k", NULL), 0);
	assert_int_equal(o.vm.mem_mib, 6);
	assert_int_equal(parse("run", "--mem", "4096K", "k", NULL), 0);
	assert_int_equal(o.vm.mem_mib, 4);
	assert_int_equal(parse("run", "--append", "", "k", NULL), 0);
	assert_string_equal(o.vm.bootargs, "");
}

static void expect_error(int ret, const char *msg)
{
	assert_int_equal(ret, -EINVAL);
	if (strcmp(err.msg, msg))
		fail_msg("got \"%s\", want \"%s\"", err.msg, msg);
}

static void bad_command_lines(void **state)
{
	expect_error(parse(NULL), "no command given (expected 'run')");
	expect_error(parse("start", "k", NULL), "unknown command 'start' (expected 'run')");
	expect_error(parse("run", NULL), "missing IMAGE (usage: avf-vmm run [options] IMAGE)");
	expect_error(parse("run", "a", "b", NULL), "unexpected argument 'b' after IMAGE");
	expect_error(parse("run", "--bogus", "k", NULL), "unknown option '--bogus'");
	expect_error(parse("run", "-x", "k", NULL), "unknown option '-x'");
	expect_error(parse("run", "k", "--mem", NULL), "option '--mem' needs a value");
	expect_error(parse("run", "--protected=yes", "k", NULL),
		     "option '--protected' takes no value");
	expect_error(parse("run", "--mem", "3", "k", NULL), "--mem: 3 is out of range: RAM "
		     "must be a multiple of 2 MiB from 4 MiB to 62 GiB");
	expect_error(parse("run", "--mem", "5", "k", NULL), "--mem: 5 is out of range: RAM "
		     "must be a multiple of 2 MiB from 4 MiB to 62 GiB");
	expect_error(parse("run", "--mem", "12X", "k", NULL),
		     "--mem: '12X' is not a size (examples: 64, 512M, 1G)");
	expect_error(parse("run", "--mem", "-1", "k", NULL),
		     "--mem: '-1' is not a size (examples: 64, 512M, 1G)");
	expect_error(parse("run", "--mem", "99999999999999999999G", "k", NULL),
		     "--mem: '99999999999999999999G' is not a size (examples: 64, 512M, 1G)");
	expect_error(parse("run", "--cpus", "0", "k", NULL),
		     "--cpus: '0' is not a vCPU count from 1 to 64");
	expect_error(parse("run", "--cpus", "65", "k", NULL),
		     "--cpus: '65' is not a vCPU count from 1 to 64");
	expect_error(parse("run", "--seed", "12ab", "k", NULL),
		     "--seed: '12ab' is not a number (decimal or 0x hex)");
	expect_error(parse("run", "--seed", "18446744073709551616", "k", NULL),
		     "--seed: '18446744073709551616' does not fit in 64 bits");
	expect_error(parse("run", "--vsock", "3", "k", NULL), "--vsock: '3' is not CID,PATH");
	expect_error(parse("run", "--vsock", "2,/x", "k", NULL),
		     "--vsock: CID '2' must be from 3 to 4294967294 (0-2 are reserved)");
	expect_error(parse("run", "--net", "udp:1", "k", NULL),
		     "--net: 'udp:1' is not switch:PATH or tap:NAME");
	expect_error(parse("run", "--disk", "a.img,rx", "k", NULL),
		     "--disk: 'a.img,rx': after the last comma only 'ro' or 'rw' may follow");
	expect_error(parse("run", "--disk", ",ro", "k", NULL), "--disk: ',ro' has no path");
	/* A comma means an option follows, so a path cannot hold one. */
	expect_error(parse("run", "--disk", "b,c.img", "k", NULL),
		     "--disk: 'b,c.img': after the last comma only 'ro' or 'rw' may follow");
	expect_error(parse("run", "--kind", "zip", "k", NULL),
		     "--kind: 'zip' is not one of auto, elf, image, raw");
	expect_error(parse("run", "--name", "a\tb", "k", NULL),
		     "--name: 'a\tb' has a character that is not printable");
	expect_error(parse("run", "--console", "", "k", NULL), "--console: the value is empty");
	expect_error(parse("run", "--disk", "1", "--disk", "2", "--disk", "3", "--disk", "4",
			   "--disk", "5", "k", NULL), "--disk: at most 4 disks");
}

static void help(void **state)
{
	char buf[8192];
	FILE *f;

	assert_int_equal(parse("--help", NULL), AVF_VMM_HELP);
	assert_int_equal(parse("run", "--help", NULL), AVF_VMM_HELP);
	assert_int_equal(parse("run", "k", "-h", NULL), AVF_VMM_HELP);
	f = fmemopen(buf, sizeof(buf), "w");
	avf_vmm_usage(f);
	fclose(f);
	/* Every option is documented. */
	for (const char *name = "--backend\0--mem\0--cpus\0--protected\0--initrd\0--append\0"
				"--console\0--disk\0--vsock\0--net\0--pcap\0--rng\0--name\0"
				"--config\0--seed\0--max-insns\0"; *name; name += strlen(name) + 1)
		assert_non_null(strstr(buf, name));
}

static char *write_config(const char *text)
{
	static char path[] = "/tmp/avf-vmm-config-XXXXXX";
	int fd;

	strcpy(path, "/tmp/avf-vmm-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), strlen(text));
	close(fd);
	return path;
}

static void config_file(void **state)
{
	char *path = write_config("# a VM\n"
				  "\n"
				  "  mem = 128 \n"
				  "cpus=2\n"
				  "protected = yes\n"
				  "append = console=ttyS0 # not a comment\n"
				  "disk = /d.img,ro\n"
				  "image = /k.elf\n"
				  "rng = off\n");

	/* The file sets, a later option overrides, an earlier one is overridden. */
	assert_int_equal(parse("run", "--cpus", "4", "--rng", "--config", path, "--mem", "32",
			       NULL), 0);
	assert_int_equal(o.vm.mem_mib, 32);
	assert_int_equal(o.vm.nr_vcpus, 2);
	assert_true(o.vm.protected_vm);
	assert_false(o.vm.rng);
	assert_string_equal(o.vm.bootargs, "console=ttyS0 # not a comment");
	assert_string_equal(o.vm.disks[0].path, "/d.img");
	assert_string_equal(o.vm.kernel, "/k.elf");
	unlink(path);
}

static void bad_config_files(void **state)
{
	char *path, want[256];

	path = write_config("mem = 64\nfrobnicate = 1\n");
	snprintf(want, sizeof(want), "--config %s:2: unknown key 'frobnicate' (keys are the long "
		 "option names)", path);
	expect_error(parse("run", "--config", path, "k", NULL), want);
	unlink(path);
	path = write_config("cpus 2\n");
	snprintf(want, sizeof(want), "--config %s:1: expected `key = value`, got 'cpus 2'", path);
	expect_error(parse("run", "--config", path, "k", NULL), want);
	unlink(path);
	path = write_config("protected = maybe\n");
	snprintf(want, sizeof(want), "--config %s:1: protected: 'maybe' is not a boolean "
		 "(true/false, yes/no, on/off, 1/0)", path);
	expect_error(parse("run", "--config", path, "k", NULL), want);
	unlink(path);
	assert_int_equal(parse("run", "--config", "/nonexistent.cfg", "k", NULL), -ENOENT);
	assert_string_equal(err.msg, "--config /nonexistent.cfg: No such file or directory");
	/* A file that includes itself stops at the nesting limit. */
	path = write_config("");
	{
		FILE *f = fopen(path, "w");

		fprintf(f, "config = %s\n", path);
		fclose(f);
	}
	assert_int_equal(parse("run", "--config", path, "k", NULL), -ELOOP);
	assert_non_null(strstr(err.msg, "config files nest deeper than 4"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_option),
		cmocka_unit_test(order_and_override),
		cmocka_unit_test(bad_command_lines),
		cmocka_unit_test(help),
		cmocka_unit_test(config_file),
		cmocka_unit_test(bad_config_files),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
