// SPDX-License-Identifier: MIT
/*
 * The kvm backend's VMs: a KVM VM with an in-kernel vGICv3, syndrome-less data aborts
 * sent to user space (KVM_CAP_ARM_NISV_TO_USER), the SMCCC filter forwarding every
 * function id but the Arm architecture calls and PSCI to user space, and the hyp's
 * stage-2 tables reflected into memslots (kvm_s2map.c).
 *
 * When the reflection happens. hal_vm_invalidate() records the range. If no vCPU of the
 * VM is inside KVM_RUN, the recorded ranges are re-read before the next one enters it, so
 * a hyp that maps a VM's memory page by page pays one walk, not one per page. If some
 * vCPU is inside KVM_RUN (another thread), the call stops the VM's vCPUs, changes the
 * memslots and lets them go before it returns. Either way no vCPU runs on stale memslots
 * once the call has returned, which is the contract.
 *
 * Why stop them: KVM cannot replace a memslot atomically (growing a run is delete +
 * create), and a vCPU that fetched an instruction or walked its page tables through a
 * memslot in the gap would take an abort from KVM. With every vCPU out of KVM_RUN there
 * is no gap to see.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "stack/hal/kvm/kvm_internal.h"

#define IPA_SPACE_END	(1ull << 48)

/*
 * SMCCC function ids forwarded to user space (KVM_SMCCC_FILTER_FWD_TO_USER): all but
 * the Arm architecture calls (0x8000xxxx/0xc000xxxx: KVM reserves them, it reports the
 * Spectre mitigations itself) and PSCI (functions 0x00..0x1f of the standard secure
 * service), which KVM handles in the kernel, as docs/HAL.md says the backend does. This
 * includes the vendor hypervisor service range 0xc6000000..0xc600ffff (pKVM's guest
 * calls: HYP_MEMINFO, MEM_SHARE, MEM_UNSHARE, MMIO_GUARD_*) and the project's own calls.
 */
static const struct { uint32_t first, last; } forwarded[] = {
	{ 0x00000000u, 0x7fffffffu },	/* yielding calls */
	{ 0x80010000u, 0x83ffffffu },	/* SMC32: CPU and SiP services */
	{ 0x84000020u, 0xbfffffffu },	/* SMC32: standard after PSCI, vendor hyp, OEM, TOS */
	{ 0xc0010000u, 0xc3ffffffu },	/* SMC64: CPU and SiP services */
	{ 0xc4000020u, 0xffffffffu },	/* SMC64: standard after PSCI, vendor hyp, ... */
};

/* ---- memslots (the s2m environment) ------------------------------------------------------- */

static const uint64_t *env_table(void *ctx, uint64_t pa)
{
	struct kvmb_machine *m = ((struct kvmb_vm *)ctx)->m;
	const struct hal_machine_config *cfg = &m->base.cfg;

	if (pa < cfg->phys_base || pa - cfg->phys_base >= cfg->phys_size)
		return NULL;
	/* Descriptors are read through the hyp view: the tables are the hyp's memory. */
	return (const uint64_t *)(m->hyp_view + (pa - cfg->phys_base));
}

static int set_region(struct kvmb_vm *vm, unsigned slot, uint32_t flags, uint64_t ipa,
		      uint64_t size, uint64_t pa)
{
	struct kvmb_machine *m = vm->m;
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = ipa, .memory_size = size,
		.userspace_addr = size ? (uint64_t)(uintptr_t)(m->guest_view +
							 (pa - m->base.cfg.phys_base)) : 0,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

static int env_slot_add(void *ctx, struct s2m_run *r)
{
	struct kvmb_vm *vm = ctx;
	long id;
	int rc;

	for (id = 0; id < vm->m->nr_memslots && vm->slot_used[id]; id++)
		;
	if (id == vm->m->nr_memslots)
		return hal_fail(&vm->m->base, -ENOMEM, "kvm: VM %u: all %ld memslots in use "
				"(stage 2 too fragmented)", vm->base.cfg.vmid, vm->m->nr_memslots);
	rc = set_region(vm, (unsigned)id, r->kind == S2M_RO ? KVM_MEM_READONLY : 0, r->ipa,
			r->size, r->pa);
	if (rc)
		return hal_fail(&vm->m->base, rc, "kvm: VM %u: memslot IPA [%#llx, +%#llx) -> PA "
				"%#llx: %s", vm->base.cfg.vmid, (unsigned long long)r->ipa,
				(unsigned long long)r->size, (unsigned long long)r->pa,
				strerror(-rc));
	vm->slot_used[id] = 1;
	r->slot = (int32_t)id;
	return 0;
}

static void env_slot_remove(void *ctx, const struct s2m_run *r)
{
	struct kvmb_vm *vm = ctx;
	int rc = set_region(vm, (unsigned)r->slot, 0, r->ipa, 0, 0);

	/* Deleting an existing memslot cannot fail but through a bug; keep the id then. */
	if (rc)
		hal_fail(&vm->m->base, rc, "kvm: VM %u: delete memslot %d: %s",
			 vm->base.cfg.vmid, r->slot, strerror(-rc));
	else
		vm->slot_used[r->slot] = 0;
}

static void env_slot_forget(void *ctx, const struct s2m_run *r)
{
	/* The VM is going away and takes its memslots with it. */
}

static struct s2m_env env_of(struct kvmb_vm *vm)
{
	return (struct s2m_env){
		.table = env_table, .slot_remove = env_slot_remove, .slot_add = env_slot_add,
		.ctx = vm, .phys_base = vm->m->base.cfg.phys_base,
		.phys_size = vm->m->base.cfg.phys_size,
	};
}

/* ---- pending stage-2 changes ----------------------------------------------------------------- */

static void pending_add_locked(struct kvmb_vm *vm, uint64_t lo, uint64_t hi)
{
	for (unsigned i = 0; i < vm->nr_pending; i++) {
		if (lo <= vm->pending[i].hi && vm->pending[i].lo <= hi) {
			vm->pending[i].lo = lo < vm->pending[i].lo ? lo : vm->pending[i].lo;
			vm->pending[i].hi = hi > vm->pending[i].hi ? hi : vm->pending[i].hi;
			return;
		}
	}
	if (vm->nr_pending == KVMB_PENDING_MAX) {
		/* Too scattered to track: re-read their hull. */
		for (unsigned i = 0; i < vm->nr_pending; i++) {
			lo = vm->pending[i].lo < lo ? vm->pending[i].lo : lo;
			hi = vm->pending[i].hi > hi ? vm->pending[i].hi : hi;
		}
		vm->nr_pending = 0;
	}
	vm->pending[vm->nr_pending].lo = lo;
	vm->pending[vm->nr_pending].hi = hi;
	vm->nr_pending++;
}

static int apply_pending_locked(struct kvmb_vm *vm)
{
	struct s2m_env env = env_of(vm);
	int err = 0;

	for (unsigned i = 0; i < vm->nr_pending; i++) {
		int rc = s2m_reconcile(&vm->map, &env, vm->pending[i].lo, vm->pending[i].hi);

		err = err ? err : rc;
	}
	vm->nr_pending = 0;
	return err;
}

int kvmb_vm_enter(struct kvmb_vm *vm)
{
	int rc = 0;

	pthread_mutex_lock(&vm->s2_lock);
	while (vm->barrier)
		pthread_cond_wait(&vm->s2_cond, &vm->s2_lock);
	if (vm->nr_pending)
		rc = apply_pending_locked(vm);
	if (!rc)
		vm->running++;
	pthread_mutex_unlock(&vm->s2_lock);
	return rc;
}

void kvmb_vm_leave(struct kvmb_vm *vm)
{
	pthread_mutex_lock(&vm->s2_lock);
	if (--vm->running == 0)
		pthread_cond_broadcast(&vm->s2_cond);
	pthread_mutex_unlock(&vm->s2_lock);
}

/*
 * Get every vCPU of the VM out of KVM_RUN and keep it out (the barrier) until
 * vcpus_restart_locked(). The pokes repeat in case one raced a vCPU's way in.
 */
static void vcpus_stop_locked(struct kvmb_vm *vm)
{
	long max_vcpus = hal_capability(&vm->m->base, HAL_CAP_MAX_VCPUS);

	vm->barrier = true;
	while (vm->running) {
		struct timespec until;

		for (long i = 0; i < max_vcpus; i++)
			if (vm->vcpus[i])
				kvmb_vcpu_poke(vm->vcpus[i]);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 10 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&vm->s2_cond, &vm->s2_lock, &until);
	}
}

static void vcpus_restart_locked(struct kvmb_vm *vm)
{
	vm->barrier = false;
	pthread_cond_broadcast(&vm->s2_cond);
}

enum kvmb_ipa_class kvmb_vm_classify(struct kvmb_vm *vm, uint64_t ipa)
{
	enum kvmb_ipa_class c = KVMB_IPA_UNMAPPED;
	const struct s2m_run *r;

	pthread_mutex_lock(&vm->s2_lock);
	/* Changes are pending only while no vCPU is inside KVM_RUN (otherwise
	 * hal_vm_invalidate() applied them at once): applying them stops nobody. An error
	 * leaves the run without a memslot, which the caller reports. */
	if (vm->nr_pending)
		apply_pending_locked(vm);
	r = s2m_lookup(&vm->map, ipa);
	if (r) {
		switch (r->kind) {
		case S2M_RW: c = r->slot >= 0 ? KVMB_IPA_RAM_RW : KVMB_IPA_NO_SLOT; break;
		case S2M_RO: c = r->slot >= 0 ? KVMB_IPA_RAM_RO : KVMB_IPA_NO_SLOT; break;
		case S2M_NOACCESS: c = KVMB_IPA_NOACCESS; break;
		default: c = KVMB_IPA_FAULT; break;
		}
	}
	pthread_mutex_unlock(&vm->s2_lock);
	return c;
}

bool kvmb_vm_read_ipa(void *ctx, uint64_t ipa, uint64_t *val)
{
	struct kvmb_vm *vm = ctx;
	const struct s2m_run *r;
	bool ok = false;

	pthread_mutex_lock(&vm->s2_lock);
	r = s2m_lookup(&vm->map, ipa);
	if (r && (r->kind == S2M_RW || r->kind == S2M_RO) && ipa % 8 == 0) {
		uint64_t pa = r->pa + (ipa - r->ipa);

		memcpy(val, vm->m->hyp_view + (pa - vm->m->base.cfg.phys_base), sizeof(*val));
		ok = true;
	}
	pthread_mutex_unlock(&vm->s2_lock);
	return ok;
}

/* ---- VM --------------------------------------------------------------------------------------- */

static int set_attr(int fd, uint32_t group, uint64_t attr, const void *value)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)value,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static int forward_hypercalls(struct kvmb_vm *vm)
{
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		struct kvm_smccc_filter f = {
			.base = forwarded[i].first,
			.nr_functions = forwarded[i].last - forwarded[i].first + 1,
			.action = KVM_SMCCC_FILTER_FWD_TO_USER,
		};
		int rc = set_attr(vm->fd, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER, &f);

		if (rc)
			return hal_fail(&vm->m->base, rc, "kvm: KVM_ARM_VM_SMCCC_FILTER %#x..%#x "
					"FWD_TO_USER: %s", forwarded[i].first, forwarded[i].last,
					strerror(-rc));
	}
	return 0;
}

static int create_vgic(struct kvmb_vm *vm, const struct hal_vm_config *cfg)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = cfg->gicd_base, redist = cfg->gicr_base;
	uint32_t nr_irqs = cfg->nr_spis + 32;
	const char *step = "KVM_CREATE_DEVICE(vGICv3)";
	int rc = ioctl(vm->fd, KVM_CREATE_DEVICE, &dev) ? -errno : 0;

	if (!rc) {
		vm->gic_fd = (int)dev.fd;
		step = "distributor address";
		rc = set_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
			      &dist);
	}
	if (!rc) {
		step = "redistributor address";
		rc = set_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			      KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	}
	if (!rc) {
		step = "number of interrupts";
		rc = set_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	}
	if (rc)
		return hal_fail(&vm->m->base, rc, "kvm: VM %u: vGICv3 %s (GICD %#llx, GICR "
				"%#llx, %u SPIs): %s", cfg->vmid, step, (unsigned long long)dist,
				(unsigned long long)redist, cfg->nr_spis, strerror(-rc));
	return 0;
}

/* Everything a VM needs before its vCPUs: NISV exits, the SMCCC filter, the vGIC. */
static int setup_vm(struct kvmb_vm *vm, const struct hal_vm_config *cfg)
{
	struct kvm_enable_cap nisv = { .cap = KVM_CAP_ARM_NISV_TO_USER };
	unsigned long type = KVM_VM_TYPE_ARM_IPA_SIZE(cfg->ipa_bits);
	struct kvmb_machine *m = vm->m;
	int rc;

	if (cfg->protected_vm)
		type |= AVF_KVM_VM_TYPE_ARM_PROTECTED;
	vm->fd = ioctl(m->kvm_fd, KVM_CREATE_VM, type);
	if (vm->fd < 0)
		return hal_fail(&m->base, -errno, "kvm: KVM_CREATE_VM (%u-bit IPA%s): %s",
				cfg->ipa_bits, cfg->protected_vm ? ", protected" : "",
				strerror(errno));
	if (ioctl(vm->fd, KVM_ENABLE_CAP, &nisv))
		return hal_fail(&m->base, -errno, "kvm: KVM_CAP_ARM_NISV_TO_USER: %s",
				strerror(errno));
	rc = forward_hypercalls(vm);
	return rc ? rc : create_vgic(vm, cfg);
}

int kvmb_vm_create(struct hal_machine *hm, const struct hal_vm_config *cfg, struct hal_vm **out)
{
	struct kvmb_machine *m = to_m(hm);
	long max_vcpus = hal_capability(hm, HAL_CAP_MAX_VCPUS);
	struct kvmb_vm *vm;
	int rc;

	for (struct kvmb_vm *o = m->vms; o; o = o->next)
		if (o->base.cfg.vmid == cfg->vmid)
			return hal_fail(hm, -EEXIST, "kvm: VM id %u in use", cfg->vmid);
	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->m = m;
	vm->fd = vm->gic_fd = -1;
	vm->base.cfg = *cfg;	/* for messages before hal.c sets it */
	pthread_mutex_init(&vm->s2_lock, NULL);
	pthread_cond_init(&vm->s2_cond, NULL);
	s2m_init(&vm->map);
	vm->vcpus = calloc((size_t)max_vcpus, sizeof(*vm->vcpus));
	vm->slot_used = calloc((size_t)m->nr_memslots, 1);
	rc = vm->vcpus && vm->slot_used ? setup_vm(vm, cfg) : -ENOMEM;
	vm->next = m->vms;	/* linked even on failure, so that destroy unlinks it */
	m->vms = vm;
	if (rc) {
		kvmb_vm_destroy(&vm->base);
		return rc;
	}
	*out = &vm->base;
	return 0;
}

void kvmb_vm_destroy(struct hal_vm *hvm)
{
	struct kvmb_vm *vm = to_vm(hvm), **link;
	struct s2m_env env = env_of(vm);
	long max_vcpus = hal_capability(&vm->m->base, HAL_CAP_MAX_VCPUS);

	for (long i = 0; vm->vcpus && i < max_vcpus; i++)
		if (vm->vcpus[i])
			kvmb_vcpu_free(vm->vcpus[i]);
	env.slot_remove = env_slot_forget;
	s2m_clear(&vm->map, &env);
	if (vm->gic_fd >= 0)
		close(vm->gic_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	for (link = &vm->m->vms; *link; link = &(*link)->next) {
		if (*link == vm) {
			*link = vm->next;
			break;
		}
	}
	pthread_cond_destroy(&vm->s2_cond);
	pthread_mutex_destroy(&vm->s2_lock);
	free(vm->slot_used);
	free(vm->vcpus);
	free(vm);
}

int kvmb_vm_set_stage2(struct hal_vm *hvm, uint64_t root_pa, uint64_t vtcr)
{
	struct kvmb_vm *vm = to_vm(hvm);
	const struct hal_machine_config *mc = &vm->m->base.cfg;
	struct s2m_env env = env_of(vm);
	struct s2m_geom g;
	const char *why = "";
	uint64_t root_bytes;
	int rc = s2m_parse_vtcr(vtcr, root_pa, &g, &why);

	if (rc)
		return hal_fail(&vm->m->base, rc, "kvm: VTCR %#llx: %s", (unsigned long long)vtcr,
				why);
	if (g.ipa_bits > hvm->cfg.ipa_bits)
		return hal_fail(&vm->m->base, -EINVAL, "kvm: VTCR's %u-bit IPA space exceeds the "
				"VM's %u bits", g.ipa_bits, hvm->cfg.ipa_bits);
	root_bytes = g.root_entries * 8ull < HAL_PAGE_SIZE ? HAL_PAGE_SIZE : g.root_entries * 8ull;
	if (root_pa + root_bytes > mc->phys_base + mc->phys_size)
		return hal_fail(&vm->m->base, -EINVAL, "kvm: stage-2 root tables [%#llx, +%#llx) "
				"leave physical memory", (unsigned long long)root_pa,
				(unsigned long long)root_bytes);
	pthread_mutex_lock(&vm->s2_lock);
	vcpus_stop_locked(vm);
	vm->nr_pending = 0;	/* the new root is read entirely */
	rc = s2m_set_root(&vm->map, &env, &g);
	vcpus_restart_locked(vm);
	pthread_mutex_unlock(&vm->s2_lock);
	return rc;
}

int kvmb_vm_invalidate(struct hal_vm *hvm, uint64_t ipa, uint64_t size)
{
	struct kvmb_vm *vm = to_vm(hvm);
	int rc = 0;

	pthread_mutex_lock(&vm->s2_lock);
	if (size == 0 || ipa >= IPA_SPACE_END)
		pending_add_locked(vm, 0, IPA_SPACE_END);
	else
		pending_add_locked(vm, ipa, ipa + size < IPA_SPACE_END ? ipa + size : IPA_SPACE_END);
	if (vm->running) {
		vcpus_stop_locked(vm);
		rc = apply_pending_locked(vm);
		vcpus_restart_locked(vm);
	}
	pthread_mutex_unlock(&vm->s2_lock);
	return rc;
}

/*
 * KVM checks that the redistributors (128 KiB per vCPU) do not run into the distributor
 * only at the first KVM_RUN, which then fails with a bare EINVAL: say it here instead.
 */
static int check_gic_frames(struct kvmb_vm *vm)
{
	const struct hal_vm_config *cfg = &vm->base.cfg;
	long max_vcpus = hal_capability(&vm->m->base, HAL_CAP_MAX_VCPUS);
	uint64_t nr = 0, gicr_end;

	for (long i = 0; i < max_vcpus; i++)
		nr += vm->vcpus[i] != NULL;
	gicr_end = cfg->gicr_base + nr * 0x20000;
	if (cfg->gicr_base < cfg->gicd_base + 0x10000 && cfg->gicd_base < gicr_end)
		return hal_fail(&vm->m->base, -EINVAL, "kvm: VM %u: the redistributors of %llu "
				"vCPUs [%#llx, %#llx) overlap the distributor at %#llx",
				cfg->vmid, (unsigned long long)nr,
				(unsigned long long)cfg->gicr_base, (unsigned long long)gicr_end,
				(unsigned long long)cfg->gicd_base);
	return 0;
}

int kvmb_vm_finalize(struct hal_vm *hvm)
{
	struct kvmb_vm *vm = to_vm(hvm);
	int rc = check_gic_frames(vm);

	if (rc)
		return rc;
	rc = set_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);

	if (rc)
		return hal_fail(&vm->m->base, rc, "kvm: VM %u: vGICv3 init: %s (overlapping "
				"GICD/GICR frames?)", hvm->cfg.vmid, strerror(-rc));
	vm->finalized = true;
	return 0;
}

int kvmb_vm_set_irq(struct hal_vm *hvm, unsigned intid, bool level)
{
	struct kvmb_vm *vm = to_vm(hvm);
	struct kvm_irq_level irq = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | intid,
		.level = level,
	};

	if (ioctl(vm->fd, KVM_IRQ_LINE, &irq))
		return hal_fail(&vm->m->base, -errno, "kvm: VM %u: KVM_IRQ_LINE SPI %u = %d: %s",
				hvm->cfg.vmid, intid, level, strerror(errno));
	return 0;
}
