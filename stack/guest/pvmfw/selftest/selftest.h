/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pvmfw-selftest's pieces: a minimal VMM for one protected VM around the real hyp
 * (selftest_vm.c), and the scenarios (pvmfw_selftest.c).
 */
#ifndef AVF_PVMFW_SELFTEST_H
#define AVF_PVMFW_SELFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack/hyp/hyp.h"

#define ST_RAM_SIZE	(8ull << 20)
#define ST_REPORT	0xc6002100u	/* the test payload's report (payload/payload.c) */

/* What the platform and the VMM put in the VM. */
struct st_vm_setup {
	const uint8_t *firmware;	/* image || padding || config, as the hyp loads it */
	size_t firmware_size;
	uint64_t fw_pages;		/* pages donated at VMM_FW_BASE */
	const uint8_t *dtb;		/* placed at dtb_addr (in RAM) when not NULL */
	size_t dtb_size;
	uint64_t dtb_addr;
	uint64_t boot_x0;		/* what x0 holds at entry (normally dtb_addr) */
	const uint8_t *payload;		/* placed at payload_addr */
	size_t payload_size;
	uint64_t payload_addr;
};

/* How the VM ended and what it said on the way. */
struct st_outcome {
	char console[8192];
	size_t console_len;
	int reason;			/* from AVF_HVC_PVMFW_REBOOT_REASON; -1 if never sent */
	unsigned nr_reason_calls;
	uint64_t reports[2][7];		/* ST_REPORT calls: x0..x6 */
	unsigned nr_reports;
	/* The runtime's payload channel (avf_hvc.h). */
	unsigned nr_ready;
	bool finished;
	int64_t exit_code;
	unsigned nr_errors;
	int64_t error_code;
	char error_text[257];
	bool ended;			/* a system event ended it */
	uint32_t event;			/* HAL_SYSTEM_OFF / RESET / CRASH */
	char error[256];		/* a failure of the harness itself */
};

struct st_vm {
	struct hal_machine *m;
	struct hyp *h;
	uint32_t handle;
	uint64_t fw_pages;
};

/* Machine + hyp (with @firmware) + the protected VM of @setup, ready to run. 0 or -1
 * with out->error set. */
int st_vm_create(const char *backend, const struct st_vm_setup *setup, struct st_vm *vm,
		 struct st_outcome *out);
/* Run until a system event (or the instruction bound); fill @out. */
void st_vm_run(struct st_vm *vm, struct st_outcome *out);
/* Does the 32-byte @secret appear anywhere in the VM's memory? (the hyp's view) */
bool st_vm_memory_contains(struct st_vm *vm, const uint8_t *secret, size_t len);
/* Bytes of guest memory at guest address @ipa (firmware region or RAM), or NULL. */
const uint8_t *st_vm_guest_ptr(struct st_vm *vm, uint64_t ipa, uint64_t len);
/* Tear down (every page reclaimed) and free everything. */
void st_vm_destroy(struct st_vm *vm);

#endif /* AVF_PVMFW_SELFTEST_H */
