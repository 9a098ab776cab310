// SPDX-License-Identifier: Apache-2.0
/*
 * avfapi-check bench: the service's costs as a libavf client sees them, in-process (no
 * CLI start-up in the figures), for scripts/bench-service:
 *   - create-to-ready: create + start a protected VM with @ready_payload (its payload
 *     must report READY), until the payload-ready callback; median of @runs, each VM
 *     destroyed afterwards;
 *   - starts: @nr_vms detached normal VMs from @spin_payload (4 MiB), create + start
 *     each, timed; each VMM is frozen with SIGSTOP after its start, outside the timing.
 * Prints "ready-ms M", "start-ms-mean M", then "vm ID PID" per started VM (left running
 * and frozen: the caller measures and destroys them).
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "stack/api/avf.h"
#include "stack/api/tests/check.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void on_ready(struct avf_vm *vm, void *ctx)
{
	(void)vm;
	atomic_store((atomic_int *)ctx, 1);
}

static int create(struct avf_service *svc, const char *payload, bool protected_vm,
		  bool detached, uint64_t mib, struct avf_vm **vm)
{
	struct avf_vm_config *cfg;
	int ret = avf_config_new(&cfg);

	if (!ret)
		ret = avf_config_set_payload_path(cfg, payload);
	if (!ret)
		ret = avf_config_set_memory_mib(cfg, mib);
	if (!ret)
		ret = avf_config_set_protected(cfg, protected_vm);
	if (!ret)
		ret = avf_config_set_detached(cfg, detached);
	if (!ret)
		ret = avf_vm_create(svc, cfg, vm);
	avf_config_free(cfg);
	return ret;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int one_ready(struct avf_service *svc, const char *payload, double *ms)
{
	atomic_int ready = 0;
	struct avf_vm *vm;
	double start = now_ms();

	if (create(svc, payload, true, false, 32, &vm))
		return -1;
	avf_vm_set_callbacks(vm, &(struct avf_callbacks){ .payload_ready = on_ready }, &ready);
	if (avf_vm_start(vm))
		return -1;
	while (!atomic_load(&ready) && avf_vm_state(vm) != SVC_STATE_DEAD)
		if (avf_service_dispatch(svc, 1000) < 0)
			return -1;
	*ms = now_ms() - start;
	avf_vm_destroy(vm);
	avf_vm_free(vm);
	return atomic_load(&ready) ? 0 : -1;
}

int bench_service(const char *socket, const char *spin_payload, const char *ready_payload,
		  int nr_vms, int runs)
{
	struct avf_service *svc = NULL;
	double *ready = calloc((size_t)runs, sizeof(double)), total = 0;

	if (!ready || avf_service_connect(socket, &svc))
		goto fail;
	for (int i = 0; i < runs; i++)
		if (one_ready(svc, ready_payload, &ready[i]))
			goto fail;
	qsort(ready, (size_t)runs, sizeof(double), compare);
	printf("ready-ms %.1f\n", ready[runs / 2]);
	for (int i = 0; i < nr_vms; i++) {
		struct avf_vm *vm;
		avf_vm_info_t info;
		double start = now_ms();

		if (create(svc, spin_payload, false, true, 4, &vm) || avf_vm_start(vm))
			goto fail;
		total += now_ms() - start;
		if (avf_vm_info(vm, &info))
			goto fail;
		kill(info.pid, SIGSTOP);
		printf("vm %u %d\n", info.id, info.pid);
		avf_vm_free(vm);
	}
	printf("start-ms-mean %.2f\n", total / nr_vms);
	avf_service_close(svc);
	free(ready);
	return 0;
fail:
	fprintf(stderr, "bench: %s\n", avf_last_error());
	avf_service_close(svc);
	free(ready);
	return 1;
}
