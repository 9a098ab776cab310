// SPDX-License-Identifier: MIT
/*
 * Unit tests of the HAL front and of the parts of the sim backend that need no guest
 * code: registry, argument checks, host view and revocation, hyp view, VM and vCPU
 * bookkeeping, entropy determinism. Guest execution is covered by the conformance suite.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stack/hal/hal_backend.h"

#define BASE 0x40000000ull
#define SIZE (4ull << 20)

static struct hal_machine *new_machine(uint64_t seed)
{
	struct hal_machine_config cfg = { .phys_base = BASE, .phys_size = SIZE, .seed = seed };
	struct hal_machine *m = NULL;

	assert_int_equal(hal_machine_create(hal_backend_find("sim"), &cfg, &m), 0);
	assert_non_null(m);
	return m;
}

static void test_registry(void **state)
{
	const char *const *names = hal_backend_names();

	assert_non_null(hal_backend_find("sim"));
	assert_null(hal_backend_find("nope"));
	assert_null(hal_backend_find(NULL));
	assert_string_equal(names[0], "sim");
	for (size_t i = 0; names[i]; i++) {
		const struct hal_ops *ops = hal_backend_find(names[i]);

		assert_non_null(ops);
		assert_true(hal_ops_complete(ops));
		assert_string_equal(hal_backend_name(ops), names[i]);
	}
}

static void test_incomplete_backend_refused(void **state)
{
	struct hal_ops broken = hal_sim_ops;
	struct hal_machine_config cfg = { .phys_base = BASE, .phys_size = SIZE };
	struct hal_machine *m = (void *)1;

	broken.vcpu_kick = NULL;
	assert_false(hal_ops_complete(&broken));
	assert_int_equal(hal_machine_create(&broken, &cfg, &m), -EINVAL);
	assert_null(m);
	assert_non_null(strstr(hal_error(NULL), "incomplete"));
}

static void test_bad_layout(void **state)
{
	const struct hal_ops *sim = hal_backend_find("sim");
	struct hal_machine_config cfgs[] = {
		{ .phys_base = BASE, .phys_size = 0 },
		{ .phys_base = BASE + 1, .phys_size = SIZE },
		{ .phys_base = BASE, .phys_size = SIZE + 7 },
		{ .phys_base = (1ull << 40) - 4096, .phys_size = 8192 },
		{ .phys_base = UINT64_MAX - 4095, .phys_size = 8192 },
	};

	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		struct hal_machine *m = (void *)1;

		assert_int_equal(hal_machine_create(sim, &cfgs[i], &m), -EINVAL);
		assert_null(m);
		assert_true(strlen(hal_error(NULL)) > 0);
	}
}

static void test_host_view_revocation(void **state)
{
	struct hal_machine *m = new_machine(1);
	uint8_t buf[3 * HAL_PAGE_SIZE], out[sizeof(buf)];
	hal_pa_t fault = { 0 };

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	/* Initially the host owns everything. */
	assert_int_equal(hal_host_write(m, hal_pa(BASE + 100), buf, sizeof(buf), NULL), 0);
	assert_int_equal(hal_host_read(m, hal_pa(BASE + 100), out, sizeof(out), NULL), 0);
	assert_memory_equal(buf, out, sizeof(buf));
	assert_true(hal_host_can_access(m, hal_pa(BASE + HAL_PAGE_SIZE)));

	/* Revoke the middle page: any access touching it fails and copies nothing. */
	assert_int_equal(hal_host_set_access(m, hal_pa(BASE + HAL_PAGE_SIZE), HAL_PAGE_SIZE, false), 0);
	assert_false(hal_host_can_access(m, hal_pa(BASE + HAL_PAGE_SIZE + 5)));
	assert_true(hal_host_can_access(m, hal_pa(BASE)));
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(hal_host_read(m, hal_pa(BASE + 100), out, sizeof(out), &fault), -EFAULT);
	assert_int_equal(fault.pa, BASE + HAL_PAGE_SIZE);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], 0xaa);
	assert_non_null(strstr(hal_error(m), "host stage-2 abort"));
	memset(out, 0x55, sizeof(out));
	assert_int_equal(hal_host_write(m, hal_pa(BASE), out, sizeof(out), &fault), -EFAULT);
	assert_int_equal(fault.pa, BASE + HAL_PAGE_SIZE);
	/* ...and the write really did nothing, even on the allowed first page. */
	assert_int_equal(hal_host_read(m, hal_pa(BASE + 100), out, 16, NULL), 0);
	assert_memory_equal(out, buf, 16);

	/* The hyp's view still sees the revoked page. */
	{
		uint8_t *p = hal_phys_ptr(m, hal_pa(BASE + HAL_PAGE_SIZE), 16, false);

		assert_non_null(p);
		assert_int_equal(p[0], buf[HAL_PAGE_SIZE - 100]);
	}
	/* Giving it back restores access. */
	assert_int_equal(hal_host_set_access(m, hal_pa(BASE + HAL_PAGE_SIZE), HAL_PAGE_SIZE, true), 0);
	assert_int_equal(hal_host_read(m, hal_pa(BASE + 100), out, sizeof(out), NULL), 0);
	assert_memory_equal(buf, out, sizeof(buf));
	hal_machine_destroy(m);
}

static void test_host_view_bounds(void **state)
{
	struct hal_machine *m = new_machine(1);
	uint8_t b[8];
	hal_pa_t fault;

	assert_int_equal(hal_host_read(m, hal_pa(BASE - 8), b, 8, &fault), -EFAULT);
	assert_int_equal(hal_host_read(m, hal_pa(BASE + SIZE - 4), b, 8, &fault), -EFAULT);
	assert_int_equal(hal_host_read(m, hal_pa(BASE + SIZE - 8), b, 8, &fault), 0);
	assert_int_equal(hal_host_set_access(m, hal_pa(BASE + 1), HAL_PAGE_SIZE, false), -EINVAL);
	assert_int_equal(hal_host_set_access(m, hal_pa(BASE), 0, false), -EINVAL);
	assert_int_equal(hal_host_set_access(m, hal_pa(BASE + SIZE), HAL_PAGE_SIZE, false), -EINVAL);
	assert_null(hal_phys_ptr(m, hal_pa(BASE + SIZE - 4), 8, false));
	assert_null(hal_phys_ptr(m, hal_pa(0), 8, false));
	assert_false(hal_host_can_access(m, hal_pa(BASE + SIZE)));
	hal_machine_destroy(m);
}

static void test_vm_and_vcpu_checks(void **state)
{
	struct hal_machine *m = new_machine(1);
	struct hal_vm_config cfg = {
		.vmid = 1, .ipa_bits = 40, .gicd_base = 0x3fff0000, .gicr_base = 0x3ffd0000,
		.nr_spis = 64,
	};
	struct hal_vm *vm, *vm2;
	struct hal_vcpu *v;
	uint64_t val;

	cfg.vmid = 0;
	assert_int_equal(hal_vm_create(m, &cfg, &vm), -EINVAL);
	cfg.vmid = 1;
	cfg.ipa_bits = 41;
	assert_int_equal(hal_vm_create(m, &cfg, &vm), -EINVAL);
	cfg.ipa_bits = 40;
	cfg.nr_spis = 33;
	assert_int_equal(hal_vm_create(m, &cfg, &vm), -EINVAL);
	cfg.nr_spis = 64;
	cfg.protected_vm = true;
	assert_int_equal(hal_vm_create(m, &cfg, &vm), -EOPNOTSUPP);
	cfg.protected_vm = false;
	assert_int_equal(hal_vm_create(m, &cfg, &vm), 0);
	assert_int_equal(hal_vm_create(m, &cfg, &vm2), -EEXIST);

	assert_int_equal(hal_vcpu_create(vm, 64, true, &v), -EINVAL);
	assert_int_equal(hal_vcpu_create(vm, 1, true, &v), 0);
	assert_int_equal(hal_vcpu_index(v), 1);
	assert_ptr_equal(hal_vcpu_vm(v), vm);
	assert_true(hal_vcpu_powered(v));
	/* MPIDR follows KVM's affinity rule. */
	assert_int_equal(hal_vcpu_get_reg(v, HAL_REG_MPIDR_EL1, &val), 0);
	assert_int_equal(val & 0xffffff, 1);
	assert_int_equal(hal_vcpu_set_reg(v, HAL_REG_X0 + 5, 0x1234), 0);
	assert_int_equal(hal_vcpu_get_reg(v, HAL_REG_X0 + 5, &val), 0);
	assert_int_equal(val, 0x1234);
	assert_int_equal(hal_vcpu_get_reg(v, 99, &val), -ENOENT);
	assert_int_equal(hal_vm_set_irq(vm, 31, true), -EINVAL);
	assert_int_equal(hal_vm_set_irq(vm, 96, true), -EINVAL);
	assert_int_equal(hal_vm_set_stage2(vm, hal_pa(BASE + 1), 24), -EINVAL);
	assert_int_equal(hal_vm_set_stage2(vm, hal_pa(0x1000), 24), -EINVAL);
	assert_int_equal(hal_vcpu_inject_abort(v), -EINVAL);
	hal_vm_destroy(vm);
	hal_machine_destroy(m);
}

static void test_entropy_is_seeded(void **state)
{
	struct hal_machine *a = new_machine(42), *b = new_machine(42), *c = new_machine(43);
	uint8_t x[64], y[64], z[64];

	assert_int_equal(hal_entropy(a, x, sizeof(x)), 0);
	assert_int_equal(hal_entropy(b, y, sizeof(y)), 0);
	assert_int_equal(hal_entropy(c, z, sizeof(z)), 0);
	assert_memory_equal(x, y, sizeof(x));
	assert_memory_not_equal(x, z, sizeof(x));
	assert_true(hal_capability(a, HAL_CAP_DETERMINISTIC));
	assert_false(hal_capability(a, HAL_CAP_THREADED_VCPUS));
	assert_int_equal(hal_clock_ns(a), 0);
	hal_machine_destroy(a);
	hal_machine_destroy(b);
	hal_machine_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_incomplete_backend_refused),
		cmocka_unit_test(test_bad_layout),
		cmocka_unit_test(test_host_view_revocation),
		cmocka_unit_test(test_host_view_bounds),
		cmocka_unit_test(test_vm_and_vcpu_checks),
		cmocka_unit_test(test_entropy_is_seeded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
