// SPDX-License-Identifier: Apache-2.0
/*
 * The service's creation policy: parsed once at start-up, consulted with the peer
 * credentials (SO_PEERCRED) of each CREATE request.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/service/policy.h"

static void add(struct svc_principal *list, unsigned *nr, enum svc_principal_kind kind,
		unsigned id)
{
	if (*nr < SVC_POLICY_MAX_RULES)
		list[(*nr)++] = (struct svc_principal){ kind, id };
}

void svc_policy_default(struct svc_policy *p, uid_t own_uid, long gid)
{
	memset(p, 0, sizeof(*p));
	add(p->create, &p->nr_create, SVC_PRINCIPAL_UID, 0);
	add(p->protect, &p->nr_protect, SVC_PRINCIPAL_UID, 0);
	if (own_uid) {
		add(p->create, &p->nr_create, SVC_PRINCIPAL_UID, own_uid);
		add(p->protect, &p->nr_protect, SVC_PRINCIPAL_UID, own_uid);
	}
	if (gid >= 0) {
		add(p->create, &p->nr_create, SVC_PRINCIPAL_GID, (unsigned)gid);
		add(p->protect, &p->nr_protect, SVC_PRINCIPAL_GID, (unsigned)gid);
	}
}

static int parse_number(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xfffffffful)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* One "kind:value" word. */
static int parse_principal(const char *w, struct svc_principal *out)
{
	const char *colon = strchr(w, ':');
	struct passwd *pw;
	struct group *gr;

	if (!strcmp(w, "all")) {
		*out = (struct svc_principal){ SVC_PRINCIPAL_ALL, 0 };
		return 0;
	}
	if (!colon)
		return -EINVAL;
	if (!strncmp(w, "uid:", 4)) {
		out->kind = SVC_PRINCIPAL_UID;
		return parse_number(colon + 1, &out->id);
	}
	if (!strncmp(w, "gid:", 4)) {
		out->kind = SVC_PRINCIPAL_GID;
		return parse_number(colon + 1, &out->id);
	}
	if (!strncmp(w, "user:", 5)) {
		pw = getpwnam(colon + 1);
		if (!pw)
			return -ENOENT;
		*out = (struct svc_principal){ SVC_PRINCIPAL_UID, pw->pw_uid };
		return 0;
	}
	if (!strncmp(w, "group:", 6)) {
		gr = getgrnam(colon + 1);
		if (!gr)
			return -ENOENT;
		*out = (struct svc_principal){ SVC_PRINCIPAL_GID, gr->gr_gid };
		return 0;
	}
	return -EINVAL;
}

static int parse_line(struct svc_policy *p, char *line, unsigned lineno, char *err,
		      size_t errlen)
{
	char *save = NULL, *word = strtok_r(line, " \t\r", &save);
	struct svc_principal *list;
	unsigned *nr;

	if (!word)
		return 0;
	if (!strcmp(word, "allow-create")) {
		list = p->create;
		nr = &p->nr_create;
	} else if (!strcmp(word, "allow-protected")) {
		list = p->protect;
		nr = &p->nr_protect;
	} else {
		snprintf(err, errlen, "line %u: unknown directive '%s' (allow-create or "
			 "allow-protected)", lineno, word);
		return -EINVAL;
	}
	while ((word = strtok_r(NULL, " \t\r", &save))) {
		struct svc_principal pr;
		int ret = parse_principal(word, &pr);

		if (ret) {
			snprintf(err, errlen, "line %u: %s '%s' (uid:N, gid:N, user:NAME, "
				 "group:NAME or all)", lineno, ret == -ENOENT ? "no such user or "
				 "group" : "bad principal", word);
			return -EINVAL;
		}
		if (*nr >= SVC_POLICY_MAX_RULES) {
			snprintf(err, errlen, "line %u: more than %d principals", lineno,
				 SVC_POLICY_MAX_RULES);
			return -EINVAL;
		}
		list[(*nr)++] = pr;
	}
	return 0;
}

int svc_policy_parse(struct svc_policy *p, const char *text, char *err, size_t errlen)
{
	char *copy = strdup(text), *save = NULL, *line;
	unsigned lineno = 0;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	/* strtok_r would merge empty lines; count them by hand for exact line numbers. */
	for (line = copy; line && !ret; line = save) {
		char *hash;

		save = strchr(line, '\n');
		if (save)
			*save++ = 0;
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		ret = parse_line(p, line, lineno, err, errlen);
	}
	free(copy);
	return ret;
}

int svc_policy_load(struct svc_policy *p, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *text;
	long size;
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		return ret;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || size > (1 << 20) ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		snprintf(err, errlen, "unreadable or larger than 1 MiB");
		return -EFBIG;
	}
	text = calloc(1, (size_t)size + 1);
	if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
		free(text);
		fclose(f);
		snprintf(err, errlen, "read failed");
		return -EIO;
	}
	fclose(f);
	ret = svc_policy_parse(p, text, err, errlen);
	free(text);
	return ret;
}

static bool matches(const struct svc_principal *list, unsigned nr, uid_t uid, gid_t gid,
		    const gid_t *groups, size_t nr_groups)
{
	for (unsigned i = 0; i < nr; i++) {
		switch (list[i].kind) {
		case SVC_PRINCIPAL_ALL:
			return true;
		case SVC_PRINCIPAL_UID:
			if (list[i].id == uid)
				return true;
			break;
		case SVC_PRINCIPAL_GID:
			if (list[i].id == gid)
				return true;
			for (size_t g = 0; g < nr_groups; g++)
				if (list[i].id == groups[g])
					return true;
			break;
		}
	}
	return false;
}

bool svc_policy_allows(const struct svc_policy *p, bool protected_vm, uid_t uid, gid_t gid,
		       const gid_t *groups, size_t nr_groups)
{
	if (!matches(p->create, p->nr_create, uid, gid, groups, nr_groups))
		return false;
	return !protected_vm || matches(p->protect, p->nr_protect, uid, gid, groups, nr_groups);
}
