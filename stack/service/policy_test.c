// SPDX-License-Identifier: Apache-2.0
/* The creation policy: defaults, the file format and its errors, decisions. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stack/service/policy.h"

static void test_default(void **state)
{
	struct svc_policy p;
	gid_t g = 4242;

	svc_policy_default(&p, 1000, 4242);
	assert_true(svc_policy_allows(&p, true, 0, 0, NULL, 0));
	assert_true(svc_policy_allows(&p, true, 1000, 1000, NULL, 0));
	assert_true(svc_policy_allows(&p, true, 2000, 4242, NULL, 0));
	assert_true(svc_policy_allows(&p, false, 2000, 100, &g, 1));
	assert_false(svc_policy_allows(&p, false, 2000, 100, NULL, 0));
	svc_policy_default(&p, 0, -1);
	assert_int_equal(p.nr_create, 1);
	assert_false(svc_policy_allows(&p, false, 1000, 1000, NULL, 0));
}

static void test_file(void **state)
{
	struct svc_policy p;
	char err[128];

	assert_int_equal(svc_policy_parse(&p, "# who\nallow-create uid:5 gid:7  # c\n\n"
					  "allow-protected uid:5\n", err, sizeof(err)), 0);
	assert_int_equal(p.nr_create, 2);
	assert_int_equal(p.nr_protect, 1);
	assert_true(svc_policy_allows(&p, true, 5, 5, NULL, 0));
	assert_true(svc_policy_allows(&p, false, 6, 7, NULL, 0));
	assert_false(svc_policy_allows(&p, true, 6, 7, NULL, 0));	/* create only */
	assert_false(svc_policy_allows(&p, false, 0, 0, NULL, 0));	/* root not listed */
	assert_int_equal(svc_policy_parse(&p, "allow-protected all\n", err, sizeof(err)), 0);
	/* protected needs create too */
	assert_false(svc_policy_allows(&p, true, 1, 1, NULL, 0));
	assert_int_equal(svc_policy_parse(&p, "allow-create all\nallow-protected all", err,
					  sizeof(err)), 0);
	assert_true(svc_policy_allows(&p, true, 1, 1, NULL, 0));
	assert_int_equal(svc_policy_parse(&p, "allow-create user:root", err, sizeof(err)), 0);
	assert_true(svc_policy_allows(&p, false, 0, 9, NULL, 0));
}

static void test_file_errors(void **state)
{
	struct svc_policy p;
	char err[160];

	assert_int_equal(svc_policy_parse(&p, "\n\nallow-everything all\n", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "line 3: unknown directive 'allow-everything' "
			    "(allow-create or allow-protected)");
	assert_int_equal(svc_policy_parse(&p, "allow-create uid:x\n", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "line 1: bad principal 'uid:x' (uid:N, gid:N, user:NAME, "
			    "group:NAME or all)");
	assert_int_equal(svc_policy_parse(&p, "allow-create user:no-such-user-avf\n", err,
					  sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1: no such user or group 'user:no-such-user-avf' (uid:N, "
			    "gid:N, user:NAME, group:NAME or all)");
	assert_int_equal(svc_policy_parse(&p, "allow-create uid:99999999999\n", err,
					  sizeof(err)), -EINVAL);
	assert_int_equal(svc_policy_load(&p, "/nonexistent/policy", err, sizeof(err)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
