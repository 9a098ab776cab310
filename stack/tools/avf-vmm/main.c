// SPDX-License-Identifier: MIT
/*
 * avf-vmm: one VM per process, as AVF's service forks one crosvm per VM.
 *
 *   avf-vmm run [options] IMAGE
 *
 * The process builds its own host (HAL machine + hyp) sized for the one VM, runs it,
 * tears it down and exits with how it ended (docs/VMM.md, "Exit status"): 0 shutdown,
 * 32 reboot, 33 crash, 124 instruction limit, 1 VMM error, 2 bad usage. Signal N
 * (SIGINT, SIGTERM, SIGHUP) stops the VM cleanly (console flushed, sockets removed,
 * memory reclaimed); the process then dies of that same signal, so its parent sees
 * WIFSIGNALED (AVF's service maps that to KILLED) and a shell 128+N.
 *
 * With --name the process calls itself so: prctl(PR_SET_NAME) for the thread name (top,
 * /proc/PID/comm) and argv rewritten to "avf-vmm: NAME" for `ps`. Every option value was
 * copied by the parser, so nothing points into argv any more when it is overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/fault/fault.h"
#include "stack/hyp/spec/spec.h"
#include "stack/tools/avf-vmm/options.h"
#include "stack/vmm/layout.h"

static volatile sig_atomic_t got_signal;
static struct vmm *volatile running_vm;

static void on_signal(int sig)
{
	struct vmm *v = running_vm;

	if (!got_signal)
		got_signal = sig;
	if (v)
		vmm_stop(v);
}

static void install_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* A closed console pipe must be an error we report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Show NAME in `ps` (argv) and in /proc/PID/comm (prctl). */
static void set_process_name(const char *name, int argc, char *argv[])
{
	char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]);
	char comm[16];

	snprintf(comm, sizeof(comm), "%s", name);
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	/* argv strings are contiguous; only overwrite what we can prove is ours. */
	for (int i = 1; i < argc; i++)
		if (argv[i] != argv[i - 1] + strlen(argv[i - 1]) + 1)
			return;
	memset(start, 0, (size_t)(end - start));
	snprintf(start, (size_t)(end - start) + 1, "avf-vmm: %s", name);
}

static int read_pvmfw(const char *path, void **data, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "avf-vmm: --pvmfw %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size || (uint64_t)st.st_size > VMM_FW_SIZE) {
		fprintf(stderr, "avf-vmm: --pvmfw %s: must be a non-empty file of at most %llu "
			"bytes\n", path, (unsigned long long)VMM_FW_SIZE);
		close(fd);
		return -1;
	}
	*data = malloc((size_t)st.st_size);
	n = *data ? read(fd, *data, (size_t)st.st_size) : -1;
	close(fd);
	if (n != st.st_size) {
		fprintf(stderr, "avf-vmm: --pvmfw %s: read failed\n", path);
		free(*data);
		return -1;
	}
	*size = (size_t)st.st_size;
	return 0;
}

/*
 * Resident memory of the process, and the part of it that is the machine's physical
 * memory (guest RAM, firmware, the hyp's pool): the mappings at least phys_bytes long
 * (the sim's RAM block, or the kvm backend's memfd views). What is left is the VMM's
 * own, the number the benchmark reports.
 */
static void memory_stats(uint64_t phys_bytes, uint64_t *rss_kib, uint64_t *phys_kib)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	uint64_t lo, hi, kib;
	bool big = false;

	*rss_kib = *phys_kib = 0;
	while (f && fgets(line, sizeof(line), f)) {
		/* A mapping's header starts "lo-hi "; its fields ("Rss:") never parse so. */
		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &lo, &hi) == 2)
			big = hi - lo >= phys_bytes;
		else if (sscanf(line, "Rss: %" SCNu64 " kB", &kib) == 1) {
			*rss_kib += kib;
			if (big)
				*phys_kib += kib;
		}
	}
	if (f)
		fclose(f);
}

static void print_stats(struct vmm *v, uint64_t t0, uint64_t t_end, uint64_t phys_mib)
{
	struct vmm_stats st;
	uint64_t rss, phys;

	vmm_get_stats(v, &st);
	memory_stats(phys_mib << 20, &rss, &phys);
	fprintf(stderr, "avf-vmm: stats: start to first console byte: %.3f ms\n",
		st.first_byte_ns ? (double)(st.first_byte_ns - t0) / 1e6 : -1.0);
	fprintf(stderr, "avf-vmm: stats: start to end of the VM: %.3f ms\n",
		(double)(t_end - t0) / 1e6);
	fprintf(stderr, "avf-vmm: stats: console bytes: %" PRIu64 ", MMIO exits: %" PRIu64
		" (%" PRIu64 " unclaimed), guest instructions: %" PRIu64 ", virtual time: %"
		PRIu64 " ns\n", st.console_bytes, st.mmio_exits, st.unclaimed_mmio, st.insns,
		st.virtual_ns);
	fprintf(stderr, "avf-vmm: stats: resident memory: %" PRIu64 " KiB, of which machine "
		"memory (guest RAM, firmware, hyp pool): %" PRIu64 " KiB, the VMM's own: %"
		PRIu64 " KiB\n", rss, phys, rss - phys);
}

static int run_vm(const struct avf_vmm_opts *o, int argc, char *argv[], uint64_t t0)
{
	struct vmm_host_config hc = { .backend = o->backend, .seed = o->seed,
				      .check_spec = o->check_spec };
	void *pvmfw = NULL;
	struct vmm_host *host;
	enum vmm_end end = VMM_END_ERROR;
	struct vmm *v;
	int err;

	if (o->pvmfw && read_pvmfw(o->pvmfw, &pvmfw, &hc.pvmfw_size))
		return VMM_END_ERROR;
	hc.pvmfw = pvmfw;
	hc.phys_mib = o->vm.mem_mib + vmm_host_overhead_mib(o->vm.mem_mib, o->vm.nr_vcpus,
							    o->vm.protected_vm);
	if (o->check_spec)
		hyp_spec_register();
	err = vmm_host_create(&hc, &host);
	free(pvmfw);
	if (err)
		return VMM_END_ERROR;
	if (o->vm.name)
		set_process_name(o->vm.name, argc, argv);
	err = vmm_create(host, &o->vm, &v);
	if (!err) {
		running_vm = v;
		if (got_signal)		/* arrived before running_vm was set */
			vmm_stop(v);
		err = vmm_run(v, &end);
		if (o->stats)
			print_stats(v, t0, now_ns(), hc.phys_mib);
		running_vm = NULL;
		vmm_destroy(v);
	}
	vmm_host_destroy(host);
	if (err)
		return VMM_END_ERROR;
	if (end == VMM_END_KILLED)
		return 128 + (got_signal ? got_signal : SIGTERM);
	return end;
}

int main(int argc, char *argv[])
{
	uint64_t t0 = now_ns();
	struct avf_vmm_opts o;
	struct img_error err;
	int ret;

	install_signals();
	avf_vmm_defaults(&o);
	ret = avf_vmm_parse(argc, argv, &o, &err);
	if (ret == AVF_VMM_HELP) {
		avf_vmm_usage(stdout);
		avf_vmm_opts_free(&o);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "avf-vmm: %s\nTry 'avf-vmm --help'.\n", err.msg);
		avf_vmm_opts_free(&o);
		return AVF_VMM_EXIT_USAGE;
	}
	/* Injected faults (lib/fault) come from the environment, as the scenario runner and
	 * the service pass them; an injected VMM crash is a real one: SIGABRT. */
	if (fault_configure_env(err.msg, sizeof(err.msg))) {
		fprintf(stderr, "avf-vmm: AVF_FAULTS: %s\n", err.msg);
		avf_vmm_opts_free(&o);
		return VMM_END_ERROR;
	}
	o.vm.abort_on_injected_crash = true;
	ret = run_vm(&o, argc, argv, t0);
	avf_vmm_opts_free(&o);
	if (got_signal && (ret == VMM_END_ERROR || ret > 128)) {
		/* Everything is cleaned up: now die of the signal, as the parent expects. */
		fflush(NULL);
		signal(got_signal, SIG_DFL);
		raise(got_signal);
		ret = 128 + got_signal;		/* in case it was blocked */
	}
	return ret;
}
