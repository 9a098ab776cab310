/* SPDX-License-Identifier: Apache-2.0 */
/* libavf's internals: shared by the config builder and the client. */
#ifndef AVF_API_INTERNAL_H
#define AVF_API_INTERNAL_H

#include <pthread.h>

#include "stack/api/avf.h"

struct avf_vm_config {
	struct svc_vm_config c;
	int payload_fd;			/* owned; -1 none */
};

/* Set the calling thread's last error; returns @err (negative errno). */
int avf_set_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* AVF_API_INTERNAL_H */
