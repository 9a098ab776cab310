// SPDX-License-Identifier: Apache-2.0
/*
 * avfapi-check threads: libavf under concurrent use (docs/SERVICE.md, "Tests"). N worker
 * threads each run M VM lifecycles (create, start, info, list, stop, wait, free), half of
 * them on one service connection all threads share and half on a connection of their
 * own, while a dispatcher thread runs callbacks on the shared connection (so a VM's
 * callbacks often run on another thread than its owner's). Between steps each worker
 * provokes errors whose messages name the thread (a config value, an unknown VM id)
 * and checks that avf_last_error() is exactly its own message.
 *
 * Checked for every VM: start returns 0, info reports the VM, stop/wait succeed, the
 * death reason is KILLED, and once avf_vm_free() returned exactly one payload-started
 * and one died(KILLED) callback ran for it and no callback runs later (the counters live
 * on the worker's stack and are poisoned after free). Run under ASan/UBSan (san) and,
 * as avfapi-check-tsan, under ThreadSanitizer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/api/avf.h"
#include "stack/api/tests/check.h"

struct counters {
	atomic_int started, died, other;
	atomic_int reason;
	atomic_int poisoned;	/* set after free: any callback then is a bug */
};

struct worker {
	pthread_t thread;
	int index, iterations;
	const char *socket, *payload;
	struct avf_service *shared;
	char failure[256];
};

static atomic_int late_callbacks;

static void on_started(struct avf_vm *vm, void *ctx)
{
	struct counters *c = ctx;

	(void)vm;
	if (atomic_load(&c->poisoned))
		atomic_fetch_add(&late_callbacks, 1);
	atomic_fetch_add(&c->started, 1);
}

static void on_died(struct avf_vm *vm, int reason, const char *message, void *ctx)
{
	struct counters *c = ctx;

	(void)vm, (void)message;
	if (atomic_load(&c->poisoned))
		atomic_fetch_add(&late_callbacks, 1);
	atomic_store(&c->reason, reason);
	atomic_fetch_add(&c->died, 1);
}

static void on_other(struct avf_vm *vm, void *ctx)
{
	struct counters *c = ctx;

	(void)vm;
	atomic_fetch_add(&c->other, 1);
}

#define WCHECK(cond, ...) do { \
	if (!(cond)) { \
		snprintf(w->failure, sizeof(w->failure), __VA_ARGS__); \
		return -1; \
	} \
} while (0)

/* Errors whose messages are this thread's: the last error must be exactly each. */
static int provoke_errors(struct worker *w, struct avf_service *svc, int iteration)
{
	char want[128];
	struct avf_vm_config *cfg;
	struct avf_vm *vm;
	unsigned mib = 100000u + (unsigned)(w->index * 100 + iteration);
	uint32_t id = 900000u + (uint32_t)(w->index * 100 + iteration);

	WCHECK(avf_config_new(&cfg) == 0, "config_new: %s", avf_last_error());
	WCHECK(avf_config_set_memory_mib(cfg, mib) == -EINVAL, "memory %u accepted", mib);
	snprintf(want, sizeof(want), "memory: %u MiB is not in 4..16384", mib);
	WCHECK(!strcmp(avf_last_error(), want), "thread %d: last error '%s', want '%s'",
	       w->index, avf_last_error(), want);
	avf_config_free(cfg);
	WCHECK(avf_vm_open(svc, id, &vm) == -ENOENT, "VM %u exists", id);
	snprintf(want, sizeof(want), "no VM with id %u", id);
	WCHECK(!strcmp(avf_last_error(), want), "thread %d: last error '%s', want '%s'",
	       w->index, avf_last_error(), want);
	return 0;
}

static int create_vm(struct worker *w, struct avf_service *svc, int iteration,
		     struct counters *c, struct avf_vm **vm)
{
	const struct avf_callbacks cb = { .payload_started = on_started, .died = on_died,
					  .payload_ready = on_other };
	struct avf_vm_config *cfg;
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "thr%d-%d", w->index, iteration);
	WCHECK(avf_config_new(&cfg) == 0, "config_new");
	WCHECK(avf_config_set_payload_path(cfg, w->payload) == 0 &&
	       avf_config_set_memory_mib(cfg, 16) == 0 && avf_config_set_name(cfg, name) == 0,
	       "config: %s", avf_last_error());
	ret = avf_vm_create(svc, cfg, vm);
	avf_config_free(cfg);
	WCHECK(ret == 0, "create %s: %s", name, avf_last_error());
	avf_vm_set_callbacks(*vm, &cb, c);
	return 0;
}

static int one_lifecycle(struct worker *w, struct avf_service *svc, int iteration)
{
	struct counters c = { 0 };
	struct avf_vm *vm;
	avf_vm_info_t info, list[64];
	int ret;

	if (create_vm(w, svc, iteration, &c, &vm) || provoke_errors(w, svc, iteration))
		return -1;
	WCHECK(avf_vm_start(vm) == 0, "start: %s", avf_last_error());
	WCHECK(avf_vm_info(vm, &info) == 0 && info.id == avf_vm_id(vm),
	       "info: %s", avf_last_error());
	WCHECK(avf_service_list(svc, list, 64) >= 1, "list: %s", avf_last_error());
	ret = avf_vm_stop(vm);
	/* The VMM may have died on its own already only if something is wrong. */
	WCHECK(ret == 0, "stop: %d %s", ret, avf_last_error());
	WCHECK(avf_vm_wait(vm, 60000) == 0, "wait: %s", avf_last_error());
	WCHECK(avf_vm_death_reason(vm) == SVC_DEATH_KILLED, "death reason %d",
	       avf_vm_death_reason(vm));
	avf_vm_free(vm);
	atomic_store(&c.poisoned, 1);
	WCHECK(atomic_load(&c.started) == 1 && atomic_load(&c.died) == 1 &&
	       atomic_load(&c.reason) == SVC_DEATH_KILLED && atomic_load(&c.other) == 0,
	       "callbacks after free: started %d died %d (reason %d) other %d",
	       atomic_load(&c.started), atomic_load(&c.died), atomic_load(&c.reason),
	       atomic_load(&c.other));
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < w->iterations; i++) {
		struct avf_service *own = NULL;
		int ret;

		if (i % 2) {
			if (avf_service_connect(w->socket, &own)) {
				snprintf(w->failure, sizeof(w->failure), "connect: %s",
					 avf_last_error());
				break;
			}
		}
		ret = one_lifecycle(w, own ? own : w->shared, i);
		avf_service_close(own);
		if (ret)
			break;
	}
	return NULL;
}

struct dispatcher {
	pthread_t thread;
	struct avf_service *svc;
	atomic_int stop;
	int error;
};

static void *dispatcher_main(void *arg)
{
	struct dispatcher *d = arg;

	while (!atomic_load(&d->stop)) {
		int ret = avf_service_dispatch(d->svc, 20);

		if (ret < 0) {
			d->error = ret;
			break;
		}
	}
	return NULL;
}

int check_threads(const char *socket, const char *payload, int nr_threads, int iterations)
{
	struct worker *w = calloc((size_t)nr_threads, sizeof(*w));
	struct dispatcher d = { 0 };
	int failed = 0;

	if (!w || avf_service_connect(socket, &d.svc)) {
		fprintf(stderr, "threads: connect: %s\n", avf_last_error());
		free(w);
		return 1;
	}
	pthread_create(&d.thread, NULL, dispatcher_main, &d);
	for (int i = 0; i < nr_threads; i++) {
		w[i] = (struct worker){ .index = i, .iterations = iterations, .socket = socket,
					.payload = payload, .shared = d.svc };
		pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
	}
	for (int i = 0; i < nr_threads; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].failure[0]) {
			fprintf(stderr, "threads: worker %d: %s\n", i, w[i].failure);
			failed++;
		}
	}
	atomic_store(&d.stop, 1);
	pthread_join(d.thread, NULL);
	if (d.error) {
		fprintf(stderr, "threads: dispatcher: %s\n", avf_last_error());
		failed++;
	}
	if (atomic_load(&late_callbacks)) {
		fprintf(stderr, "threads: %d callbacks ran after avf_vm_free()\n",
			atomic_load(&late_callbacks));
		failed++;
	}
	avf_service_close(d.svc);
	free(w);
	if (failed)
		return 1;
	printf("threads: %d threads x %d lifecycles: ok\n", nr_threads, iterations);
	return 0;
}
