// SPDX-License-Identifier: MIT
/*
 * The HAL's front: the backend registry, and argument checks that every backend would
 * make the same way, done once here before a hook runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/hal/hal_backend.h"

static const struct hal_ops *const backends[] = {
	&hal_sim_ops,
#ifdef __aarch64__
	&hal_kvm_ops,
#endif
};

static const char *const backend_names[] = {
	"sim",
#ifdef __aarch64__
	"kvm",
#endif
	NULL,
};

/* Why the last hal_machine_create() failed, for hal_error(NULL). */
static __thread char create_error[256];

bool hal_ops_complete(const struct hal_ops *o)
{
	const void *hooks[] = {
		o->machine_create, o->machine_destroy, o->capability, o->phys_ptr,
		o->host_read, o->host_write, o->host_set_access, o->host_can_access,
		o->clock_ns, o->clock_next_deadline, o->clock_advance, o->entropy,
		o->snapshot, o->restore, o->state_hash, o->vm_create, o->vm_destroy,
		o->vm_set_stage2, o->vm_invalidate, o->vm_finalize, o->vm_set_irq,
		o->vcpu_create, o->vcpu_get_reg, o->vcpu_set_reg, o->vcpu_get_vreg,
		o->vcpu_set_vreg, o->vcpu_run, o->vcpu_kick, o->vcpu_set_budget,
		o->vcpu_inject_abort, o->vcpu_powered,
	};

	if (!o->name)
		return false;
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		if (!hooks[i])
			return false;
	return true;
}

const struct hal_ops *hal_backend_find(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (name && !strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const char *const *hal_backend_names(void)
{
	return backend_names;
}

const char *hal_backend_name(const struct hal_ops *ops)
{
	return ops->name;
}

int hal_fail(struct hal_machine *m, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m ? m->error : create_error, sizeof(create_error), fmt, ap);
	va_end(ap);
	return err;
}

const char *hal_error(const struct hal_machine *m)
{
	return m ? m->error : create_error;
}

/* ---- machine ---------------------------------------------------------------------------- */

int hal_machine_create(const struct hal_ops *ops, const struct hal_machine_config *cfg,
		       struct hal_machine **out)
{
	struct hal_machine *m = NULL;
	int err;

	create_error[0] = 0;
	*out = NULL;
	if (!ops || !hal_ops_complete(ops))
		return hal_fail(NULL, -EINVAL, "backend %s is incomplete",
				ops && ops->name ? ops->name : "(null)");
	if (!cfg->phys_size || (cfg->phys_base | cfg->phys_size) % HAL_PAGE_SIZE ||
	    cfg->phys_base + cfg->phys_size < cfg->phys_base ||
	    cfg->phys_base + cfg->phys_size > (1ull << 40))
		return hal_fail(NULL, -EINVAL,
				"physical memory [%#llx, +%#llx) must be page aligned, non-empty "
				"and below 1 TiB", (unsigned long long)cfg->phys_base,
				(unsigned long long)cfg->phys_size);
	err = ops->machine_create(cfg, &m, create_error, sizeof(create_error));
	if (err)
		return err;
	m->ops = ops;
	m->cfg = *cfg;
	m->error[0] = 0;
	*out = m;
	return 0;
}

void hal_machine_destroy(struct hal_machine *m)
{
	if (m)
		m->ops->machine_destroy(m);
}

const struct hal_ops *hal_machine_ops(const struct hal_machine *m)
{
	return m->ops;
}

void hal_machine_memory(const struct hal_machine *m, hal_pa_t *base, uint64_t *size)
{
	*base = hal_pa(m->cfg.phys_base);
	*size = m->cfg.phys_size;
}

long hal_capability(const struct hal_machine *m, enum hal_cap cap)
{
	return m->ops->capability(m, cap);
}

/* ---- memory --------------------------------------------------------------------------------- */

static bool in_phys(const struct hal_machine *m, uint64_t pa, uint64_t len)
{
	uint64_t base = m->cfg.phys_base, size = m->cfg.phys_size;

	return pa >= base && pa - base <= size && len <= size - (pa - base);
}

void *hal_phys_ptr(struct hal_machine *m, hal_pa_t pa, uint64_t len, bool for_write)
{
	if (!in_phys(m, pa.pa, len))
		return NULL;
	return m->ops->phys_ptr(m, pa.pa, len, for_write);
}

static int host_range_check(struct hal_machine *m, uint64_t pa, uint64_t len,
			    hal_pa_t *fault_pa)
{
	if (in_phys(m, pa, len))
		return 0;
	if (fault_pa)
		*fault_pa = hal_pa(pa & ~(uint64_t)(HAL_PAGE_SIZE - 1));
	return hal_fail(m, -EFAULT, "host access [%#llx, +%#llx) outside physical memory",
			(unsigned long long)pa, (unsigned long long)len);
}

int hal_host_read(struct hal_machine *m, hal_pa_t pa, void *dst, uint64_t len,
		  hal_pa_t *fault_pa)
{
	uint64_t f = 0;
	int err = host_range_check(m, pa.pa, len, fault_pa);

	if (err || !len)
		return err;
	err = m->ops->host_read(m, pa.pa, dst, len, &f);
	if (err && fault_pa)
		*fault_pa = hal_pa(f);
	return err;
}

int hal_host_write(struct hal_machine *m, hal_pa_t pa, const void *src, uint64_t len,
		   hal_pa_t *fault_pa)
{
	uint64_t f = 0;
	int err = host_range_check(m, pa.pa, len, fault_pa);

	if (err || !len)
		return err;
	err = m->ops->host_write(m, pa.pa, src, len, &f);
	if (err && fault_pa)
		*fault_pa = hal_pa(f);
	return err;
}

int hal_host_set_access(struct hal_machine *m, hal_pa_t pa, uint64_t size, bool allowed)
{
	if ((pa.pa | size) % HAL_PAGE_SIZE || !size || !in_phys(m, pa.pa, size))
		return hal_fail(m, -EINVAL, "host access change [%#llx, +%#llx): not page "
				"aligned or outside memory", (unsigned long long)pa.pa,
				(unsigned long long)size);
	return m->ops->host_set_access(m, pa.pa, size, allowed);
}

bool hal_host_can_access(struct hal_machine *m, hal_pa_t pa)
{
	return in_phys(m, pa.pa, 1) && m->ops->host_can_access(m, pa.pa);
}

/* ---- time, entropy, snapshots ----------------------------------------------------------------- */

uint64_t hal_clock_ns(struct hal_machine *m)
{
	return m->ops->clock_ns(m);
}

int hal_clock_next_deadline(struct hal_machine *m, uint64_t *ns)
{
	return m->ops->clock_next_deadline(m, ns);
}

int hal_clock_advance(struct hal_machine *m, uint64_t ns)
{
	return m->ops->clock_advance(m, ns);
}

int hal_entropy(struct hal_machine *m, void *buf, size_t len)
{
	return m->ops->entropy(m, buf, len);
}

int hal_machine_snapshot(struct hal_machine *m)
{
	return m->ops->snapshot(m);
}

int hal_machine_restore(struct hal_machine *m)
{
	return m->ops->restore(m);
}

int hal_machine_state_hash(struct hal_machine *m, uint64_t *hash)
{
	return m->ops->state_hash(m, hash);
}

/* ---- VMs ------------------------------------------------------------------------------------- */

int hal_vm_create(struct hal_machine *m, const struct hal_vm_config *cfg, struct hal_vm **out)
{
	long max_ipa = hal_capability(m, HAL_CAP_MAX_IPA_BITS);
	struct hal_vm *vm = NULL;
	int err;

	*out = NULL;
	if (!cfg->vmid)
		return hal_fail(m, -EINVAL, "vmid 0 is reserved for the host");
	if (cfg->ipa_bits < 32 || cfg->ipa_bits > max_ipa)
		return hal_fail(m, -EINVAL, "ipa_bits %u outside 32..%ld", cfg->ipa_bits, max_ipa);
	if (cfg->nr_spis < 32 || cfg->nr_spis > 960 || cfg->nr_spis % 32)
		return hal_fail(m, -EINVAL, "nr_spis %u: must be a multiple of 32 in 32..960",
				cfg->nr_spis);
	if ((cfg->gicd_base | cfg->gicr_base) % 0x10000)
		return hal_fail(m, -EINVAL, "GIC bases must be 64 KiB aligned");
	if (cfg->protected_vm && !hal_capability(m, HAL_CAP_PROTECTED_VM))
		return hal_fail(m, -EOPNOTSUPP, "backend %s has no platform protected VMs",
				m->ops->name);
	err = m->ops->vm_create(m, cfg, &vm);
	if (err)
		return err;
	vm->m = m;
	vm->cfg = *cfg;
	*out = vm;
	return 0;
}

void hal_vm_destroy(struct hal_vm *vm)
{
	if (vm)
		vm->m->ops->vm_destroy(vm);
}

int hal_vm_set_stage2(struct hal_vm *vm, hal_pa_t root_pa, uint64_t vtcr)
{
	struct hal_machine *m = vm->m;

	if (root_pa.pa % HAL_PAGE_SIZE || !in_phys(m, root_pa.pa, HAL_PAGE_SIZE))
		return hal_fail(m, -EINVAL, "stage-2 root %#llx not a page of memory",
				(unsigned long long)root_pa.pa);
	return m->ops->vm_set_stage2(vm, root_pa.pa, vtcr);
}

int hal_vm_invalidate(struct hal_vm *vm, hal_ipa_t ipa, uint64_t size)
{
	if (size && ipa.ipa + size < ipa.ipa)
		return hal_fail(vm->m, -EINVAL, "invalidation range wraps");
	return vm->m->ops->vm_invalidate(vm, ipa.ipa, size);
}

int hal_vm_finalize(struct hal_vm *vm)
{
	return vm->m->ops->vm_finalize(vm);
}

int hal_vm_set_irq(struct hal_vm *vm, unsigned intid, bool level)
{
	if (intid < 32 || intid >= 32 + vm->cfg.nr_spis)
		return hal_fail(vm->m, -EINVAL, "intid %u is not an SPI of this VM", intid);
	return vm->m->ops->vm_set_irq(vm, intid, level);
}

struct hal_machine *hal_vm_machine(const struct hal_vm *vm)
{
	return vm->m;
}

/* ---- vCPUs ----------------------------------------------------------------------------------- */

int hal_vcpu_create(struct hal_vm *vm, unsigned index, bool powered_on, struct hal_vcpu **out)
{
	struct hal_machine *m = vm->m;
	struct hal_vcpu *v = NULL;
	int err;

	*out = NULL;
	if (index >= (unsigned long)hal_capability(m, HAL_CAP_MAX_VCPUS))
		return hal_fail(m, -EINVAL, "vcpu index %u beyond the backend's %ld", index,
				hal_capability(m, HAL_CAP_MAX_VCPUS));
	err = m->ops->vcpu_create(vm, index, powered_on, &v);
	if (err)
		return err;
	v->vm = vm;
	v->index = index;
	memset(&v->exit, 0, sizeof(v->exit));
	*out = v;
	return 0;
}

int hal_vcpu_get_reg(struct hal_vcpu *v, uint32_t id, uint64_t *val)
{
	return v->vm->m->ops->vcpu_get_reg(v, id, val);
}

int hal_vcpu_set_reg(struct hal_vcpu *v, uint32_t id, uint64_t val)
{
	return v->vm->m->ops->vcpu_set_reg(v, id, val);
}

int hal_vcpu_get_vreg(struct hal_vcpu *v, unsigned n, uint64_t out[2])
{
	if (n > 31)
		return -ENOENT;
	return v->vm->m->ops->vcpu_get_vreg(v, n, out);
}

int hal_vcpu_set_vreg(struct hal_vcpu *v, unsigned n, const uint64_t in[2])
{
	if (n > 31)
		return -ENOENT;
	return v->vm->m->ops->vcpu_set_vreg(v, n, in);
}

int hal_vcpu_run(struct hal_vcpu *v)
{
	return v->vm->m->ops->vcpu_run(v);
}

struct hal_exit *hal_vcpu_exit(struct hal_vcpu *v)
{
	return &v->exit;
}

void hal_vcpu_kick(struct hal_vcpu *v)
{
	v->vm->m->ops->vcpu_kick(v);
}

int hal_vcpu_set_budget(struct hal_vcpu *v, uint64_t insns)
{
	return v->vm->m->ops->vcpu_set_budget(v, insns);
}

int hal_vcpu_inject_abort(struct hal_vcpu *v)
{
	if (v->exit.kind != HAL_EXIT_MMIO && v->exit.kind != HAL_EXIT_S2_ABORT)
		return hal_fail(v->vm->m, -EINVAL, "no abort to inject: last exit was %d",
				(int)v->exit.kind);
	return v->vm->m->ops->vcpu_inject_abort(v);
}

bool hal_vcpu_powered(struct hal_vcpu *v)
{
	return v->vm->m->ops->vcpu_powered(v);
}

unsigned hal_vcpu_index(const struct hal_vcpu *v)
{
	return v->index;
}

struct hal_vm *hal_vcpu_vm(const struct hal_vcpu *v)
{
	return v->vm;
}
