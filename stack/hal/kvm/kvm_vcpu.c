// SPDX-License-Identifier: MIT
/*
 * The kvm backend's vCPUs: KVM_ARM_VCPU_INIT with in-kernel PSCI, registers through
 * KVM_{GET,SET}_ONE_REG, KVM_RUN and the translation of its exits into hal_exit, and the
 * kick.
 *
 * Exits. KVM_EXIT_MMIO at an IPA the hyp's stage 2 leaves unmapped is HAL_EXIT_MMIO;
 * anywhere else it is what a real stage 2 would have raised: a write to read-only RAM or
 * any access to a no-read or AF=0 mapping is HAL_EXIT_S2_ABORT (KVM reports writes to a
 * KVM_MEM_READONLY memslot as MMIO). KVM_EXIT_ARM_NISV (no valid syndrome: pair, SIMD,
 * writeback) is HAL_EXIT_S2_ABORT. For either, the MMIO that KVM would otherwise complete
 * on the next KVM_RUN is cancelled (run->exit_reason reset), so the instruction runs
 * again, or takes the abort hal_vcpu_inject_abort() asks for.
 *
 * Kick. The kicker sets `kicked` and run->immediate_exit (KVM_RUN returns -EINTR at once
 * if it has not started), then signals the thread inside KVM_RUN, if any, which makes
 * KVM_RUN return -EINTR (api.rst, "immediate_exit"). The signal's handler does nothing;
 * it exists so that the signal interrupts instead of killing or being ignored.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stack/hal/kvm/kvm_guest_insn.h"
#include "stack/hal/kvm/kvm_internal.h"

#define KICK_SIGNAL		(SIGRTMIN + 2)
/* Consecutive exits at RAM (whose mapping changed after the exit) before it is a bug. */
#define MAX_TRANSIENT_EXITS	1000

#define ESR_EC_DABT_LOW		(0x24u << 26)
#define ESR_IL			(1u << 25)
#define ESR_ISV			(1u << 24)
#define ESR_WNR			(1u << 6)
#define DFSC_ACCESS_L3		0x0bu
#define DFSC_PERMISSION_L3	0x0fu
#define PSTATE_BTYPE		(3ull << 10)

enum run_step { STEP_DONE, STEP_AGAIN };

static uint64_t core_id(size_t offset, uint64_t size)
{
	return KVM_REG_ARM64 | size | KVM_REG_ARM_CORE | (offset / sizeof(uint32_t));
}

#define CORE_REG(field, size) core_id(offsetof(struct kvm_regs, field), size)

/* The ONE_REG id and width of a HAL register id, or -ENOENT. */
static int kvm_reg_id(uint32_t id, uint64_t *kid, bool *is32)
{
	*is32 = false;
	if (id <= 30) {
		*kid = core_id(offsetof(struct kvm_regs, regs.regs) + id * sizeof(uint64_t),
			       KVM_REG_SIZE_U64);
		return 0;
	}
	switch (id) {
	case HAL_REG_SP_EL0: *kid = CORE_REG(regs.sp, KVM_REG_SIZE_U64); return 0;
	case HAL_REG_PC: *kid = CORE_REG(regs.pc, KVM_REG_SIZE_U64); return 0;
	case HAL_REG_PSTATE: *kid = CORE_REG(regs.pstate, KVM_REG_SIZE_U64); return 0;
	case HAL_REG_SP_EL1: *kid = CORE_REG(sp_el1, KVM_REG_SIZE_U64); return 0;
	/* ELR_EL1 and SPSR_EL1 live among KVM's core registers, not its system ones. */
	case HAL_REG_ELR_EL1: *kid = CORE_REG(elr_el1, KVM_REG_SIZE_U64); return 0;
	case HAL_REG_SPSR_EL1: *kid = CORE_REG(spsr[KVM_SPSR_EL1], KVM_REG_SIZE_U64); return 0;
	case HAL_REG_FPSR: *is32 = true; *kid = CORE_REG(fp_regs.fpsr, KVM_REG_SIZE_U32); return 0;
	case HAL_REG_FPCR: *is32 = true; *kid = CORE_REG(fp_regs.fpcr, KVM_REG_SIZE_U32); return 0;
	}
	/* HAL_REG_SYS and KVM_REG_ARM64_SYSREG share the MRS encoding op0:op1:CRn:CRm:op2. */
	if ((id & ~0xffffu) == 0x10000u) {
		*kid = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | (id & 0xffffu);
		return 0;
	}
	return -ENOENT;
}

static int one_reg(struct kvmb_vcpu *v, unsigned long req, uint64_t kid, void *buf)
{
	struct kvm_one_reg r = { .id = kid, .addr = (uint64_t)(uintptr_t)buf };

	return ioctl(v->fd, req, &r) ? -errno : 0;
}

static int core_get(struct kvmb_vcpu *v, unsigned n, uint64_t *val)
{
	uint64_t kid;
	bool is32;

	kvm_reg_id(n, &kid, &is32);
	return one_reg(v, KVM_GET_ONE_REG, kid, val);
}

static int core_set(struct kvmb_vcpu *v, unsigned n, uint64_t val)
{
	uint64_t kid;
	bool is32;

	kvm_reg_id(n, &kid, &is32);
	return one_reg(v, KVM_SET_ONE_REG, kid, &val);
}

int kvmb_vcpu_get_reg(struct hal_vcpu *hv, uint32_t id, uint64_t *val)
{
	struct kvmb_vcpu *v = to_v(hv);
	uint64_t kid, v64 = 0;
	uint32_t v32 = 0;
	bool is32;
	int rc = kvm_reg_id(id, &kid, &is32);

	if (!rc)
		rc = one_reg(v, KVM_GET_ONE_REG, kid, is32 ? (void *)&v32 : (void *)&v64);
	if (rc)
		return hal_fail(hv->vm->m, rc, "kvm: vcpu %u: get register %#x: %s", hv->index, id,
				strerror(-rc));
	*val = is32 ? v32 : v64;
	return 0;
}

int kvmb_vcpu_set_reg(struct hal_vcpu *hv, uint32_t id, uint64_t val)
{
	struct kvmb_vcpu *v = to_v(hv);
	uint32_t v32 = (uint32_t)val;
	uint64_t kid;
	bool is32;
	int rc = kvm_reg_id(id, &kid, &is32);

	if (!rc)
		rc = one_reg(v, KVM_SET_ONE_REG, kid, is32 ? (void *)&v32 : (void *)&val);
	if (rc)
		return hal_fail(hv->vm->m, rc, "kvm: vcpu %u: set register %#x: %s", hv->index, id,
				strerror(-rc));
	return 0;
}

/* Vn as KVM's 128-bit core register: on this little-endian host, low half first. */
static uint64_t vreg_id(unsigned n)
{
	return core_id(offsetof(struct kvm_regs, fp_regs.vregs) + n * 16, KVM_REG_SIZE_U128);
}

int kvmb_vcpu_get_vreg(struct hal_vcpu *hv, unsigned n, uint64_t out[2])
{
	int rc = one_reg(to_v(hv), KVM_GET_ONE_REG, vreg_id(n), out);

	return rc ? hal_fail(hv->vm->m, rc, "kvm: vcpu %u: get V%u: %s", hv->index, n,
			     strerror(-rc)) : 0;
}

int kvmb_vcpu_set_vreg(struct hal_vcpu *hv, unsigned n, const uint64_t in[2])
{
	uint64_t buf[2] = { in[0], in[1] };
	int rc = one_reg(to_v(hv), KVM_SET_ONE_REG, vreg_id(n), buf);

	return rc ? hal_fail(hv->vm->m, rc, "kvm: vcpu %u: set V%u: %s", hv->index, n,
			     strerror(-rc)) : 0;
}

/* ---- creation ------------------------------------------------------------------------------ */

static void kick_handler(int sig)
{
	/* Nothing: being delivered is what makes KVM_RUN return -EINTR. */
}

static pthread_once_t kick_once = PTHREAD_ONCE_INIT;

static void install_kick_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);
}

static int init_vcpu(struct kvmb_vcpu *v, bool powered_on)
{
	struct kvmb_vm *vm = v->vm;
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init))
		return hal_fail(&vm->m->base, -errno, "kvm: KVM_ARM_PREFERRED_TARGET: %s",
				strerror(errno));
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (!powered_on)
		init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;	/* waits for CPU_ON */
	if (ioctl(v->fd, KVM_ARM_VCPU_INIT, &init))
		return hal_fail(&vm->m->base, -errno, "kvm: vcpu %u: KVM_ARM_VCPU_INIT (target "
				"%u, PSCI 0.2): %s", v->base.index, init.target, strerror(errno));
	return 0;
}

void kvmb_vcpu_free(struct kvmb_vcpu *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, (size_t)v->vm->m->run_size);
	if (v->fd >= 0)
		close(v->fd);
	pthread_mutex_destroy(&v->kick_lock);
	v->vm->vcpus[v->base.index] = NULL;
	v->vm->m->vcpus_in_use--;
	free(v);
}

int kvmb_vcpu_create(struct hal_vm *hvm, unsigned index, bool powered_on, struct hal_vcpu **out)
{
	struct kvmb_vm *vm = to_vm(hvm);
	struct kvmb_machine *m = vm->m;
	struct kvmb_vcpu *v;
	int rc;

	if (vm->vcpus[index])
		return hal_fail(&m->base, -EEXIST, "kvm: vcpu %u exists", index);
	if (vm->finalized)
		return hal_fail(&m->base, -EINVAL, "kvm: vcpu %u: create vCPUs before "
				"hal_vm_finalize() (the vGIC is initialised there)", index);
	if (m->base.cfg.max_vcpus && m->vcpus_in_use >= m->base.cfg.max_vcpus)
		return hal_fail(&m->base, -EINVAL, "kvm: the machine's %u vCPUs are in use",
				m->base.cfg.max_vcpus);
	pthread_once(&kick_once, install_kick_handler);
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vm = vm;
	v->base.index = index;	/* for messages and free; hal.c sets it again */
	pthread_mutex_init(&v->kick_lock, NULL);
	vm->vcpus[index] = v;
	m->vcpus_in_use++;
	v->fd = ioctl(vm->fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (v->fd < 0) {
		rc = hal_fail(&m->base, -errno, "kvm: KVM_CREATE_VCPU %u: %s", index,
			      strerror(errno));
		goto fail;
	}
	v->run = mmap(NULL, (size_t)m->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		rc = hal_fail(&m->base, -errno, "kvm: vcpu %u: mmap kvm_run: %s", index,
			      strerror(errno));
		goto fail;
	}
	rc = init_vcpu(v, powered_on);
	if (rc)
		goto fail;
	*out = &v->base;
	return 0;
fail:
	kvmb_vcpu_free(v);
	return rc;
}

/* ---- exits ------------------------------------------------------------------------------------- */

static enum run_step internal_error(struct kvmb_vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static enum run_step internal_error(struct kvmb_vcpu *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
	v->base.exit.kind = HAL_EXIT_INTERNAL_ERROR;
	v->base.exit.internal.reason = v->reason;
	return STEP_DONE;
}

/* The instruction KVM stopped on will run again (or take an injected abort). */
static void cancel_mmio(struct kvmb_vcpu *v)
{
	v->run->exit_reason = KVM_EXIT_UNKNOWN;
}

static enum run_step s2_abort(struct kvmb_vcpu *v, uint64_t ipa, bool write, bool perm,
			      uint32_t esr)
{
	struct hal_exit *x = &v->base.exit;

	cancel_mmio(v);
	x->kind = HAL_EXIT_S2_ABORT;
	x->s2.ipa = ipa;
	x->s2.va = 0;		/* FAR_EL2 is not reported by KVM */
	x->s2.esr = esr;
	x->s2.is_write = write;
	x->s2.is_fetch = false;
	x->s2.is_permission = perm;
	return STEP_DONE;
}

static enum run_step on_mmio(struct kvmb_vcpu *v, unsigned *transient)
{
	struct hal_exit *x = &v->base.exit;
	uint64_t ipa = v->run->mmio.phys_addr;
	uint32_t len = v->run->mmio.len;
	bool write = v->run->mmio.is_write;
	/* A syndrome was valid (it is an MMIO exit): ISV, SAS, WnR; SRT/SSE/SF unknown. */
	uint32_t esr = ESR_EC_DABT_LOW | ESR_IL | ESR_ISV | (uint32_t)(__builtin_ctz(len) << 22) |
		       (write ? ESR_WNR : 0);

	switch (kvmb_vm_classify(v->vm, ipa)) {
	case KVMB_IPA_UNMAPPED:
		break;
	case KVMB_IPA_RAM_RO:
		if (write)
			return s2_abort(v, ipa, true, true, esr | DFSC_PERMISSION_L3);
		__attribute__((fallthrough));
	case KVMB_IPA_RAM_RW:
		/* The IPA was unmapped when the guest touched it, and has been mapped since
		 * (hal_vm_invalidate() from another thread): the access runs again. */
		cancel_mmio(v);
		return ++*transient > MAX_TRANSIENT_EXITS ?
		       internal_error(v, "kvm: MMIO exits at RAM IPA %#llx keep coming",
				      (unsigned long long)ipa) : STEP_AGAIN;
	case KVMB_IPA_NOACCESS:
		return s2_abort(v, ipa, write, true, esr | DFSC_PERMISSION_L3);
	case KVMB_IPA_FAULT:
		return s2_abort(v, ipa, write, false, esr | DFSC_ACCESS_L3);
	case KVMB_IPA_NO_SLOT:
		return internal_error(v, "kvm: RAM at IPA %#llx has no memslot: %s",
				      (unsigned long long)ipa, hal_error(&v->vm->m->base));
	}
	x->kind = HAL_EXIT_MMIO;
	x->mmio.ipa = ipa;
	x->mmio.size = (uint8_t)len;
	x->mmio.is_write = write;
	x->mmio.reg = 0;	/* KVM does not report the register */
	x->mmio.data = 0;
	if (write)
		memcpy(&x->mmio.data, v->run->mmio.data, len);	/* little-endian host */
	return STEP_DONE;
}

/* A data abort KVM could not decode (no valid syndrome): never MMIO. */
static enum run_step on_nisv(struct kvmb_vcpu *v, unsigned *transient)
{
	uint64_t ipa = v->run->arm_nisv.fault_ipa;
	uint32_t esr = ESR_EC_DABT_LOW | ESR_IL | (uint32_t)v->run->arm_nisv.esr_iss;
	bool write = esr & ESR_WNR;

	switch (kvmb_vm_classify(v->vm, ipa)) {
	case KVMB_IPA_RAM_RO:
		if (write)
			return s2_abort(v, ipa, true, true, esr);
		__attribute__((fallthrough));
	case KVMB_IPA_RAM_RW:
		return ++*transient > MAX_TRANSIENT_EXITS ?
		       internal_error(v, "kvm: NISV exits at RAM IPA %#llx keep coming",
				      (unsigned long long)ipa) : STEP_AGAIN;
	case KVMB_IPA_NOACCESS:
		return s2_abort(v, ipa, write, true, esr);
	case KVMB_IPA_NO_SLOT:
		return internal_error(v, "kvm: RAM at IPA %#llx has no memslot: %s",
				      (unsigned long long)ipa, hal_error(&v->vm->m->base));
	case KVMB_IPA_UNMAPPED:
	case KVMB_IPA_FAULT:
		break;
	}
	return s2_abort(v, ipa, write, false, esr);
}

static int on_hypercall(struct kvmb_vcpu *v)
{
	struct hal_exit *x = &v->base.exit;

	x->kind = HAL_EXIT_HYPERCALL;
	x->hypercall.conduit = kvm_hypercall_flags(v->run) & KVM_HYPERCALL_EXIT_SMC ?
			       HAL_CONDUIT_SMC : HAL_CONDUIT_HVC;
	x->hypercall.imm = 0;	/* KVM does not report the immediate */
	x->hypercall.func_id = (uint32_t)v->run->hypercall.nr;
	for (unsigned i = 0; i < 7; i++) {
		int rc = core_get(v, i, &x->hypercall.args[i]);

		if (rc)
			return hal_fail(&v->vm->m->base, rc, "kvm: vcpu %u: read x%u of a "
					"hypercall: %s", v->base.index, i, strerror(-rc));
	}
	/* Unanswered calls return NOT_SUPPORTED and leave x1..x3 alone. */
	x->hypercall.ret[0] = (uint64_t)-1;
	for (unsigned i = 1; i < 4; i++)
		x->hypercall.ret[i] = x->hypercall.args[i];
	return 0;
}

static enum run_step on_system_event(struct kvmb_vcpu *v)
{
	struct hal_exit *x = &v->base.exit;

	switch (v->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN: x->system_event.type = HAL_SYSTEM_OFF; break;
	case KVM_SYSTEM_EVENT_RESET: x->system_event.type = HAL_SYSTEM_RESET; break;
	case KVM_SYSTEM_EVENT_CRASH: x->system_event.type = HAL_SYSTEM_CRASH; break;
	default:
		return internal_error(v, "kvm: unexpected system event %u",
				      v->run->system_event.type);
	}
	x->kind = HAL_EXIT_SYSTEM_EVENT;
	x->system_event.vcpu = v->base.index;
	return STEP_DONE;
}

/* Turn the exit of a successful KVM_RUN into a hal_exit, or ask for another run. */
static int translate_exit(struct kvmb_vcpu *v, unsigned *transient, enum run_step *step)
{
	struct kvm_run *run = v->run;

	*step = STEP_DONE;
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		*step = on_mmio(v, transient);
		return 0;
	case KVM_EXIT_ARM_NISV:
		*step = on_nisv(v, transient);
		return 0;
	case KVM_EXIT_HYPERCALL:
		return on_hypercall(v);
	case KVM_EXIT_SYSTEM_EVENT:
		*step = on_system_event(v);
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		internal_error(v, "kvm: KVM_EXIT_FAIL_ENTRY (reason %#llx)",
			       (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return 0;
	case KVM_EXIT_INTERNAL_ERROR:
		internal_error(v, "kvm: KVM_EXIT_INTERNAL_ERROR (suberror %u)",
			       run->internal.suberror);
		return 0;
	}
	internal_error(v, "kvm: unexpected exit reason %u", run->exit_reason);
	return 0;
}

/* ---- MMIO loads that sign-extend (see kvm_guest_insn.h for why) ----------------------------- */

static int reg_get(struct kvmb_vcpu *v, uint32_t id, uint64_t *val)
{
	uint64_t kid;
	bool is32;

	kvm_reg_id(id, &kid, &is32);
	return one_reg(v, KVM_GET_ONE_REG, kid, val);
}

/* Is the instruction the vCPU stopped on a load that sign-extends? */
static bool sext_load_at_pc(struct kvmb_vcpu *v, struct gi_sext_load *load)
{
	struct gi_regs r = { 0 };
	uint64_t pc, ipa, word;

	if (reg_get(v, HAL_REG_PC, &pc) || reg_get(v, HAL_REG_SCTLR_EL1, &r.sctlr))
		return false;
	if ((r.sctlr & 1) && (reg_get(v, HAL_REG_TCR_EL1, &r.tcr) ||
			      reg_get(v, HAL_REG_TTBR0_EL1, &r.ttbr0) ||
			      reg_get(v, HAL_REG_TTBR1_EL1, &r.ttbr1)))
		return false;
	if (!gi_va_to_ipa(&r, pc, kvmb_vm_read_ipa, v->vm, &ipa) ||
	    !kvmb_vm_read_ipa(v->vm, ipa & ~7ull, &word))
		return false;
	return gi_decode_sext_load((uint32_t)(word >> (ipa & 4) * 8), load);
}

/* Do what the load does: the register, the PC past it, PSTATE.BTYPE cleared. */
static int complete_sext_load(struct kvmb_vcpu *v, const struct gi_sext_load *load,
			      uint64_t data)
{
	uint64_t pc, pstate;
	int rc = 0;

	cancel_mmio(v);
	if (load->rt != 31)
		rc = core_set(v, load->rt, gi_sign_extend(data, load->bytes, load->to64));
	if (!rc)
		rc = reg_get(v, HAL_REG_PC, &pc);
	if (!rc)
		rc = core_set(v, HAL_REG_PC, pc + 4);
	if (!rc)
		rc = reg_get(v, HAL_REG_PSTATE, &pstate);
	if (!rc && (pstate & PSTATE_BTYPE))
		rc = core_set(v, HAL_REG_PSTATE, pstate & ~PSTATE_BTYPE);
	return rc;
}

/*
 * Give the guest the data of an MMIO load. KVM completes it on the next KVM_RUN, right
 * for every load but those that sign-extend, which the backend completes itself.
 */
static int complete_mmio_load(struct kvmb_vcpu *v, const struct hal_exit *x)
{
	struct gi_sext_load load;
	int rc;

	if (v->run->exit_reason != KVM_EXIT_MMIO)
		return 0;
	if (x->mmio.size < 8 && sext_load_at_pc(v, &load) && load.bytes == x->mmio.size) {
		rc = complete_sext_load(v, &load, x->mmio.data);
		return rc ? hal_fail(&v->vm->m->base, rc, "kvm: vcpu %u: complete a "
				     "sign-extending MMIO load: %s", v->base.index,
				     strerror(-rc)) : 0;
	}
	memcpy(v->run->mmio.data, &x->mmio.data, x->mmio.size);	/* little-endian host */
	return 0;
}

/* ---- run and kick ------------------------------------------------------------------------------ */

/* Apply the caller's reply to the previous exit. */
static int complete_previous(struct kvmb_vcpu *v)
{
	struct hal_exit *x = &v->base.exit;
	int rc = 0;

	switch (x->kind) {
	case HAL_EXIT_MMIO:
		if (!x->mmio.is_write)
			rc = complete_mmio_load(v, x);
		break;
	case HAL_EXIT_HYPERCALL:
		for (unsigned i = 0; i < 4 && !rc; i++)
			rc = core_set(v, i, x->hypercall.ret[i]);
		if (rc)
			rc = hal_fail(&v->vm->m->base, rc, "kvm: vcpu %u: hypercall results: %s",
				      v->base.index, strerror(-rc));
		break;
	default:
		break;
	}
	x->kind = HAL_EXIT_NONE;
	return rc;
}

/* One KVM_RUN; 0, -EINTR (signal or immediate_exit) or another -errno. */
static int enter_guest(struct kvmb_vcpu *v)
{
	int rc;

	pthread_mutex_lock(&v->kick_lock);
	v->thread = pthread_self();
	v->in_run = true;
	pthread_mutex_unlock(&v->kick_lock);
	if (__atomic_load_n(&v->kicked, __ATOMIC_ACQUIRE))
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
	rc = ioctl(v->fd, KVM_RUN, 0) ? -errno : 0;
	pthread_mutex_lock(&v->kick_lock);
	v->in_run = false;
	pthread_mutex_unlock(&v->kick_lock);
	return rc;
}

/* KVM_RUN until something needs the caller: 0 (exit filled in) or -errno. */
static int run_to_exit(struct kvmb_vcpu *v)
{
	unsigned transient = 0;

	for (;;) {
		enum run_step step;
		int rc = kvmb_vm_enter(v->vm);

		if (rc) {
			char cause[sizeof(v->vm->m->base.error)];

			snprintf(cause, sizeof(cause), "%s", hal_error(&v->vm->m->base));
			return hal_fail(&v->vm->m->base, rc, "kvm: vcpu %u: stage 2 -> memslots: "
					"%s", v->base.index, cause);
		}
		rc = enter_guest(v);
		kvmb_vm_leave(v->vm);
		if (rc == -EINTR) {
			__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_RELEASE);
			if (__atomic_exchange_n(&v->kicked, 0, __ATOMIC_ACQ_REL)) {
				v->base.exit.kind = HAL_EXIT_KICKED;
				return 0;
			}
			continue;	/* a poke (memslots changed) or another signal: run on */
		}
		if (rc == -ENOEXEC || rc == -ENOSYS || rc == -EINVAL || rc == -EFAULT) {
			/* The guest or its configuration: this vCPU cannot go on. */
			internal_error(v, "kvm: KVM_RUN: %s", strerror(-rc));
			return 0;
		}
		if (rc)
			return hal_fail(&v->vm->m->base, rc, "kvm: vcpu %u: KVM_RUN: %s",
					v->base.index, strerror(-rc));
		rc = translate_exit(v, &transient, &step);
		if (rc || step == STEP_DONE)
			return rc;
	}
}

int kvmb_vcpu_run(struct hal_vcpu *hv)
{
	int rc = complete_previous(to_v(hv));

	return rc ? rc : run_to_exit(to_v(hv));
}

void kvmb_vcpu_poke(struct kvmb_vcpu *v)
{
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&v->kick_lock);
	if (v->in_run)
		pthread_kill(v->thread, KICK_SIGNAL);
	pthread_mutex_unlock(&v->kick_lock);
}

void kvmb_vcpu_kick(struct hal_vcpu *hv)
{
	struct kvmb_vcpu *v = to_v(hv);

	__atomic_store_n(&v->kicked, 1, __ATOMIC_RELEASE);
	kvmb_vcpu_poke(v);
}

int kvmb_vcpu_set_budget(struct hal_vcpu *hv, uint64_t insns)
{
	if (insns == 0)
		return 0;	/* "no limit" is what KVM always does */
	return hal_fail(hv->vm->m, -ENOSYS, "kvm: no instruction budget (HAL_CAP_BUDGET)");
}

/*
 * An external data abort instead of the access (KVM_SET_VCPU_EVENTS ext_dabt_pending,
 * which KVM delivers at once, with FAR from the faulting access). The pending MMIO is
 * cancelled: completing it would step past the instruction the abort is for.
 */
int kvmb_vcpu_inject_abort(struct hal_vcpu *hv)
{
	struct kvmb_vcpu *v = to_v(hv);
	struct kvm_vcpu_events events;

	memset(&events, 0, sizeof(events));
	events.exception.ext_dabt_pending = 1;
	cancel_mmio(v);
	if (ioctl(v->fd, KVM_SET_VCPU_EVENTS, &events))
		return hal_fail(hv->vm->m, -errno, "kvm: vcpu %u: inject data abort: %s",
				hv->index, strerror(errno));
	hv->exit.kind = HAL_EXIT_NONE;
	return 0;
}

bool kvmb_vcpu_powered(struct hal_vcpu *hv)
{
	struct kvm_mp_state mp = { 0 };

	if (ioctl(to_v(hv)->fd, KVM_GET_MP_STATE, &mp))
		return false;
	return mp.mp_state != KVM_MP_STATE_STOPPED;
}
