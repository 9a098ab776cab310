// SPDX-License-Identifier: Apache-2.0
/* libavf's config builder and connection errors: exact errno and message per value. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stack/api/api_internal.h"

static void test_defaults_and_values(void **state)
{
	struct avf_vm_config *cfg;

	assert_int_equal(avf_config_new(&cfg), 0);
	assert_int_equal(cfg->c.mem_mib, 64);
	assert_int_equal(cfg->c.cpus, 1);
	assert_int_equal(cfg->payload_fd, -1);
	assert_false(cfg->c.detached);
	assert_int_equal(avf_config_set_memory_mib(cfg, 4), 0);
	assert_int_equal(avf_config_set_memory_mib(cfg, 3), -EINVAL);
	assert_string_equal(avf_last_error(), "memory: 3 MiB is not in 4..16384");
	assert_int_equal(avf_config_set_memory_mib(cfg, 16385), -EINVAL);
	assert_int_equal(cfg->c.mem_mib, 4);
	assert_int_equal(avf_config_set_cpus(cfg, 64), 0);
	assert_int_equal(avf_config_set_cpus(cfg, 0), -EINVAL);
	assert_string_equal(avf_last_error(), "vCPUs: 0 is not in 1..64");
	assert_int_equal(avf_config_set_debug_level(cfg, 2), -EINVAL);
	assert_int_equal(avf_config_set_debug_level(cfg, AVF_DEBUG_FULL), 0);
	assert_int_equal(cfg->c.debug_level, 1);
	assert_int_equal(avf_config_set_name(cfg, "ok-name_1.x"), 0);
	assert_int_equal(avf_config_set_name(cfg, "bad name"), -EINVAL);
	assert_string_equal(avf_last_error(), "name 'bad name': use 1..40 of A-Z a-z 0-9 . _ -");
	assert_int_equal(avf_config_set_name(cfg, ""), -EINVAL);
	assert_string_equal(cfg->c.name, "ok-name_1.x");
	for (int i = 0; i < SVC_MAX_DISKS; i++)
		assert_int_equal(avf_config_add_disk(cfg, "/d", i & 1), 0);
	assert_int_equal(avf_config_add_disk(cfg, "/d", false), -E2BIG);
	assert_string_equal(avf_last_error(), "disks: at most 4");
	assert_true(cfg->c.disks[1].read_only);
	assert_int_equal(avf_config_set_network(cfg, "/sw"), 0);
	assert_int_equal(avf_config_set_network(cfg, NULL), 0);
	assert_string_equal(cfg->c.network, "");
	assert_int_equal(avf_config_set_payload_path(cfg, ""), -EINVAL);
	avf_config_free(cfg);
}

static void test_payload_fd_ownership(void **state)
{
	struct avf_vm_config *cfg;
	int fd = open("/dev/null", O_RDONLY), fd2 = open("/dev/null", O_RDONLY);

	assert_int_equal(avf_config_new(&cfg), 0);
	assert_int_equal(avf_config_set_payload_fd(cfg, -1), -EBADF);
	assert_int_equal(avf_config_set_payload_fd(cfg, fd), 0);
	/* a second fd replaces (and closes) the first */
	assert_int_equal(avf_config_set_payload_fd(cfg, fd2), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	/* a path replaces the fd, which the config closes */
	assert_int_equal(avf_config_set_payload_path(cfg, "/p"), 0);
	assert_int_equal(fcntl(fd2, F_GETFD), -1);
	assert_int_equal(cfg->payload_fd, -1);
	avf_config_free(cfg);
}

static void test_connect_errors(void **state)
{
	struct avf_service *svc = NULL;
	char path[200];

	assert_int_equal(avf_service_connect("/nonexistent/avfd.sock", &svc), -ENOENT);
	assert_string_equal(avf_last_error(), "cannot connect to avfd at /nonexistent/avfd.sock: "
			    "No such file or directory");
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = 0;
	assert_int_equal(avf_service_connect(path, &svc), -ENAMETOOLONG);
	assert_null(svc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_values),
		cmocka_unit_test(test_payload_fd_ownership),
		cmocka_unit_test(test_connect_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
