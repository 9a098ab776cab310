/* SPDX-License-Identifier: MIT */
/*
 * Builtin payloads of scenarios (docs/SCENARIOS.md, "Builtin payloads"): where each
 * one's image is, and the runner's own tiny raw guests.
 */
#ifndef AVF_SCENARIO_BUILTIN_H
#define AVF_SCENARIO_BUILTIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/scenario/scenario.h"

bool builtin_known(const char *name);
/* "testguest, hello, ..." */
const char *builtin_list(void);
/* @path relative to the scenario's directory unless absolute (arena memory). */
const char *builtin_resolve(struct scenario *sc, const char *path);

/* The directory of the guest images: $AVF_GUEST_IMG, else build/guest/img found from
 * this program's own location (build/FLAVOUR/bin/..), else ./build/guest/img. */
const char *builtin_img_dir(void);
/* The repository root (for stack/guest/keys), found the same way. */
const char *builtin_repo_dir(void);

/* A raw guest (raw-*): its A64 words, loaded at the RAM base. NULL if @name is none. */
const uint32_t *builtin_raw_words(const char *name, size_t *count);

/*
 * Where builtin @name's image is for a VM (det: what vmm_create loads; the test guest
 * is its ELF; a signed payload is the .payload file). Writes the path to @buf.
 * Returns 0, or -ENOENT with a message in @err naming the missing file.
 */
int builtin_image(const char *name, char *buf, size_t len, char *err, size_t errlen);

#endif /* AVF_SCENARIO_BUILTIN_H */
