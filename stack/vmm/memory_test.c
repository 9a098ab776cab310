// SPDX-License-Identifier: MIT
/*
 * Guest memory setup and teardown (memory.c, vm.c, teardown.c) on the sim backend: which
 * pages a VM gets and in which state the hyp holds them, what the host can still see,
 * and that vmm_destroy() hands every page back to the host's allocator zeroed, with the
 * hyp's pool whole again, for normal and protected VMs (with and without firmware), and
 * after a failed vmm_create().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "stack/vmm/vmm_internal.h"

#define MiB (1ull << 20)
#define PAGE 4096ull

static char kernel_path[] = "/tmp/vmm-memory-test-XXXXXX";
static const uint8_t kernel[] = "\x1f\x20\x03\xd5" "kernel-bytes";	/* NOP + marker */
static const uint8_t firmware[] = "\x1f\x20\x03\xd5" "pvmfw-bytes";

static int setup_group(void **state)
{
	int fd = mkstemp(kernel_path);

	if (fd < 0 || write(fd, kernel, sizeof(kernel)) != (ssize_t)sizeof(kernel))
		return -1;
	close(fd);
	return 0;
}

static int teardown_group(void **state)
{
	unlink(kernel_path);
	return 0;
}

static struct vmm_host *new_host(bool with_fw)
{
	struct vmm_host_config hc = { .phys_mib = 48, .seed = 1 };
	struct vmm_host *host;

	if (with_fw) {
		hc.pvmfw = firmware;
		hc.pvmfw_size = sizeof(firmware);
	}
	assert_int_equal(vmm_host_create(&hc, &host), 0);
	return host;
}

static struct vmm_config config(bool protected_vm)
{
	return (struct vmm_config){ .name = "memtest", .nr_vcpus = 2, .mem_mib = 16,
				    .protected_vm = protected_vm, .kernel = kernel_path,
				    .kind = VMM_IMAGE_RAW, .console_out = "/dev/null" };
}

static uint64_t guest_pages(const struct vmm *v)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < v->nr_regions; i++)
		n += v->regions[i].npages;
	return n;
}

/* Every page of r as the hyp's tables and the host view have it. */
static void assert_region_state(struct vmm *v, const struct vmm_mem_region *r)
{
	for (uint64_t p = 0; p < r->npages; p++) {
		enum hyp_page_state host_st, hyp_st, guest_st;
		uint32_t owner;
		uint64_t pfn;

		assert_int_equal(hyp_query_page(v->host->h, r->pfn + p, &host_st, &hyp_st,
						&owner), 0);
		assert_int_equal(hyp_query_guest(v->host->h, v->handle,
						 (r->ipa >> 12) + p, &guest_st, &pfn), 0);
		assert_int_equal(pfn, r->pfn + p);
		if (v->protected_vm) {
			assert_int_equal(host_st, HYP_PAGE_NOPAGE);
			assert_int_equal(owner, v->handle);
			assert_int_equal(guest_st, HYP_PAGE_OWNED);
			assert_false(hal_host_can_access(v->host->m, hal_pa((r->pfn + p) * PAGE)));
		} else {
			assert_int_equal(host_st, HYP_PAGE_SHARED_OWNED);
			assert_int_equal(guest_st, HYP_PAGE_SHARED_BORROWED);
			assert_true(hal_host_can_access(v->host->m, hal_pa((r->pfn + p) * PAGE)));
		}
	}
}

/* Play the guest: leave data in every page (through the hyp's view, which a protected
 * guest's pages are only reachable by). */
static void dirty_guest(struct vmm *v)
{
	for (unsigned i = 0; i < v->nr_regions; i++) {
		const struct vmm_mem_region *r = &v->regions[i];
		uint8_t *p = hal_phys_ptr(v->host->m, hal_pa(r->pfn * PAGE), r->npages * PAGE, true);

		assert_non_null(p);
		for (uint64_t off = 0; off < r->npages * PAGE; off += 512)
			p[off] = 0x5a;
	}
}

struct saved_region {
	uint64_t pfn, npages;
};

static void assert_scrubbed_and_free(struct vmm_host *host, const struct saved_region *rs,
				     unsigned n)
{
	static uint8_t page[PAGE], zero[PAGE];

	for (unsigned i = 0; i < n; i++) {
		for (uint64_t p = 0; p < rs[i].npages; p++) {
			enum hyp_page_state host_st, hyp_st;
			uint32_t owner;

			assert_int_equal(hal_host_read(host->m, hal_pa((rs[i].pfn + p) * PAGE), page,
						       PAGE, NULL), 0);
			if (memcmp(page, zero, PAGE))
				fail_msg("page 0x%llx not zero after teardown",
					 (unsigned long long)(rs[i].pfn + p));
			assert_int_equal(hyp_query_page(host->h, rs[i].pfn + p, &host_st, &hyp_st,
							&owner), 0);
			assert_int_equal(host_st, HYP_PAGE_OWNED);
		}
	}
}

static void lifecycle(bool protected_vm, bool with_fw)
{
	struct vmm_host *host = new_host(with_fw);
	uint64_t free0 = vmm_host_free_pages(host), pool0 = vmm_host_pool_free(host);
	struct vmm_config cfg = config(protected_vm);
	struct saved_region saved[VMM_MAX_REGIONS];
	uint64_t fw_pages = protected_vm && with_fw ? VMM_FW_SIZE / PAGE : 0;
	uint8_t buf[sizeof(kernel)];
	unsigned n;
	struct vmm *v;

	assert_int_equal(vmm_create(host, &cfg, &v), 0);
	assert_int_equal(guest_pages(v), 16 * MiB / PAGE + fw_pages);
	/* RAM, firmware and one run page per vCPU came from the allocator. */
	assert_int_equal(vmm_host_free_pages(host), free0 - guest_pages(v) - 2);
	assert_true(vmm_host_pool_free(host) < pool0);	/* stage-2 tables */
	for (unsigned i = 0; i < v->nr_regions; i++)
		assert_region_state(v, &v->regions[i]);
	/* The kernel went in before the pages left the host. */
	if (protected_vm) {
		assert_int_equal(hal_host_read(host->m, hal_pa(vmm_mem_pfn(v, VMM_RAM_BASE) * PAGE),
					       buf, sizeof(buf), NULL), -EFAULT);
		assert_memory_equal(hal_phys_ptr(host->m, hal_pa(vmm_mem_pfn(v, VMM_RAM_BASE) *
								 PAGE), sizeof(buf), false),
				    kernel, sizeof(kernel));
	} else {
		assert_int_equal(hal_host_read(host->m, hal_pa(vmm_mem_pfn(v, VMM_RAM_BASE) * PAGE),
					       buf, sizeof(buf), NULL), 0);
		assert_memory_equal(buf, kernel, sizeof(kernel));
	}
	/* The hyp copied pvmfw itself into the donated firmware pages. */
	if (fw_pages)
		assert_memory_equal(hal_phys_ptr(host->m, hal_pa(vmm_mem_pfn(v, VMM_FW_BASE) * PAGE),
						 sizeof(firmware), false),
				    firmware, sizeof(firmware));
	else
		assert_int_equal(vmm_mem_pfn(v, VMM_FW_BASE), 0);
	dirty_guest(v);
	n = v->nr_regions;
	for (unsigned i = 0; i < n; i++)
		saved[i] = (struct saved_region){ v->regions[i].pfn, v->regions[i].npages };
	vmm_destroy(v);
	assert_int_equal(vmm_host_free_pages(host), free0);
	assert_int_equal(vmm_host_pool_free(host), pool0);
	assert_scrubbed_and_free(host, saved, n);
	vmm_host_destroy(host);
}

static void normal_vm(void **state)
{
	lifecycle(false, false);
}

static void protected_vm(void **state)
{
	lifecycle(true, false);
}

static void protected_vm_with_firmware(void **state)
{
	lifecycle(true, true);
}

/* A normal VM never gets the firmware, even on a host that has one. */
static void normal_vm_on_firmware_host(void **state)
{
	lifecycle(false, true);
}

/* Failures at each stage leave the host exactly as it was. */
static void failed_create_leaves_nothing(void **state)
{
	struct vmm_host *host = new_host(true);
	uint64_t free0 = vmm_host_free_pages(host), pool0 = vmm_host_pool_free(host);
	struct vmm_config cfg = config(true);
	struct vmm *v = (struct vmm *)1;

	cfg.kernel = "/nonexistent/kernel";
	assert_int_equal(vmm_create(host, &cfg, &v), -ENOENT);
	assert_null(v);
	cfg = config(true);
	cfg.mem_mib = 46;			/* with the firmware: more than the host has */
	assert_int_equal(vmm_create(host, &cfg, &v), -ENOMEM);
	cfg = config(false);
	cfg.load_addr = 0x80000000 + 15 * MiB;	/* the image lands in the DT's 2 MiB */
	assert_int_equal(vmm_create(host, &cfg, &v), -ERANGE);
	cfg = config(false);
	cfg.disks[0].path = "/nonexistent/disk";	/* fails after memory was taken */
	cfg.nr_disks = 1;
	assert_true(vmm_create(host, &cfg, &v) < 0);
	cfg = config(false);
	cfg.nr_vcpus = 0;
	assert_int_equal(vmm_create(host, &cfg, &v), -EINVAL);
	cfg = config(false);
	cfg.mem_mib = 5;
	assert_int_equal(vmm_create(host, &cfg, &v), -EINVAL);
	assert_int_equal(vmm_host_free_pages(host), free0);
	assert_int_equal(vmm_host_pool_free(host), pool0);
	vmm_host_destroy(host);
}

/* Two VMs on one host get disjoint pages; destroying one leaves the other intact. */
static void two_vms(void **state)
{
	struct vmm_host *host = new_host(false);
	uint64_t free0 = vmm_host_free_pages(host);
	struct vmm_config a = config(false), b = config(true);
	struct vmm *va, *vb;

	assert_int_equal(vmm_create(host, &a, &va), 0);
	assert_int_equal(vmm_create(host, &b, &vb), 0);
	for (unsigned i = 0; i < va->nr_regions; i++)
		for (unsigned j = 0; j < vb->nr_regions; j++)
			assert_true(va->regions[i].pfn + va->regions[i].npages <= vb->regions[j].pfn ||
				    vb->regions[j].pfn + vb->regions[j].npages <= va->regions[i].pfn);
	vmm_destroy(va);
	for (unsigned i = 0; i < vb->nr_regions; i++)
		assert_region_state(vb, &vb->regions[i]);
	vmm_destroy(vb);
	assert_int_equal(vmm_host_free_pages(host), free0);
	vmm_host_destroy(host);
}

static void host_checks(void **state)
{
	struct vmm_host_config hc = { .phys_mib = 0 };
	struct vmm_host *host;

	assert_int_equal(vmm_host_create(&hc, &host), -EINVAL);
	hc.phys_mib = 16;
	hc.backend = "nosuch";
	assert_int_equal(vmm_host_create(&hc, &host), -EINVAL);
	hc.backend = NULL;
	hc.pvmfw = firmware;
	hc.pvmfw_size = VMM_FW_SIZE + 1;
	assert_int_equal(vmm_host_create(&hc, &host), -EINVAL);
	/* The overhead estimate covers what a VM really takes. */
	assert_true(vmm_host_overhead_mib(16, 2, true) * MiB >= VMM_FW_SIZE + 2 * PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normal_vm),
		cmocka_unit_test(protected_vm),
		cmocka_unit_test(protected_vm_with_firmware),
		cmocka_unit_test(normal_vm_on_firmware_host),
		cmocka_unit_test(failed_create_leaves_nothing),
		cmocka_unit_test(two_vms),
		cmocka_unit_test(host_checks),
	};

	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
