/* SPDX-License-Identifier: Apache-2.0 */
/* avfapi-check's modes (main.c): each returns the process's exit status (0 = pass). */
#ifndef AVF_API_TESTS_CHECK_H
#define AVF_API_TESTS_CHECK_H

#include <stdint.h>

int check_threads(const char *socket, const char *payload, int nr_threads, int iterations);
int check_rpc(const char *socket, uint32_t vm_id, uint32_t port, uint32_t closed_port);

int bench_service(const char *socket, const char *spin_payload, const char *ready_payload,
		  int nr_vms, int runs);

#endif /* AVF_API_TESTS_CHECK_H */
