// SPDX-License-Identifier: MIT
/*
 * The QEMU side: one `qemu-aarch64 -cpu CPU risu-runner` process per campaign, fed test
 * records on its stdin and answering on its stdout (risu_abi.h). Records are large
 * (about 12 KiB) but the caller keeps at most one test in flight, so neither pipe fills.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/risu/risu.h"

extern char **environ;

struct risu_qemu {
	pid_t pid;
	int to_fd;	/* runner's stdin */
	int from_fd;	/* runner's stdout */
};

struct risu_qemu *risu_qemu_start(const char *qemu, const char *cpu, const char *runner)
{
	struct risu_qemu *q = calloc(1, sizeof(*q));
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)qemu, "-cpu", (char *)cpu, (char *)runner, NULL };
	int err;

	if (!q || pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		goto fail;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	err = posix_spawnp(&q->pid, qemu, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		fprintf(stderr, "sim-risu: cannot run %s: %s\n", qemu, strerror(err));
		goto fail;
	}
	close(in[0]);
	close(out[1]);
	q->to_fd = in[1];
	q->from_fd = out[0];
	return q;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	free(q);
	return NULL;
}

int risu_qemu_send(struct risu_qemu *q, const struct risu_input *in)
{
	const uint8_t *p = (const uint8_t *)in;
	size_t left = sizeof(*in);

	while (left) {
		ssize_t n = write(q->to_fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "sim-risu: the QEMU runner stopped reading: %s\n",
				n < 0 ? strerror(errno) : "short write");
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

int risu_qemu_recv(struct risu_qemu *q, struct risu_output *out)
{
	uint8_t *p = (uint8_t *)out;
	size_t got = 0;

	while (got < sizeof(*out)) {
		ssize_t n = read(q->from_fd, p + got, sizeof(*out) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "sim-risu: the QEMU runner ended without an answer "
				"(see its message above)\n");
			return -1;
		}
		got += (size_t)n;
	}
	if (out->magic != RISU_MAGIC_OUT) {
		fprintf(stderr, "sim-risu: garbled answer from the QEMU runner\n");
		return -1;
	}
	return 0;
}

int risu_qemu_finish(struct risu_qemu *q)
{
	int status = 0, ok;

	if (!q)
		return 0;
	close(q->to_fd);
	close(q->from_fd);
	while (waitpid(q->pid, &status, 0) < 0 && errno == EINTR)
		;
	ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	free(q);
	return ok ? 0 : -1;
}
