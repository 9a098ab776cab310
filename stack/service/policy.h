/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who may create VMs and protected VMs (docs/SERVICE.md, "Policy file"). Internal to
 * the service. A policy is two lists of principals: `allow-create` and
 * `allow-protected`; creating a protected VM needs a match in both.
 */
#ifndef AVF_SERVICE_POLICY_H
#define AVF_SERVICE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SVC_POLICY_MAX_RULES 32

enum svc_principal_kind { SVC_PRINCIPAL_UID, SVC_PRINCIPAL_GID, SVC_PRINCIPAL_ALL };

struct svc_principal {
	enum svc_principal_kind kind;
	unsigned id;
};

struct svc_policy {
	struct svc_principal create[SVC_POLICY_MAX_RULES];
	unsigned nr_create;
	struct svc_principal protect[SVC_POLICY_MAX_RULES];
	unsigned nr_protect;
};

/* The default: root, @own_uid (the daemon's user) and, if @gid >= 0, that group may
 * create VMs and protected VMs. */
void svc_policy_default(struct svc_policy *p, uid_t own_uid, long gid);
/*
 * Parse a policy file's text (lines "allow-create PRINCIPAL..." / "allow-protected
 * PRINCIPAL...", PRINCIPAL = uid:N | gid:N | user:NAME | group:NAME | all, '#' comments).
 * Replaces @p. 0, or -EINVAL with "line N: ..." in @err.
 */
int svc_policy_parse(struct svc_policy *p, const char *text, char *err, size_t errlen);
/* Read and parse @path. 0, -errno (file) or -EINVAL. */
int svc_policy_load(struct svc_policy *p, const char *path, char *err, size_t errlen);
/* May a client with @uid, primary @gid and supplementary @groups create (a protected) VM? */
bool svc_policy_allows(const struct svc_policy *p, bool protected_vm, uid_t uid, gid_t gid,
		       const gid_t *groups, size_t nr_groups);

#endif /* AVF_SERVICE_POLICY_H */
