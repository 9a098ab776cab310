/* SPDX-License-Identifier: MIT */
/*
 * A YAML document as a small tree (scalars, mappings, sequences) with the position of
 * every node, built from libyaml's event stream. Aliases, anchors' reuse and tags are
 * refused (a scenario needs none, and refusing them keeps hostile files linear in
 * size); mappings with a repeated key are refused.
 */
#ifndef AVF_SCENARIO_YAML_TREE_H
#define AVF_SCENARIO_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "stack/scenario/scenario.h"

#define YT_MAX_DEPTH 32

enum yt_kind { YT_SCALAR, YT_MAP, YT_SEQ };

struct yt_node {
	enum yt_kind kind;
	unsigned line, col;		/* 1-based */
	/* scalar */
	const char *str;		/* NUL-terminated; len bytes (may hold NULs) */
	size_t len;
	bool plain;			/* unquoted: may be a number or a boolean */
	/* map: keys[i] -> items[i]; seq: items[i] */
	struct yt_node **keys, **items;
	unsigned n;
};

/*
 * Parse @len bytes into a tree allocated from @a. 0, or -EINVAL with
 * "FILE:L:C: message" in @err (@file names the input in messages).
 * An empty document gives *root NULL.
 */
int yt_parse(struct sc_arena *a, const char *file, const void *buf, size_t len,
	     struct yt_node **root, char *err, size_t errlen);

/* The value of @key in mapping @map, or NULL. */
struct yt_node *yt_get(const struct yt_node *map, const char *key);

#endif /* AVF_SCENARIO_YAML_TREE_H */
