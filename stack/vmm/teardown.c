// SPDX-License-Identifier: MIT
/*
 * Tearing a VM down, pKVM's way: START_TEARDOWN (no vCPU may run any more), RECLAIM
 * every page the guest had (the hyp scrubs each page that held guest-private data before
 * the host sees it again), FINALIZE_TEARDOWN (the hyp frees the VM's stage-2 tables),
 * then the run pages back from the hyp.
 *
 * Every page goes back to the host's allocator zeroed (host_pages.h's invariant):
 *   - pages a protected VM owned: scrubbed by the hyp on RECLAIM;
 *   - pages a normal VM borrowed, run pages, and pages that never reached the guest:
 *     the host could see them all along, so nothing is secret from it, but the next VM
 *     must not see them: the VMM zeroes them through the host view.
 * A page that cannot be reclaimed stays where it is (logged, leaked), never freed twice.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack/vmm/vmm_internal.h"

/* Zero (unless scrubbed) and free npages from pfn; a page we cannot zero is leaked. */
static void give_back(struct vmm *v, uint64_t pfn, uint64_t npages, bool scrubbed)
{
	if (!scrubbed && vmm_host_zero_pages(v->host, pfn, npages)) {
		vmm_log(v, "teardown: cannot zero pages 0x%" PRIx64 "+%" PRIu64 ": leaked", pfn,
			npages);
		return;
	}
	if (host_pages_free(&v->host->pages, pfn, npages))
		vmm_log(v, "teardown: pages 0x%" PRIx64 "+%" PRIu64 " were free already", pfn,
			npages);
}

/*
 * A teardown call that fails for want of resources (-ENOMEM, -EAGAIN) is tried again:
 * the host must get its memory back, and such a failure is transient (the hyp changed
 * nothing). Anything else is final. TEARDOWN_TRIES bounds it so a hyp that always
 * fails cannot hang the VMM; the scenario suite's swarm of hyp.host_call failures
 * (scenarios/faults/swarm-lifecycle.yaml) checks that no page leaks.
 */
#define TEARDOWN_TRIES 16

static int64_t teardown_hcall(struct vmm *v, uint32_t fn, uint64_t a1)
{
	int64_t err = 0;

	for (unsigned i = 0; i < TEARDOWN_TRIES; i++) {
		err = vmm_hcall(v->host, fn, a1, 0, 0, 0, 0, NULL);
		if (err != -ENOMEM && err != -EAGAIN)
			break;
	}
	return err;
}

/*
 * Take one page back from the dying guest. A page the guest gave back itself
 * (MEM_RELINQUISH, scrubbed by the hyp) is the host's already: RECLAIM refuses it with
 * -EPERM, and the hyp's page state says OWNED.
 */
static bool reclaim_page(struct vmm *v, uint64_t pfn)
{
	enum hyp_page_state host_st, hyp_st;
	uint32_t owner;
	int64_t err = teardown_hcall(v, HYP_HOST_RECLAIM_PAGE, pfn);

	if (!err)
		return true;
	if (err == -EPERM && !hyp_query_page(v->host->h, pfn, &host_st, &hyp_st, &owner) &&
	    host_st == HYP_PAGE_OWNED)
		return true;
	vmm_log(v, "teardown: RECLAIM_PAGE 0x%" PRIx64 ": %s: leaked", pfn, strerror((int)-err));
	return false;
}

/* Reclaim the given pages of every region and free all of them. */
static void release_regions(struct vmm *v, bool dying)
{
	for (unsigned i = 0; i < v->nr_regions; i++) {
		struct vmm_mem_region *r = &v->regions[i];
		uint64_t run = 0;	/* reclaimed pages not yet freed, from r->pfn + p - run */

		for (uint64_t p = 0; p < r->given; p++) {
			if (dying && reclaim_page(v, r->pfn + p)) {
				run++;
				continue;
			}
			if (run)
				give_back(v, r->pfn + p - run, run, v->protected_vm);
			run = 0;
		}
		if (run)
			give_back(v, r->pfn + r->given - run, run, v->protected_vm);
		if (r->given < r->npages)
			give_back(v, r->pfn + r->given, r->npages - r->given, false);
	}
	v->nr_regions = 0;
}

static void release_run_pages(struct vmm *v)
{
	for (unsigned i = 0; v->vcpus && i < v->nr_vcpus; i++) {
		struct vmm_vcpu *c = &v->vcpus[i];
		int64_t err = 0;

		if (!c->run_pfn)
			continue;
		if (c->run_shared)
			err = teardown_hcall(v, HYP_HOST_UNSHARE_HYP, c->run_pfn);
		if (err) {
			vmm_log(v, "teardown: vcpu %u: unshare the run page: %s: leaked", i,
				strerror((int)-err));
			continue;
		}
		give_back(v, c->run_pfn, 1, false);
		c->run_pfn = 0;
	}
}

/* The hyp's side: START_TEARDOWN, reclaim, FINALIZE_TEARDOWN. */
static void release_guest(struct vmm *v)
{
	bool dying = false;
	int64_t err;

	if (v->handle) {
		err = teardown_hcall(v, HYP_HOST_START_TEARDOWN, v->handle);
		if (err) {
			vmm_log(v, "teardown: START_TEARDOWN: %s: the VM's memory is leaked",
				strerror((int)-err));
			return;
		}
		dying = true;
	}
	release_regions(v, dying);
	if (v->handle) {
		err = teardown_hcall(v, HYP_HOST_FINALIZE_TEARDOWN, v->handle);
		if (err)
			vmm_log(v, "teardown: FINALIZE_TEARDOWN: %s", strerror((int)-err));
		v->handle = 0;
	}
	release_run_pages(v);
}

static void free_config(struct vmm *v)
{
	free((char *)v->cfg.name);
	free((char *)v->cfg.kernel);
	free((char *)v->cfg.initrd);
	free((char *)v->cfg.bootargs);
	free((char *)v->cfg.console_out);
	free((char *)v->cfg.vsock_uds);
	free((char *)v->cfg.net_switch);
	free((char *)v->cfg.net_tap);
	free((char *)v->cfg.pcap);
	for (unsigned i = 0; i < VMM_MAX_DISKS; i++)
		free((char *)v->cfg.disks[i].path);
}

bool vmm_release(struct vmm *v)
{
	if (v->threads_stuck) {
		/* A vCPU thread is still inside VCPU_RUN and uses v: nothing can be freed
		 * (run.c explains why it cannot be stopped). The process exit reclaims all. */
		vmm_log(v, "teardown: a vCPU thread could not be stopped; the VM is leaked");
		return false;
	}
	vmm_devices_destroy(v);
	release_guest(v);
	vmm_console_fini(&v->console);
	vmm_payload_channel_fini(v);
	if (v->wake_fd >= 0)
		close(v->wake_fd);
	free_config(v);
	free(v->vcpus);
	pthread_mutex_destroy(&v->end_lock);
	free(v);
	return true;
}

void vmm_destroy(struct vmm *v)
{
	struct vmm_host *host;

	if (!v)
		return;
	host = v->host;
	if (!vmm_release(v))
		return;		/* still counted: the host stays alive for its threads */
	pthread_mutex_lock(&host->lock);
	host->nr_vms--;
	pthread_mutex_unlock(&host->lock);
}
