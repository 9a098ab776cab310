// SPDX-License-Identifier: MIT
/*
 * The sim backend: every HAL operation on the deterministic simulated machine (sim/).
 *
 * Physical memory is one RAM region of the sim. The host view is that memory seen
 * through a revocation bitmap (a set bit = revoked, so a zeroed bitmap means "the host
 * has everything"). Each VM is a sim partition with stage 2 on; its vCPUs are sim CPUs.
 * PSCI is handled here, as KVM handles it in the kernel; every other HVC/SMC leaves as
 * HAL_EXIT_HYPERCALL. All vCPUs run on the caller's thread: the caller schedules them
 * (HAL_CAP_IDLE_EXIT, HAL_CAP_BUDGET), which is what makes runs deterministic.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "stack/hal/hal_backend.h"

struct simb_vm;

struct simb_machine {
	struct hal_machine base;
	struct sim_machine *sim;
	struct simb_vm *vms[64];	/* live VMs: destroyed with the machine */
	uint64_t *revoked;		/* one bit per page of physical memory */
	uint64_t pages;
};

struct simb_vcpu;

struct simb_vm {
	struct hal_vm base;
	struct sim_part *part;
	struct simb_vcpu *vcpus[64];	/* owned: freed with the VM */
};

struct simb_vcpu {
	struct hal_vcpu base;
	struct sim_cpu *cpu;
	uint64_t budget;
};

#define to_m(x)	((struct simb_machine *)(x))
#define to_vm(x) ((struct simb_vm *)(x))
#define to_v(x)	((struct simb_vcpu *)(x))

static int simb_machine_create(const struct hal_machine_config *cfg, struct hal_machine **out,
			       char *err, size_t errlen)
{
	struct sim_machine_config scfg = {
		.seed = cfg->seed,
		.max_cpus = cfg->max_vcpus ? cfg->max_vcpus : 64,
		.trace_path = cfg->trace_path,
	};
	struct simb_machine *m = calloc(1, sizeof(*m));
	int rc;

	if (!m)
		return -ENOMEM;
	m->pages = cfg->phys_size / HAL_PAGE_SIZE;
	m->revoked = calloc((m->pages + 63) / 64, sizeof(uint64_t));
	if (!m->revoked) {
		free(m);
		return -ENOMEM;
	}
	rc = sim_machine_create(&scfg, &m->sim);
	if (!rc) {
		rc = sim_machine_add_ram(m->sim, cfg->phys_base, cfg->phys_size);
		if (rc)
			sim_machine_destroy(m->sim);
	}
	if (rc) {
		snprintf(err, errlen, "sim: create machine with %llu MiB: %s",
			 (unsigned long long)(cfg->phys_size >> 20), strerror(-rc));
		free(m->revoked);
		free(m);
		return rc;
	}
	*out = &m->base;
	return 0;
}

static void simb_vm_destroy(struct hal_vm *hvm);

static void simb_machine_destroy(struct hal_machine *hm)
{
	struct simb_machine *m = to_m(hm);

	for (unsigned i = 0; i < 64; i++)
		if (m->vms[i])
			simb_vm_destroy((struct hal_vm *)m->vms[i]);
	sim_machine_destroy(m->sim);
	free(m->revoked);
	free(m);
}

static long simb_capability(const struct hal_machine *m, enum hal_cap cap)
{
	switch (cap) {
	case HAL_CAP_MAX_VCPUS: return 64;
	case HAL_CAP_MAX_IPA_BITS: return 40;
	case HAL_CAP_IDLE_EXIT:
	case HAL_CAP_BUDGET:
	case HAL_CAP_VIRTUAL_TIME:
	case HAL_CAP_DETERMINISTIC:
	case HAL_CAP_SNAPSHOT:
	case HAL_CAP_S2_ABORT_EXIT:
	case HAL_CAP_S2_EXEC_CONTROL:
	case HAL_CAP_S2_FETCH_ABORT:
	case HAL_CAP_INJECT_ABORT:
	case HAL_CAP_HOST_REVOKE:
	case HAL_CAP_STATE_HASH:
		return 1;
	case HAL_CAP_THREADED_VCPUS:
	case HAL_CAP_EL2_ISOLATION:
	case HAL_CAP_PROTECTED_VM:
		return 0;
	}
	return 0;
}

/* ---- memory ------------------------------------------------------------------------------ */

static void *simb_phys_ptr(struct hal_machine *hm, uint64_t pa, uint64_t len, bool for_write)
{
	return sim_phys_ptr(to_m(hm)->sim, pa, len, for_write);
}

static bool page_revoked(struct simb_machine *m, uint64_t pa)
{
	uint64_t pfn = (pa - m->base.cfg.phys_base) / HAL_PAGE_SIZE;

	return m->revoked[pfn / 64] >> (pfn % 64) & 1;
}

/* First revoked page of [pa, pa + len), or UINT64_MAX. */
static uint64_t first_revoked(struct simb_machine *m, uint64_t pa, uint64_t len)
{
	uint64_t p = pa & ~(uint64_t)(HAL_PAGE_SIZE - 1);

	for (; p < pa + len; p += HAL_PAGE_SIZE)
		if (page_revoked(m, p))
			return p;
	return UINT64_MAX;
}

static int simb_host_read(struct hal_machine *hm, uint64_t pa, void *dst, uint64_t len,
			  uint64_t *fault_pa)
{
	struct simb_machine *m = to_m(hm);
	uint64_t bad = first_revoked(m, pa, len);

	if (bad != UINT64_MAX) {
		*fault_pa = bad;
		return hal_fail(hm, -EFAULT, "host stage-2 abort: read of revoked page %#llx",
				(unsigned long long)bad);
	}
	return sim_phys_read(m->sim, pa, dst, len);
}

static int simb_host_write(struct hal_machine *hm, uint64_t pa, const void *src, uint64_t len,
			   uint64_t *fault_pa)
{
	struct simb_machine *m = to_m(hm);
	uint64_t bad = first_revoked(m, pa, len);

	if (bad != UINT64_MAX) {
		*fault_pa = bad;
		return hal_fail(hm, -EFAULT, "host stage-2 abort: write of revoked page %#llx",
				(unsigned long long)bad);
	}
	return sim_phys_write(m->sim, pa, src, len);
}

static int simb_host_set_access(struct hal_machine *hm, uint64_t pa, uint64_t size, bool allowed)
{
	struct simb_machine *m = to_m(hm);
	uint64_t first = (pa - hm->cfg.phys_base) / HAL_PAGE_SIZE;

	for (uint64_t pfn = first; pfn < first + size / HAL_PAGE_SIZE; pfn++) {
		if (allowed)
			m->revoked[pfn / 64] &= ~(1ull << (pfn % 64));
		else
			m->revoked[pfn / 64] |= 1ull << (pfn % 64);
	}
	return 0;
}

static bool simb_host_can_access(struct hal_machine *hm, uint64_t pa)
{
	return !page_revoked(to_m(hm), pa);
}

/* ---- time, entropy, snapshots ------------------------------------------------------------- */

static uint64_t simb_clock_ns(struct hal_machine *hm)
{
	return sim_machine_now_ns(to_m(hm)->sim);
}

static int simb_clock_next_deadline(struct hal_machine *hm, uint64_t *ns)
{
	*ns = sim_machine_next_deadline(to_m(hm)->sim);
	return 0;
}

static int simb_clock_advance(struct hal_machine *hm, uint64_t ns)
{
	sim_machine_advance_to(to_m(hm)->sim, ns);
	return 0;
}

static int simb_entropy(struct hal_machine *hm, void *buf, size_t len)
{
	sim_machine_random(to_m(hm)->sim, buf, len);
	return 0;
}

static int simb_snapshot(struct hal_machine *hm)
{
	return sim_machine_snapshot(to_m(hm)->sim);
}

static int simb_restore(struct hal_machine *hm)
{
	return sim_machine_restore(to_m(hm)->sim);
}

static int simb_state_hash(struct hal_machine *hm, uint64_t *hash)
{
	*hash = sim_machine_state_hash(to_m(hm)->sim);
	return 0;
}

/* ---- VMs ---------------------------------------------------------------------------------- */

static int simb_vm_create(struct hal_machine *hm, const struct hal_vm_config *cfg,
			  struct hal_vm **out)
{
	struct sim_part_config pcfg = {
		.vmid = cfg->vmid,
		.stage2 = true,
		.gicd_base = cfg->gicd_base,
		.gicr_base = cfg->gicr_base,
		.nr_spis = cfg->nr_spis,
	};
	struct simb_vm *vm = calloc(1, sizeof(*vm));
	int rc;

	if (!vm)
		return -ENOMEM;
	unsigned slot;

	for (slot = 0; slot < 64 && to_m(hm)->vms[slot]; slot++)
		;
	rc = slot == 64 ? -ENOSPC : sim_part_create(to_m(hm)->sim, &pcfg, &vm->part);
	if (rc) {
		free(vm);
		return hal_fail(hm, rc, "sim: create VM %u: %s", cfg->vmid, strerror(-rc));
	}
	to_m(hm)->vms[slot] = vm;
	*out = &vm->base;
	return 0;
}

static void simb_vm_destroy(struct hal_vm *hvm)
{
	struct simb_vm *vm = to_vm(hvm);
	struct simb_machine *m = to_m(hvm->m);

	for (unsigned i = 0; i < 64; i++)
		if (m->vms[i] == vm)
			m->vms[i] = NULL;

	sim_part_destroy(vm->part);
	for (unsigned i = 0; i < 64; i++)
		free(vm->vcpus[i]);
	free(vm);
}

static int simb_vm_set_stage2(struct hal_vm *hvm, uint64_t root_pa, uint64_t vtcr)
{
	int rc = sim_part_set_stage2(to_vm(hvm)->part, root_pa, vtcr);

	if (rc)
		return hal_fail(hvm->m, rc, "sim: VTCR %#llx not supported (4 KiB granule, "
				"24 <= T0SZ <= 39)", (unsigned long long)vtcr);
	return 0;
}

static int simb_vm_invalidate(struct hal_vm *hvm, uint64_t ipa, uint64_t size)
{
	sim_part_tlbi_ipa(to_vm(hvm)->part, ipa, size);
	return 0;
}

static int simb_vm_finalize(struct hal_vm *hvm)
{
	return 0;	/* the sim's GIC exists from VM creation on */
}

static int simb_vm_set_irq(struct hal_vm *hvm, unsigned intid, bool level)
{
	return sim_part_set_irq(to_vm(hvm)->part, intid, level, 0);
}

/* ---- vCPUs ------------------------------------------------------------------------------ */

static int simb_vcpu_create(struct hal_vm *hvm, unsigned index, bool powered_on,
			    struct hal_vcpu **out)
{
	struct simb_vcpu *v = calloc(1, sizeof(*v));
	int rc;

	if (!v)
		return -ENOMEM;
	rc = sim_cpu_create(to_vm(hvm)->part, index, &v->cpu);
	if (rc) {
		free(v);
		return hal_fail(hvm->m, rc, "sim: create vcpu %u: %s", index, strerror(-rc));
	}
	if (powered_on)
		sim_cpu_power_on(v->cpu, 0, 0);
	to_vm(hvm)->vcpus[index] = v;
	*out = &v->base;
	return 0;
}

static int simb_vcpu_get_reg(struct hal_vcpu *hv, uint32_t id, uint64_t *val)
{
	return sim_cpu_get_reg(to_v(hv)->cpu, id, val);
}

static int simb_vcpu_set_reg(struct hal_vcpu *hv, uint32_t id, uint64_t val)
{
	return sim_cpu_set_reg(to_v(hv)->cpu, id, val);
}

static int simb_vcpu_get_vreg(struct hal_vcpu *hv, unsigned n, uint64_t out[2])
{
	return sim_cpu_get_vreg(to_v(hv)->cpu, n, out);
}

static int simb_vcpu_set_vreg(struct hal_vcpu *hv, unsigned n, const uint64_t in[2])
{
	return sim_cpu_set_vreg(to_v(hv)->cpu, n, in);
}

/* Apply the caller's reply to the previous exit. */
static void complete_previous(struct simb_vcpu *v)
{
	struct hal_exit *x = &v->base.exit;

	switch (x->kind) {
	case HAL_EXIT_MMIO:
		if (!x->mmio.is_write)
			sim_cpu_complete_mmio(v->cpu, x->mmio.data);
		break;
	case HAL_EXIT_HYPERCALL:
		for (unsigned i = 0; i < 4; i++)
			sim_cpu_set_reg(v->cpu, SIM_REG_X0 + i, x->hypercall.ret[i]);
		break;
	default:
		break;
	}
	x->kind = HAL_EXIT_NONE;
}

static void fill_hypercall(struct simb_vcpu *v, const struct sim_exit *sx)
{
	struct hal_exit *x = &v->base.exit;

	x->kind = HAL_EXIT_HYPERCALL;
	x->hypercall.conduit = sx->kind == SIM_EXIT_HVC ? HAL_CONDUIT_HVC : HAL_CONDUIT_SMC;
	x->hypercall.imm = sx->call.imm;
	for (unsigned i = 0; i < 7; i++)
		sim_cpu_get_reg(v->cpu, SIM_REG_X0 + i, &x->hypercall.args[i]);
	x->hypercall.func_id = (uint32_t)x->hypercall.args[0];
	/* Unanswered calls return NOT_SUPPORTED and leave x1..x3 alone. */
	x->hypercall.ret[0] = (uint64_t)-1;
	for (unsigned i = 1; i < 4; i++)
		x->hypercall.ret[i] = x->hypercall.args[i];
}

static bool translate_exit(struct simb_vcpu *v, const struct sim_exit *sx)
{
	struct hal_exit *x = &v->base.exit;

	switch (sx->kind) {
	case SIM_EXIT_HVC:
	case SIM_EXIT_SMC:
		switch (sim_psci_call(v->cpu)) {
		case SIM_PSCI_HANDLED:
			return false;
		case SIM_PSCI_SYSTEM_OFF:
			x->kind = HAL_EXIT_SYSTEM_EVENT;
			x->system_event.vcpu = v->base.index;
			x->system_event.type = HAL_SYSTEM_OFF;
			return true;
		case SIM_PSCI_SYSTEM_RESET:
			x->kind = HAL_EXIT_SYSTEM_EVENT;
			x->system_event.vcpu = v->base.index;
			x->system_event.type = HAL_SYSTEM_RESET;
			return true;
		case SIM_PSCI_CPU_OFF:
			x->kind = HAL_EXIT_IDLE;
			return true;
		case SIM_PSCI_NOT_PSCI:
			fill_hypercall(v, sx);
			return true;
		}
		return true;
	case SIM_EXIT_MMIO:
		x->kind = HAL_EXIT_MMIO;
		x->mmio.ipa = sx->mmio.ipa;
		x->mmio.data = sx->mmio.is_write ? sx->mmio.data : 0;
		x->mmio.size = sx->mmio.size;
		x->mmio.is_write = sx->mmio.is_write;
		x->mmio.reg = sx->mmio.reg;
		return true;
	case SIM_EXIT_S2_ABORT:
		x->kind = HAL_EXIT_S2_ABORT;
		x->s2.ipa = sx->s2.ipa;
		x->s2.va = sx->s2.va;
		x->s2.esr = sx->s2.esr;
		x->s2.is_write = sx->s2.is_write;
		x->s2.is_fetch = sx->s2.is_fetch;
		x->s2.is_permission = sx->s2.is_permission;
		return true;
	case SIM_EXIT_WFI:
	case SIM_EXIT_OFF:
		x->kind = HAL_EXIT_IDLE;
		return true;
	case SIM_EXIT_BUDGET:
		x->kind = HAL_EXIT_PREEMPTED;
		return true;
	case SIM_EXIT_KICK:
		x->kind = HAL_EXIT_KICKED;
		return true;
	case SIM_EXIT_INTERNAL:
		x->kind = HAL_EXIT_INTERNAL_ERROR;
		x->internal.reason = sx->internal.reason;
		return true;
	}
	x->kind = HAL_EXIT_INTERNAL_ERROR;
	x->internal.reason = "sim: unknown exit";
	return true;
}

static int simb_vcpu_run(struct hal_vcpu *hv)
{
	struct simb_vcpu *v = to_v(hv);
	struct sim_exit sx;

	complete_previous(v);
	do {
		int rc = sim_cpu_run(v->cpu, v->budget, &sx);

		if (rc)
			return hal_fail(hv->vm->m, rc, "sim: run vcpu %u: %s", hv->index,
					strerror(-rc));
	} while (!translate_exit(v, &sx));
	return 0;
}

static void simb_vcpu_kick(struct hal_vcpu *hv)
{
	sim_cpu_kick(to_v(hv)->cpu);
}

static int simb_vcpu_set_budget(struct hal_vcpu *hv, uint64_t insns)
{
	to_v(hv)->budget = insns;
	return 0;
}

static int simb_vcpu_inject_abort(struct hal_vcpu *hv)
{
	sim_cpu_inject_abort(to_v(hv)->cpu);
	hv->exit.kind = HAL_EXIT_NONE;
	return 0;
}

static bool simb_vcpu_powered(struct hal_vcpu *hv)
{
	return sim_cpu_is_on(to_v(hv)->cpu);
}

const struct hal_ops hal_sim_ops = {
	.name = "sim",
	.machine_create = simb_machine_create,
	.machine_destroy = simb_machine_destroy,
	.capability = simb_capability,
	.phys_ptr = simb_phys_ptr,
	.host_read = simb_host_read,
	.host_write = simb_host_write,
	.host_set_access = simb_host_set_access,
	.host_can_access = simb_host_can_access,
	.clock_ns = simb_clock_ns,
	.clock_next_deadline = simb_clock_next_deadline,
	.clock_advance = simb_clock_advance,
	.entropy = simb_entropy,
	.snapshot = simb_snapshot,
	.restore = simb_restore,
	.state_hash = simb_state_hash,
	.vm_create = simb_vm_create,
	.vm_destroy = simb_vm_destroy,
	.vm_set_stage2 = simb_vm_set_stage2,
	.vm_invalidate = simb_vm_invalidate,
	.vm_finalize = simb_vm_finalize,
	.vm_set_irq = simb_vm_set_irq,
	.vcpu_create = simb_vcpu_create,
	.vcpu_get_reg = simb_vcpu_get_reg,
	.vcpu_set_reg = simb_vcpu_set_reg,
	.vcpu_get_vreg = simb_vcpu_get_vreg,
	.vcpu_set_vreg = simb_vcpu_set_vreg,
	.vcpu_run = simb_vcpu_run,
	.vcpu_kick = simb_vcpu_kick,
	.vcpu_set_budget = simb_vcpu_set_budget,
	.vcpu_inject_abort = simb_vcpu_inject_abort,
	.vcpu_powered = simb_vcpu_powered,
};
