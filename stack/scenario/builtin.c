// SPDX-License-Identifier: MIT
/*
 * Builtin payloads and where the build put their images.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack/scenario/builtin.h"

/* PSCI function ids in w0 (mov w0, #lo; movk w0, #0x8400, lsl #16), then hvc #0. */
static const uint32_t raw_off[] = { 0x52800100, 0x72b08000, 0xd4000002, 0x14000000 };
static const uint32_t raw_reset[] = { 0x52800120, 0x72b08000, 0xd4000002, 0x14000000 };
/* movz x0, #0x1000, lsl #16; br x0: an IPA below RAM with no device. */
static const uint32_t raw_crash[] = { 0xd2a20000, 0xd61f0000 };
/* wfi; b .-4: with no timer armed nothing wakes it. */
static const uint32_t raw_hang[] = { 0xd503207f, 0x17ffffff };
static const uint32_t raw_spin[] = { 0x14000000 };

static const struct {
	const char *name;
	const char *file;		/* in the image directory; NULL: raw */
	const uint32_t *words;
	size_t count;
} builtins[] = {
	{ "testguest", "vmm-testguest.elf", NULL, 0 },
	{ "hello", "payload-hello.payload", NULL, 0 },
	{ "scenario", "payload-scenario.payload", NULL, 0 },
	{ "drm", "payload-drm.payload", NULL, 0 },
	{ "compile", "payload-compile.payload", NULL, 0 },
	{ "ml", "payload-ml.payload", NULL, 0 },
#define RAW(n, w) { n, NULL, w, sizeof(w) / sizeof(w[0]) }
	RAW("raw-off", raw_off),
	RAW("raw-reset", raw_reset),
	RAW("raw-crash", raw_crash),
	RAW("raw-hang", raw_hang),
	RAW("raw-spin", raw_spin),
#undef RAW
};
#define NR_BUILTINS (sizeof(builtins) / sizeof(builtins[0]))

bool builtin_known(const char *name)
{
	for (size_t i = 0; i < NR_BUILTINS; i++)
		if (!strcmp(builtins[i].name, name))
			return true;
	return false;
}

const char *builtin_list(void)
{
	static char list[256];

	if (!list[0])
		for (size_t i = 0; i < NR_BUILTINS; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 i ? ", " : "", builtins[i].name);
	return list;
}

const char *builtin_resolve(struct scenario *sc, const char *path)
{
	size_t len;
	char *out;

	if (path[0] == '/' || !strcmp(sc->dir, "."))
		return sc_arena_strndup(sc->arena, path, strlen(path));
	len = strlen(sc->dir) + 1 + strlen(path);
	out = sc_arena_alloc(sc->arena, len + 1);
	snprintf(out, len + 1, "%s/%s", sc->dir, path);
	return out;
}

const uint32_t *builtin_raw_words(const char *name, size_t *count)
{
	for (size_t i = 0; i < NR_BUILTINS; i++) {
		if (!strcmp(builtins[i].name, name) && builtins[i].words) {
			*count = builtins[i].count;
			return builtins[i].words;
		}
	}
	return NULL;
}

/* The repository: this program lives in REPO/build/FLAVOUR/{bin,tests,fuzz}/. */
const char *builtin_repo_dir(void)
{
	static char repo[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (repo[0])
		return repo;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');

			if (!slash)
				break;
			*slash = 0;
		}
		snprintf(repo, sizeof(repo), "%s", exe);
	}
	if (!repo[0] || access(repo, F_OK))
		snprintf(repo, sizeof(repo), ".");
	return repo;
}

const char *builtin_img_dir(void)
{
	static char dir[PATH_MAX + 32];
	const char *env = getenv("AVF_GUEST_IMG");

	if (env && *env)
		return env;
	if (!dir[0])
		snprintf(dir, sizeof(dir), "%s/build/guest/img", builtin_repo_dir());
	return dir;
}

int builtin_image(const char *name, char *buf, size_t len, char *err, size_t errlen)
{
	for (size_t i = 0; i < NR_BUILTINS; i++) {
		if (strcmp(builtins[i].name, name) || !builtins[i].file)
			continue;
		snprintf(buf, len, "%s/%s", builtin_img_dir(), builtins[i].file);
		if (access(buf, R_OK)) {
			snprintf(err, errlen, "payload %s: %s: not found (build it: make guest)",
				 name, buf);
			return -ENOENT;
		}
		return 0;
	}
	snprintf(err, errlen, "payload %s: not a builtin with an image", name);
	return -ENOENT;
}
