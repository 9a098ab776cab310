// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's VM table: slots, ids, per-VM directories, and the one place where a
 * VM changes state (so that every change is checked against the lifecycle table and
 * reported to the clients exactly once).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stack/service/internal.h"

uint64_t svc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct svc_vm *svc_vm_find(struct svc_daemon *d, uint32_t id)
{
	for (unsigned i = 0; i < SVC_MAX_VMS; i++)
		if (d->vms[i].used && d->vms[i].id == id)
			return &d->vms[i];
	return NULL;
}

struct svc_vm *svc_vm_find_pid(struct svc_daemon *d, pid_t pid)
{
	for (unsigned i = 0; i < SVC_MAX_VMS; i++)
		if (d->vms[i].used && d->vms[i].pid == pid)
			return &d->vms[i];
	return NULL;
}

struct svc_vm *svc_vm_find_name(struct svc_daemon *d, const char *name)
{
	for (unsigned i = 0; i < SVC_MAX_VMS; i++)
		if (d->vms[i].used && !strcmp(d->vms[i].cfg.name, name))
			return &d->vms[i];
	return NULL;
}

struct svc_vm *svc_vm_alloc(struct svc_daemon *d)
{
	struct svc_vm *vm = NULL;

	for (unsigned i = 0; i < SVC_MAX_VMS && !vm; i++)
		if (!d->vms[i].used)
			vm = &d->vms[i];
	if (!vm) {
		errno = EAGAIN;
		return NULL;
	}
	memset(vm, 0, sizeof(*vm));
	vm->id = d->next_id++;
	/* AVF hands out guest CIDs from a range above the reserved ones (0..2). */
	vm->cid = 10 + vm->id;
	vm->owner = -1;
	vm->service_listen = vm->service_conn = -1;
	snprintf(vm->dir, sizeof(vm->dir), "%s/vms/%u", d->cfg.run_dir, vm->id);
	if (mkdir(vm->dir, 0700) && errno != EEXIST)
		return NULL;
	vm->used = true;
	return vm;
}

/* Remove the files of a VM directory (flat: console, log, payload, sockets). */
static void remove_dir(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *e;

	if (!dir)
		return;
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(dir), e->d_name, 0);
	closedir(dir);
	rmdir(path);
}

void svc_vm_free(struct svc_daemon *d, struct svc_vm *vm)
{
	if (vm->service_listen >= 0)
		close(vm->service_listen);
	if (vm->service_conn >= 0)
		close(vm->service_conn);
	remove_dir(vm->dir);
	memset(vm, 0, sizeof(*vm));
	vm->owner = -1;
	vm->service_listen = vm->service_conn = -1;
}

void svc_vm_info(const struct svc_vm *vm, const char *backend, struct svc_vm_info *out)
{
	uint64_t end = vm->ended_ns ? vm->ended_ns : svc_now_ns();

	memset(out, 0, sizeof(*out));
	out->id = vm->id;
	snprintf(out->name, sizeof(out->name), "%s", vm->cfg.name);
	out->state = (uint8_t)vm->state;
	out->death = (uint8_t)vm->death;
	out->exit_code = vm->exit_code;
	out->cid = vm->cid;
	out->mem_mib = vm->cfg.mem_mib;
	out->cpus = vm->cfg.cpus;
	out->protected_vm = vm->cfg.protected_vm;
	out->detached = vm->cfg.detached;
	snprintf(out->backend, sizeof(out->backend), "%s", backend);
	out->uptime_ms = vm->started_ns ? (end - vm->started_ns) / 1000000ull : 0;
	out->pid = vm->pid;
	out->owner_uid = vm->owner_uid;
}

void svc_vm_transition(struct svc_daemon *d, struct svc_vm *vm, enum svc_state next,
		       enum svc_event_kind event, int32_t code, const char *msg)
{
	struct svc_event e = { .vm_id = vm->id, .event = (uint8_t)event, .code = code };

	if (vm->state != next) {
		if (!svc_transition_allowed(vm->state, next)) {
			fprintf(stderr, "avfd: vm %u: ignoring %s -> %s (the lifecycle only goes "
				"forward)\n", vm->id, svc_state_name(vm->state),
				svc_state_name(next));
			return;
		}
		vm->state = next;
	}
	if (!event)
		return;
	e.state = (uint8_t)vm->state;
	snprintf(e.message, sizeof(e.message), "%s", msg ? msg : "");
	svc_send_event(d, vm, &e);
}

void svc_vm_die(struct svc_daemon *d, struct svc_vm *vm, enum svc_death death,
		const char *msg)
{
	if (vm->state == SVC_STATE_DEAD)
		return;
	vm->death = death;
	vm->ended_ns = svc_now_ns();
	snprintf(vm->death_detail, sizeof(vm->death_detail), "%s", msg ? msg : "");
	if (vm->service_conn >= 0)
		close(vm->service_conn);
	if (vm->service_listen >= 0)
		close(vm->service_listen);
	vm->service_conn = vm->service_listen = -1;
	vm->kill_deadline_ns = vm->ready_deadline_ns = 0;
	/* AVF reports an error callback for failures the service detected itself. */
	if (death == SVC_DEATH_START_FAILED || death == SVC_DEATH_PAYLOAD_VERIFICATION_FAILED ||
	    death == SVC_DEATH_PAYLOAD_CHANGED || death == SVC_DEATH_INVALID_CONFIG)
		svc_vm_transition(d, vm, vm->state, SVC_EV_ERROR, (int32_t)death, msg);
	svc_vm_transition(d, vm, SVC_STATE_DEAD, SVC_EV_DIED, (int32_t)death, msg);
}
