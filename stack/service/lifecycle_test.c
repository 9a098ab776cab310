// SPDX-License-Identifier: Apache-2.0
/* The lifecycle tables: forward-only transitions and exit status -> death reason. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stack/service/service.h"

static void test_forward_only(void **state)
{
	/* Exactly these transitions exist. */
	static const struct { enum svc_state from, to; } ok[] = {
		{ SVC_STATE_NOT_STARTED, SVC_STATE_STARTING },
		{ SVC_STATE_NOT_STARTED, SVC_STATE_DEAD },
		{ SVC_STATE_STARTING, SVC_STATE_STARTED },
		{ SVC_STATE_STARTING, SVC_STATE_DEAD },
		{ SVC_STATE_STARTED, SVC_STATE_READY },
		{ SVC_STATE_STARTED, SVC_STATE_FINISHED },
		{ SVC_STATE_STARTED, SVC_STATE_DEAD },
		{ SVC_STATE_READY, SVC_STATE_FINISHED },
		{ SVC_STATE_READY, SVC_STATE_DEAD },
		{ SVC_STATE_FINISHED, SVC_STATE_DEAD },
	};
	unsigned allowed = 0;

	for (int from = 0; from < SVC_NR_STATES; from++)
		for (int to = 0; to < SVC_NR_STATES; to++) {
			bool want = false;

			for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
				want |= ok[i].from == (enum svc_state)from &&
					ok[i].to == (enum svc_state)to;
			assert_int_equal(svc_transition_allowed(from, to), want);
			allowed += want;
			if (want)	/* forward only */
				assert_true(to > from);
		}
	assert_int_equal(allowed, 10);
	assert_false(svc_transition_allowed(SVC_NR_STATES, SVC_STATE_DEAD));
	assert_false(svc_transition_allowed(SVC_STATE_DEAD, SVC_NR_STATES));
}

static void test_death_from_wait(void **state)
{
	assert_int_equal(svc_death_from_wait(true, 0, false), SVC_DEATH_SHUTDOWN);
	assert_int_equal(svc_death_from_wait(true, 1, false), SVC_DEATH_INFRASTRUCTURE_ERROR);
	assert_int_equal(svc_death_from_wait(true, 2, false), SVC_DEATH_INVALID_CONFIG);
	assert_int_equal(svc_death_from_wait(true, 32, false), SVC_DEATH_REBOOT);
	assert_int_equal(svc_death_from_wait(true, 33, false), SVC_DEATH_CRASH);
	assert_int_equal(svc_death_from_wait(true, 124, false), SVC_DEATH_HANGUP);
	assert_int_equal(svc_death_from_wait(true, 127, false), SVC_DEATH_START_FAILED);
	assert_int_equal(svc_death_from_wait(true, 128 + SIGTERM, true), SVC_DEATH_KILLED);
	assert_int_equal(svc_death_from_wait(true, 128 + SIGTERM, false), SVC_DEATH_KILLED);
	assert_int_equal(svc_death_from_wait(false, SIGKILL, false), SVC_DEATH_KILLED);
	assert_int_equal(svc_death_from_wait(false, SIGSEGV, false), SVC_DEATH_KILLED);
	assert_int_equal(svc_death_from_wait(true, 77, false), SVC_DEATH_INFRASTRUCTURE_ERROR);
	assert_int_equal(svc_death_from_wait(true, 77, true), SVC_DEATH_KILLED);
	assert_int_equal(svc_death_from_wait(true, 128, false), SVC_DEATH_INFRASTRUCTURE_ERROR);
}

static void test_names(void **state)
{
	assert_string_equal(svc_state_name(SVC_STATE_NOT_STARTED), "NOT_STARTED");
	assert_string_equal(svc_state_name(SVC_STATE_DEAD), "DEAD");
	assert_string_equal(svc_state_name(SVC_NR_STATES), "?");
	assert_string_equal(svc_death_name(SVC_DEATH_PAYLOAD_VERIFICATION_FAILED),
			    "PAYLOAD_VERIFICATION_FAILED");
	assert_string_equal(svc_death_name(SVC_DEATH_HANGUP), "HANGUP");
	assert_string_equal(svc_death_name(SVC_NR_DEATHS), "?");
	for (int d = 0; d < SVC_NR_DEATHS; d++)
		assert_string_not_equal(svc_death_name(d), "?");
	assert_string_equal(svc_event_name(SVC_EV_PAYLOAD_FINISHED), "payload-finished");
	assert_string_equal(svc_event_name(0), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward_only),
		cmocka_unit_test(test_death_from_wait),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
