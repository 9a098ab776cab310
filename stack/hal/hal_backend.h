/* SPDX-License-Identifier: MIT */
/*
 * For backend implementers only (stack/hal/<backend>/): the ops table and the common
 * object headers. Layers above the HAL include hal.h, never this.
 *
 * A backend defines `const struct hal_ops hal_<name>_ops` with every hook set (unsupported
 * operations point at a function returning -ENOSYS: hal_ops_complete() checks it and the
 * unit tests assert it for every backend). hal.c validates arguments that every backend
 * would validate the same way (alignment, ranges, null pointers) before calling a hook,
 * so hooks may assume them.
 *
 * Objects: a backend's machine, VM and vCPU structs start with struct hal_machine,
 * struct hal_vm and struct hal_vcpu respectively (container_of-style embedding).
 */
#ifndef AVF_HAL_BACKEND_H
#define AVF_HAL_BACKEND_H

#include <stdarg.h>

#include "stack/hal/hal.h"

struct hal_machine {
	const struct hal_ops *ops;
	struct hal_machine_config cfg;
	char error[256];
};

struct hal_vm {
	struct hal_machine *m;
	struct hal_vm_config cfg;
};

struct hal_vcpu {
	struct hal_vm *vm;
	unsigned index;
	struct hal_exit exit;
};

struct hal_ops {
	const char *name;

	/* Machine. create allocates the backend's struct (embedding struct hal_machine),
	 * which hal.c then fills in (ops, cfg). On failure it writes the reason into err. */
	int (*machine_create)(const struct hal_machine_config *cfg, struct hal_machine **out,
			      char *err, size_t errlen);
	void (*machine_destroy)(struct hal_machine *m);
	long (*capability)(const struct hal_machine *m, enum hal_cap cap);

	void *(*phys_ptr)(struct hal_machine *m, uint64_t pa, uint64_t len, bool for_write);
	int (*host_read)(struct hal_machine *m, uint64_t pa, void *dst, uint64_t len,
			 uint64_t *fault_pa);
	int (*host_write)(struct hal_machine *m, uint64_t pa, const void *src, uint64_t len,
			  uint64_t *fault_pa);
	int (*host_set_access)(struct hal_machine *m, uint64_t pa, uint64_t size, bool allowed);
	bool (*host_can_access)(struct hal_machine *m, uint64_t pa);

	uint64_t (*clock_ns)(struct hal_machine *m);
	int (*clock_next_deadline)(struct hal_machine *m, uint64_t *ns);
	int (*clock_advance)(struct hal_machine *m, uint64_t ns);
	int (*entropy)(struct hal_machine *m, void *buf, size_t len);

	int (*snapshot)(struct hal_machine *m);
	int (*restore)(struct hal_machine *m);
	int (*state_hash)(struct hal_machine *m, uint64_t *hash);

	/* VM: create allocates the backend's struct embedding struct hal_vm. */
	int (*vm_create)(struct hal_machine *m, const struct hal_vm_config *cfg,
			 struct hal_vm **out);
	void (*vm_destroy)(struct hal_vm *vm);
	int (*vm_set_stage2)(struct hal_vm *vm, uint64_t root_pa, uint64_t vtcr);
	int (*vm_invalidate)(struct hal_vm *vm, uint64_t ipa, uint64_t size);
	int (*vm_finalize)(struct hal_vm *vm);
	int (*vm_set_irq)(struct hal_vm *vm, unsigned intid, bool level);

	/* vCPU: create allocates the backend's struct embedding struct hal_vcpu. */
	int (*vcpu_create)(struct hal_vm *vm, unsigned index, bool powered_on,
			   struct hal_vcpu **out);
	int (*vcpu_get_reg)(struct hal_vcpu *v, uint32_t id, uint64_t *val);
	int (*vcpu_set_reg)(struct hal_vcpu *v, uint32_t id, uint64_t val);
	int (*vcpu_get_vreg)(struct hal_vcpu *v, unsigned n, uint64_t out[2]);
	int (*vcpu_set_vreg)(struct hal_vcpu *v, unsigned n, const uint64_t in[2]);
	int (*vcpu_run)(struct hal_vcpu *v);
	void (*vcpu_kick)(struct hal_vcpu *v);
	int (*vcpu_set_budget)(struct hal_vcpu *v, uint64_t insns);
	int (*vcpu_inject_abort)(struct hal_vcpu *v);
	bool (*vcpu_powered)(struct hal_vcpu *v);
};

/* Every hook of ops is set. The registry refuses incomplete backends. */
bool hal_ops_complete(const struct hal_ops *ops);

/* Record the machine's last error (printf-style) and return err (a -errno) unchanged. */
int hal_fail(struct hal_machine *m, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The backends of this build. */
extern const struct hal_ops hal_sim_ops;
#ifdef __aarch64__
extern const struct hal_ops hal_kvm_ops;
#endif

#endif /* AVF_HAL_BACKEND_H */
