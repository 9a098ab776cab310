// SPDX-License-Identifier: MIT
/*
 * The host the VMMs run on: the HAL machine, the hyp with its page pool at the top of
 * physical memory, and the allocator of the pages the host keeps.
 *
 *   VMM_PHYS_BASE                                                      top
 *   | host pages (guest RAM, firmware, run pages are taken from here) | hyp pool |
 *
 * Physical memory starts at 1 GiB, not at the guest's RAM base, so that a guest's RAM does
 * not sit at the same numbers in both address spaces: a PA/IPA mix-up shows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/vmm/vmm_internal.h"

#define VMM_PHYS_BASE	0x40000000ull
#define MiB		(1ull << 20)

/*
 * The hyp's pool holds every guest's stage-2 tables. Guest pages are mapped one by one,
 * so a last-level table maps 512 pages: phys_pages / 512 covers all of memory, and each
 * VM needs a few more for its root and upper levels (8 is generous for 36-bit IPAs; room
 * for 32 VMs is kept).
 */
static uint64_t pool_pages_for(uint64_t phys_pages)
{
	return phys_pages / 512 + 8 * 32 + 16;
}

uint64_t vmm_host_overhead_mib(uint64_t mem_mib, unsigned nr_vcpus, bool protected_vm)
{
	uint64_t pages = (mem_mib * MiB) / PAGE_SIZE_4K;
	uint64_t extra = pool_pages_for(pages) + nr_vcpus;

	if (protected_vm)
		extra += VMM_FW_SIZE / PAGE_SIZE_4K;
	return (extra * PAGE_SIZE_4K + MiB - 1) / MiB + 1;
}

static int host_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int host_fail(int err, const char *fmt, ...)
{
	va_list ap;

	fputs("vmm: host: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return err;
}

static int host_check(const struct vmm_host_config *cfg, const struct hal_ops **ops)
{
	const char *name = cfg->backend ? cfg->backend : "sim";

	*ops = hal_backend_find(name);
	if (!*ops)
		return host_fail(-EINVAL, "no backend '%s' in this build", name);
	if (!cfg->phys_mib || cfg->phys_mib > (1ull << 20))
		return host_fail(-EINVAL, "physical memory of %" PRIu64 " MiB: must be 1 MiB "
				 "to 1 TiB", cfg->phys_mib);
	if (cfg->pvmfw_size > VMM_FW_SIZE)
		return host_fail(-EINVAL, "pvmfw is %zu bytes; the firmware region holds %llu",
				 cfg->pvmfw_size, (unsigned long long)VMM_FW_SIZE);
	if (cfg->pvmfw_size && !cfg->pvmfw)
		return host_fail(-EINVAL, "pvmfw size without an image");
	return 0;
}

static void host_caps(struct vmm_host *host)
{
	host->threaded = hal_capability(host->m, HAL_CAP_THREADED_VCPUS) != 0;
	host->idle_exit = hal_capability(host->m, HAL_CAP_IDLE_EXIT) != 0;
	host->budget = hal_capability(host->m, HAL_CAP_BUDGET) != 0;
	host->virtual_time = hal_capability(host->m, HAL_CAP_VIRTUAL_TIME) != 0;
}

int vmm_host_create(const struct vmm_host_config *cfg, struct vmm_host **out)
{
	uint64_t phys_pages = cfg->phys_mib * (MiB / PAGE_SIZE_4K), pool;
	struct hal_machine_config mc = {
		.phys_base = VMM_PHYS_BASE, .phys_size = cfg->phys_mib * MiB,
		.seed = cfg->seed, .trace_path = cfg->trace_path,
	};
	struct hyp_config hc = {
		.pvmfw = cfg->pvmfw, .pvmfw_size = cfg->pvmfw_size,
		.check_spec = cfg->check_spec,
	};
	const struct hal_ops *ops;
	struct vmm_host *host;
	int err;

	*out = NULL;
	err = host_check(cfg, &ops);
	if (err)
		return err;
	pool = pool_pages_for(phys_pages);
	if (pool >= phys_pages)
		return host_fail(-EINVAL, "%" PRIu64 " MiB leaves no memory beside the hyp's "
				 "pool", cfg->phys_mib);
	host = calloc(1, sizeof(*host));
	if (!host)
		return host_fail(-ENOMEM, "out of memory");
	err = hal_machine_create(ops, &mc, &host->m);
	if (err) {
		host_fail(err, "create the %s machine: %s", hal_backend_name(ops), hal_error(NULL));
		goto err_free;
	}
	hc.pool_base = hal_pa(VMM_PHYS_BASE + (phys_pages - pool) * PAGE_SIZE_4K);
	hc.pool_pages = pool;
	err = hyp_init(host->m, &hc, &host->h);
	if (err) {
		host_fail(err, "start the hyp (pool of %" PRIu64 " pages): %s", pool,
			  strerror(-err));
		goto err_machine;
	}
	err = host_pages_init(&host->pages, VMM_PHYS_BASE >> PAGE_SHIFT_4K, phys_pages - pool);
	if (err) {
		host_fail(err, "page allocator: %s", strerror(-err));
		goto err_hyp;
	}
	pthread_mutex_init(&host->lock, NULL);
	host->seed = cfg->seed;
	host->has_pvmfw = cfg->pvmfw_size != 0;
	host_caps(host);
	*out = host;
	return 0;

err_hyp:
	hyp_destroy(host->h);
err_machine:
	hal_machine_destroy(host->m);
err_free:
	free(host);
	return err;
}

void vmm_host_destroy(struct vmm_host *host)
{
	if (!host)
		return;
	if (host->nr_vms) {
		host_fail(0, "%u VMs still exist; the host is leaked", host->nr_vms);
		return;
	}
	host_pages_fini(&host->pages);
	hyp_destroy(host->h);
	hal_machine_destroy(host->m);
	pthread_mutex_destroy(&host->lock);
	free(host);
}

uint64_t vmm_host_free_pages(struct vmm_host *host)
{
	return host_pages_nr_free(&host->pages);
}

uint64_t vmm_host_pool_free(struct vmm_host *host)
{
	uint64_t n = 0;

	if (hyp_call(host->h, HYP_HOST_POOL_INFO, 0, 0, 0, 0, 0, 0, &n))
		return 0;
	return n;
}

int vmm_host_advance_idle(struct vmm_host *host)
{
	uint64_t deadline;

	if (!host->virtual_time)
		return -EOPNOTSUPP;
	if (hal_clock_next_deadline(host->m, &deadline) || deadline == UINT64_MAX)
		return -ENOENT;
	return hal_clock_advance(host->m, deadline);
}

int64_t vmm_hcall(struct vmm_host *host, uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
		  uint64_t a4, uint64_t a5, uint64_t *out2)
{
	return hyp_call(host->h, fn, a1, a2, a3, a4, a5, 0, out2);
}

/*
 * Zero pages through the host view, writing only the chunks that are not zero already:
 * most of a guest's RAM was never touched, and reading an untouched page costs neither
 * an allocation nor resident memory, where writing it would cost both.
 */
int vmm_host_zero_pages(struct vmm_host *host, uint64_t pfn, uint64_t npages)
{
	static const uint8_t zero[64 * 1024];
	uint64_t buf[sizeof(zero) / sizeof(uint64_t)];
	uint64_t pa = pfn << PAGE_SHIFT_4K, left = npages * PAGE_SIZE_4K;

	while (left) {
		uint64_t n = left < sizeof(zero) ? left : sizeof(zero);
		int err = hal_host_read(host->m, hal_pa(pa), buf, n, NULL);

		if (!err && memcmp(buf, zero, n))
			err = hal_host_write(host->m, hal_pa(pa), zero, n, NULL);
		if (err)
			return err;
		pa += n;
		left -= n;
	}
	return 0;
}
