// SPDX-License-Identifier: Apache-2.0
/*
 * The guest's hypercall numbers (stack/guest/include/avf_hvc.h) against the hyp's
 * (stack/hyp/hyp.h): pKVM's calls must be the ones the hyp answers, and AVF's channel
 * must lie outside the hyp's block, so that the hyp forwards it to the host
 * (pvmfw-selftest shows that on every backend).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "stack/guest/include/avf_hvc.h"
#include "stack/guest/include/avf_pvmfw_abi.h"
#include "stack/hyp/hyp.h"

/* The hyp's own block (stack/hyp/guest_hcall.c): function numbers 0..255, both widths. */
static int in_hyp_block(uint32_t fn)
{
	return (fn & 0xbfffff00u) == 0x86000000u;
}

static void test_pkvm_numbers_match_the_hyp(void **state)
{
	assert_int_equal(AVF_HVC_PKVM_HYP_MEMINFO, HYP_GUEST_HYP_MEMINFO);
	assert_int_equal(AVF_HVC_PKVM_MEM_SHARE, HYP_GUEST_MEM_SHARE);
	assert_int_equal(AVF_HVC_PKVM_MEM_UNSHARE, HYP_GUEST_MEM_UNSHARE);
	assert_int_equal(AVF_HVC_PKVM_MMIO_GUARD_INFO, HYP_GUEST_MMIO_GUARD_INFO);
	assert_int_equal(AVF_HVC_PKVM_MMIO_GUARD_ENROLL, HYP_GUEST_MMIO_GUARD_ENROLL);
	assert_int_equal(AVF_HVC_PKVM_MMIO_GUARD_MAP, HYP_GUEST_MMIO_GUARD_MAP);
	assert_int_equal(AVF_HVC_PKVM_MMIO_GUARD_UNMAP, HYP_GUEST_MMIO_GUARD_UNMAP);
	assert_int_equal(AVF_HVC_PKVM_MEM_RELINQUISH, HYP_GUEST_MEM_RELINQUISH);
	assert_true(in_hyp_block(AVF_HVC_PKVM_MEM_SHARE));
}

static void test_avf_channel_goes_to_the_host(void **state)
{
	for (uint32_t fn = AVF_HVC_BASE; fn < AVF_HVC_BASE + 0x100; fn++)
		assert_false(in_hyp_block(fn));
	assert_int_equal(AVF_HVC_PVMFW_REBOOT_REASON, 0xc6000400u);
	/* Not a host call of the hyp's ABI either. */
	assert_true(AVF_HVC_BASE >= HYP_HOST_FN(HYP_HOST_NR_FNS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkvm_numbers_match_the_hyp),
		cmocka_unit_test(test_avf_channel_goes_to_the_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
