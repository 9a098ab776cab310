// SPDX-License-Identifier: Apache-2.0
/*
 * The scenario script parser (script.c) on the host: finding the script in a command
 * line, every command with its exact arguments, and every refusal with its reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stack/guest/payloads/scenario/script.h"

static void find_in_cmdline(void **state)
{
	const char *line = "console=ttyS0 scenario=print:hi;ready  quiet scenario=other";
	const char *s;
	size_t n;

	assert_true(scn_find(line, strlen(line), &s, &n));
	assert_int_equal(n, strlen("print:hi;ready"));
	assert_memory_equal(s, "print:hi;ready", n);
	assert_true(scn_find("scenario=", 9, &s, &n));
	assert_int_equal(n, 0);
	assert_false(scn_find("quiet xscenario=a", 17, &s, &n));
	assert_false(scn_find("", 0, &s, &n));
	/* A NUL ends the command line (a DT string property). */
	assert_false(scn_find("quiet\0scenario=a", 16, &s, &n));
	assert_true(scn_find("\tscenario=a\n", 12, &s, &n));
	assert_int_equal(n, 1);
}

/* Parse the whole script; each command's op and arguments checked by the caller. */
static unsigned parse_all(const char *script, struct scn_cmd *out, unsigned max)
{
	char err[128];
	size_t pos = 0;
	unsigned k = 0;
	enum scn_status st;

	while ((st = scn_next(script, strlen(script), &pos, &out[k], err, sizeof(err))) ==
	       SCN_OK) {
		assert_true(k < max);
		k++;
	}
	assert_int_equal(st, SCN_END);
	return k;
}

static void every_command(void **state)
{
	struct scn_cmd c[20];
	const char *s = "print:hello:world;ready;error:-7;mark:1;wait:0x10;share:0;unshare:15;"
			"fill:3:0xff;check:3:255;touch:0x80000000;write:0x3f8:0x41;hvc:0xc6000410;"
			"hvc:1:2:3:0xffffffffffffffff;sleep:60000;spin;panic:oh:no;finish:-2147483648";

	assert_int_equal(parse_all(s, c, 20), 17);
	assert_int_equal(c[0].op, SCN_PRINT);
	assert_int_equal(c[0].text_len, 11);
	assert_memory_equal(c[0].text, "hello:world", 11);
	assert_int_equal(c[1].op, SCN_READY);
	assert_int_equal(c[1].nargs, 0);
	assert_int_equal(c[2].op, SCN_ERROR);
	assert_int_equal((int64_t)c[2].arg[0], -7);
	assert_int_equal(c[3].op, SCN_MARK);
	assert_int_equal(c[3].arg[0], 1);
	assert_int_equal(c[4].op, SCN_WAIT);
	assert_int_equal(c[4].arg[0], 16);
	assert_int_equal(c[5].op, SCN_SHARE);
	assert_int_equal(c[6].op, SCN_UNSHARE);
	assert_int_equal(c[6].arg[0], 15);
	assert_int_equal(c[7].op, SCN_FILL);
	assert_int_equal(c[7].nargs, 2);
	assert_int_equal(c[7].arg[0], 3);
	assert_int_equal(c[7].arg[1], 0xff);
	assert_int_equal(c[8].op, SCN_CHECK);
	assert_int_equal(c[8].arg[1], 255);
	assert_int_equal(c[9].op, SCN_TOUCH);
	assert_int_equal(c[9].arg[0], 0x80000000ull);
	assert_int_equal(c[10].op, SCN_WRITE);
	assert_int_equal(c[10].arg[0], 0x3f8);
	assert_int_equal(c[10].arg[1], 0x41);
	assert_int_equal(c[11].op, SCN_HVC);
	assert_int_equal(c[11].nargs, 1);
	assert_int_equal(c[11].arg[0], 0xc6000410u);
	assert_int_equal(c[12].nargs, 4);
	assert_int_equal(c[12].arg[3], UINT64_MAX);
	assert_int_equal(c[13].op, SCN_SLEEP);
	assert_int_equal(c[13].arg[0], 60000);
	assert_int_equal(c[14].op, SCN_SPIN);
	assert_int_equal(c[15].op, SCN_PANIC);
	assert_int_equal(c[15].text_len, 5);
	assert_memory_equal(c[15].text, "oh:no", 5);
	assert_int_equal(c[16].op, SCN_FINISH);
	assert_int_equal((int64_t)c[16].arg[0], INT32_MIN);
	assert_string_equal(scn_op_name(SCN_UNSHARE), "unshare");
	assert_string_equal(scn_op_name(SCN_FINISH), "finish");
}

static void empty_commands_are_skipped(void **state)
{
	struct scn_cmd c[4];

	assert_int_equal(parse_all("", c, 4), 0);
	assert_int_equal(parse_all(";;", c, 4), 0);
	assert_int_equal(parse_all(";ready;;spin;", c, 4), 2);
	assert_int_equal(c[0].op, SCN_READY);
	assert_int_equal(c[1].op, SCN_SPIN);
}

/* The first command of s is refused with exactly this reason. */
static void refused(const char *s, const char *why)
{
	struct scn_cmd c;
	char err[128];
	size_t pos = 0;

	memset(err, 'x', sizeof(err));
	assert_int_equal(scn_next(s, strlen(s), &pos, &c, err, sizeof(err)), SCN_BAD);
	assert_string_equal(err, why);
}

static void refusals(void **state)
{
	refused("dance", "unknown command in 'dance'");
	refused("Ready", "unknown command in 'Ready'");
	refused("readyx;ready", "unknown command in 'readyx'");
	refused("ready:1", "too many arguments in 'ready:1'");
	refused("mark", "missing argument in 'mark'");
	refused("mark:", "bad or out-of-range argument in 'mark:'");
	refused("mark:1:2", "too many arguments in 'mark:1:2'");
	refused("mark:12a", "bad or out-of-range argument in 'mark:12a'");
	refused("mark:0x", "bad or out-of-range argument in 'mark:0x'");
	refused("mark:-1", "bad or out-of-range argument in 'mark:-1'");
	refused("mark:18446744073709551616",
		"bad or out-of-range argument in 'mark:18446744073709551616'");
	refused("share:16", "bad or out-of-range argument in 'share:16'");
	refused("fill:0:256", "bad or out-of-range argument in 'fill:0:256'");
	refused("fill:0", "missing argument in 'fill:0'");
	refused("touch:0x80000002", "bad or out-of-range argument in 'touch:0x80000002'");
	refused("write:0x1000:0x100000000",
		"bad or out-of-range argument in 'write:0x1000:0x100000000'");
	refused("hvc", "missing argument in 'hvc'");
	refused("hvc:0x100000000", "bad or out-of-range argument in 'hvc:0x100000000'");
	refused("hvc:1:2:3:4:5", "too many arguments in 'hvc:1:2:3:4:5'");
	refused("sleep:60001", "bad or out-of-range argument in 'sleep:60001'");
	refused("finish:2147483648", "bad or out-of-range argument in 'finish:2147483648'");
	refused("finish:-2147483649", "bad or out-of-range argument in 'finish:-2147483649'");
	refused("error:-", "bad or out-of-range argument in 'error:-'");
	refused("print", "missing text in 'print'");
	refused("print:", "missing text in 'print:'");
	refused("panic", "missing text in 'panic'");
}

/* A refusal in the middle: the commands before it parsed, the position is past it. */
static void refusal_after_good_commands(void **state)
{
	const char *s = "ready;bogus:1;finish:0";
	struct scn_cmd c;
	char err[16];
	size_t pos = 0;

	assert_int_equal(scn_next(s, strlen(s), &pos, &c, err, sizeof(err)), SCN_OK);
	assert_int_equal(pos, 6);
	assert_int_equal(scn_next(s, strlen(s), &pos, &c, err, sizeof(err)), SCN_BAD);
	assert_string_equal(err, "unknown command");	/* cut to the buffer */
	assert_int_equal(pos, 14);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find_in_cmdline),
		cmocka_unit_test(every_command),
		cmocka_unit_test(empty_commands_are_skipped),
		cmocka_unit_test(refusals),
		cmocka_unit_test(refusal_after_good_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
