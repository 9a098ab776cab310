// SPDX-License-Identifier: MIT
/*
 * Locks whose holder can be asserted (pKVM's hyp_assert_lock_held), and the hyp's
 * response to a broken invariant of its own: stop, loudly. Hostile input never gets
 * here; it gets an errno.
 */
#include <stdio.h>
#include <stdlib.h>

#include "stack/hyp/hyp_internal.h"

void hyp_lock_init(struct hyp_lock *l)
{
	pthread_mutex_init(&l->mutex, NULL);
	l->held = false;
}

void hyp_lock(struct hyp_lock *l)
{
	pthread_mutex_lock(&l->mutex);
	l->owner = pthread_self();
	l->held = true;
}

void hyp_unlock(struct hyp_lock *l)
{
	l->held = false;
	pthread_mutex_unlock(&l->mutex);
}

void hyp_assert_lock_held_at(const struct hyp_lock *l, const char *file, int line)
{
	if (!l->held || !pthread_equal(l->owner, pthread_self()))
		hyp_bug(file, line, "lock not held by this thread");
}

_Noreturn void hyp_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "hyp: BUG at %s:%d: %s\n", file, line, what);
	abort();
}
