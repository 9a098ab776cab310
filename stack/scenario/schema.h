/* SPDX-License-Identifier: MIT */
/*
 * The schema's internal contract: typed accessors over the YAML tree that turn every
 * mismatch into the documented "FILE:L:C: message" (docs/SCENARIOS.md, "Errors in
 * files"), shared by schema.c (top level, VMs, faults) and schema_steps.c (steps,
 * checks). Each returns 0 or -EINVAL with the message written.
 */
#ifndef AVF_SCENARIO_SCHEMA_H
#define AVF_SCENARIO_SCHEMA_H

#include "stack/scenario/scenario.h"
#include "stack/scenario/yaml_tree.h"

struct ps {
	struct scenario *sc;
	const char *file;
	char *err;
	size_t errlen;
};

int ps_err(struct ps *p, const struct yt_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Every key of @map must be in the NULL-terminated @allowed. */
int ps_keys(struct ps *p, const struct yt_node *map, const char *section,
	    const char *const *allowed);
/* Fails with "SECTION: missing 'KEY'" when @map has no @key. */
int ps_require(struct ps *p, const struct yt_node *map, const char *section,
	       const char *key, struct yt_node **out);
int ps_want(struct ps *p, const struct yt_node *n, const char *key, enum yt_kind kind);
int ps_u64(struct ps *p, const struct yt_node *n, const char *key, uint64_t min,
	   uint64_t max, uint64_t *out);
int ps_i32(struct ps *p, const struct yt_node *n, const char *key, int32_t *out);
int ps_bool(struct ps *p, const struct yt_node *n, const char *key, bool *out);
int ps_str(struct ps *p, const struct yt_node *n, const char *key, const char **out);
/* A byte count: N, NK, NM or NG. */
int ps_size(struct ps *p, const struct yt_node *n, const char *key, uint64_t min,
	    uint64_t max, uint64_t *out);
/* One of @names (case-insensitive; @count names, NULL entries skipped). */
int ps_enum(struct ps *p, const struct yt_node *n, const char *key,
	    const char *const *names, unsigned count, unsigned *out);
/* A VM of the scenario by name. */
int ps_vm(struct ps *p, const struct yt_node *n, int *out);
struct sc_loc ps_loc(const struct ps *p, const struct yt_node *n);

int ps_steps(struct ps *p, const struct yt_node *seq);
int ps_expects(struct ps *p, const struct yt_node *seq);

extern const char *const sc_death_names[];	/* lower-case, by enum svc_death */
extern const unsigned sc_nr_death_names;

#endif /* AVF_SCENARIO_SCHEMA_H */
