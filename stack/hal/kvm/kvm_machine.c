// SPDX-License-Identifier: MIT
/*
 * The kvm backend's machine: real Linux KVM on aarch64 (docs/HAL.md, "What each backend
 * provides").
 *
 * Creation refuses a kernel that lacks what the backend needs, naming the missing piece
 * and the Linux release that brought it. Physical memory is one memfd, mapped three
 * times: memslots point into the guest view, hal_phys_ptr() into the hyp view, and the
 * host's copies go through the host view, whose revoked pages are both marked in a
 * bitmap (checked first, so a host access to them fails with -EFAULT, never SIGSEGV) and
 * mprotect(PROT_NONE)ed (so even a stray pointer into that view faults).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "stack/hal/kvm/kvm_internal.h"

/* Capabilities the backend cannot work without, and the release that added them. */
static const struct {
	long cap;
	const char *name, *since;
} required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", "2.6.27" },
	{ KVM_CAP_ONE_REG, "KVM_CAP_ONE_REG", "3.8" },
	{ KVM_CAP_DEVICE_CTRL, "KVM_CAP_DEVICE_CTRL", "3.10" },
	{ KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE", "4.0 (arm64)" },
	{ KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM", "4.0 (arm64)" },
	{ KVM_CAP_ARM_PSCI_0_2, "KVM_CAP_ARM_PSCI_0_2", "3.16" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", "4.11" },
	{ KVM_CAP_ARM_VM_IPA_SIZE, "KVM_CAP_ARM_VM_IPA_SIZE", "4.20" },
	{ KVM_CAP_ARM_NISV_TO_USER, "KVM_CAP_ARM_NISV_TO_USER", "5.5" },
	{ KVM_CAP_ARM_INJECT_EXT_DABT, "KVM_CAP_ARM_INJECT_EXT_DABT", "5.5" },
};

static int create_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int create_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int open_kvm(char *err, size_t errlen)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), api;

	if (fd < 0)
		return create_fail(err, errlen, -ENODEV, "kvm: open /dev/kvm: %s", strerror(errno));
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		close(fd);
		return create_fail(err, errlen, -EOPNOTSUPP, "kvm: KVM API version %d, want %d",
				   api, KVM_API_VERSION);
	}
	return fd;
}

static int check_caps(struct kvmb_machine *m, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++)
		if (ioctl(m->kvm_fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0)
			return create_fail(err, errlen, -EOPNOTSUPP,
					   "kvm: %s: not supported by this kernel (needs Linux %s)",
					   required_caps[i].name, required_caps[i].since);
	m->max_vcpus = ioctl(m->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	m->max_ipa_bits = ioctl(m->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	m->nr_memslots = ioctl(m->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	m->run_size = ioctl(m->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (m->max_vcpus < 1 || m->max_ipa_bits < 32 || m->nr_memslots < 1 ||
	    m->run_size < (long)sizeof(struct kvm_run))
		return create_fail(err, errlen, -EOPNOTSUPP, "kvm: implausible limits: %ld vCPUs, "
				   "%ld IPA bits, %ld memslots, kvm_run %ld bytes", m->max_vcpus,
				   m->max_ipa_bits, m->nr_memslots, m->run_size);
	if (m->max_ipa_bits > 48)
		m->max_ipa_bits = 48;	/* the 4 KiB-granule stage 2 the hyp writes */
	return 0;
}

/*
 * What only a VM can tell: the SMCCC filter has no KVM_CAP (a VM answers
 * KVM_HAS_DEVICE_ATTR for it), and a vGICv3 needs a GICv3 on the host. And whether the
 * kernel creates protected VMs (Android's machine-type bit; upstream refuses it).
 */
static int probe_vm(struct kvmb_machine *m, char *err, size_t errlen)
{
	struct kvm_device_attr filter = {
		.group = KVM_ARM_VM_SMCCC_CTRL, .attr = KVM_ARM_VM_SMCCC_FILTER,
	};
	struct kvm_create_device gic = {
		.type = KVM_DEV_TYPE_ARM_VGIC_V3, .flags = KVM_CREATE_DEVICE_TEST,
	};
	int vm = ioctl(m->kvm_fd, KVM_CREATE_VM, 0), rc = 0;

	if (vm < 0)
		return create_fail(err, errlen, -errno, "kvm: KVM_CREATE_VM: %s", strerror(errno));
	if (ioctl(vm, KVM_HAS_DEVICE_ATTR, &filter))
		rc = create_fail(err, errlen, -EOPNOTSUPP, "kvm: KVM_ARM_VM_SMCCC_FILTER: not "
				 "supported by this kernel (needs Linux 6.4): guest hypercalls "
				 "could not reach the hyp");
	else if (ioctl(vm, KVM_CREATE_DEVICE, &gic))
		rc = create_fail(err, errlen, -EOPNOTSUPP, "kvm: KVM_DEV_TYPE_ARM_VGIC_V3: %s "
				 "(the host has no GICv3 KVM can virtualise)", strerror(errno));
	close(vm);
	if (rc)
		return rc;
	vm = ioctl(m->kvm_fd, KVM_CREATE_VM, AVF_KVM_VM_TYPE_ARM_PROTECTED);
	m->protected_vms = vm >= 0;
	if (vm >= 0)
		close(vm);
	return 0;
}

static int map_memory(struct kvmb_machine *m, const struct hal_machine_config *cfg, char *err,
		      size_t errlen)
{
	uint8_t **views[] = { &m->guest_view, &m->host_view, &m->hyp_view };

	m->memfd = memfd_create("avf-hal-phys", MFD_CLOEXEC);
	if (m->memfd < 0 || ftruncate(m->memfd, (off_t)cfg->phys_size))
		return create_fail(err, errlen, -errno, "kvm: memfd of %llu MiB: %s",
				   (unsigned long long)(cfg->phys_size >> 20), strerror(errno));
	for (size_t i = 0; i < 3; i++) {
		void *p = mmap(NULL, cfg->phys_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			       m->memfd, 0);

		if (p == MAP_FAILED)
			return create_fail(err, errlen, -ENOMEM, "kvm: mmap of the memfd: %s",
					   strerror(errno));
		*views[i] = p;
	}
	m->pages = cfg->phys_size / HAL_PAGE_SIZE;
	m->revoked = calloc((m->pages + 63) / 64, sizeof(uint64_t));
	return m->revoked ? 0 : -ENOMEM;
}

static void kvmb_machine_destroy(struct hal_machine *hm)
{
	struct kvmb_machine *m = to_m(hm);
	uint8_t *views[] = { m->guest_view, m->host_view, m->hyp_view };

	while (m->vms)
		kvmb_vm_destroy(&m->vms->base);		/* unlinks itself */
	for (size_t i = 0; i < 3; i++)
		if (views[i])
			munmap(views[i], hm->cfg.phys_size);
	if (m->memfd >= 0)
		close(m->memfd);
	if (m->kvm_fd >= 0)
		close(m->kvm_fd);
	free(m->revoked);
	free(m);
}

static int kvmb_machine_create(const struct hal_machine_config *cfg, struct hal_machine **out,
			       char *err, size_t errlen)
{
	struct kvmb_machine *m;
	long page = sysconf(_SC_PAGESIZE);
	int rc;

	if (page != HAL_PAGE_SIZE)
		return create_fail(err, errlen, -EOPNOTSUPP, "kvm: host page size %ld: memslots "
				   "and revocation need 4 KiB pages", page);
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->memfd = -1;
	m->base.cfg = *cfg;	/* for destroy on failure; hal.c sets it again */
	m->kvm_fd = open_kvm(err, errlen);
	rc = m->kvm_fd < 0 ? m->kvm_fd : 0;
	if (!rc)
		rc = check_caps(m, err, errlen);
	if (!rc)
		rc = probe_vm(m, err, errlen);
	if (!rc)
		rc = map_memory(m, cfg, err, errlen);
	if (rc) {
		if (!err[0])
			create_fail(err, errlen, rc, "kvm: create machine: %s", strerror(-rc));
		kvmb_machine_destroy(&m->base);
		return rc;
	}
	*out = &m->base;
	return 0;
}

static long kvmb_capability(const struct hal_machine *hm, enum hal_cap cap)
{
	const struct kvmb_machine *m = (const struct kvmb_machine *)hm;

	switch (cap) {
	case HAL_CAP_MAX_VCPUS:
		return hm->cfg.max_vcpus && hm->cfg.max_vcpus < m->max_vcpus ?
		       (long)hm->cfg.max_vcpus : m->max_vcpus;
	case HAL_CAP_MAX_IPA_BITS:
		return m->max_ipa_bits;
	case HAL_CAP_THREADED_VCPUS:
	case HAL_CAP_S2_ABORT_EXIT:	/* read-only memslots + KVM_CAP_ARM_NISV_TO_USER */
	case HAL_CAP_INJECT_ABORT:	/* KVM_CAP_ARM_INJECT_EXT_DABT */
	case HAL_CAP_HOST_REVOKE:	/* the host view: bitmap + PROT_NONE */
		return 1;
	case HAL_CAP_PROTECTED_VM:
		return m->protected_vms;
	case HAL_CAP_IDLE_EXIT:		/* WFI and PSCI CPU_OFF block inside KVM_RUN */
	case HAL_CAP_BUDGET:
	case HAL_CAP_VIRTUAL_TIME:
	case HAL_CAP_DETERMINISTIC:
	case HAL_CAP_SNAPSHOT:
	case HAL_CAP_S2_EXEC_CONTROL:	/* memslots have no execute-never */
	case HAL_CAP_S2_FETCH_ABORT:	/* KVM injects a prefetch abort itself */
	case HAL_CAP_EL2_ISOLATION:	/* revocation is the VMM view's, in every mode */
	case HAL_CAP_STATE_HASH:
		return 0;
	}
	return 0;
}

/* ---- memory ------------------------------------------------------------------------------ */

static void *kvmb_phys_ptr(struct hal_machine *hm, uint64_t pa, uint64_t len, bool for_write)
{
	return to_m(hm)->hyp_view + (pa - hm->cfg.phys_base);
}

static bool page_revoked(const struct kvmb_machine *m, uint64_t pa)
{
	uint64_t pfn = (pa - m->base.cfg.phys_base) / HAL_PAGE_SIZE;

	return m->revoked[pfn / 64] >> (pfn % 64) & 1;
}

/* First revoked page of [pa, pa + len), or UINT64_MAX. */
static uint64_t first_revoked(const struct kvmb_machine *m, uint64_t pa, uint64_t len)
{
	for (uint64_t p = pa & ~(uint64_t)(HAL_PAGE_SIZE - 1); p < pa + len; p += HAL_PAGE_SIZE)
		if (page_revoked(m, p))
			return p;
	return UINT64_MAX;
}

static int kvmb_host_read(struct hal_machine *hm, uint64_t pa, void *dst, uint64_t len,
			  uint64_t *fault_pa)
{
	struct kvmb_machine *m = to_m(hm);
	uint64_t bad = first_revoked(m, pa, len);

	if (bad != UINT64_MAX) {
		*fault_pa = bad;
		return hal_fail(hm, -EFAULT, "host stage-2 abort: read of revoked page %#llx",
				(unsigned long long)bad);
	}
	memcpy(dst, m->host_view + (pa - hm->cfg.phys_base), len);
	return 0;
}

static int kvmb_host_write(struct hal_machine *hm, uint64_t pa, const void *src, uint64_t len,
			   uint64_t *fault_pa)
{
	struct kvmb_machine *m = to_m(hm);
	uint64_t bad = first_revoked(m, pa, len);

	if (bad != UINT64_MAX) {
		*fault_pa = bad;
		return hal_fail(hm, -EFAULT, "host stage-2 abort: write of revoked page %#llx",
				(unsigned long long)bad);
	}
	memcpy(m->host_view + (pa - hm->cfg.phys_base), src, len);
	return 0;
}

/* mprotect first: if the kernel refuses (too many mappings), nothing has changed. */
static int kvmb_host_set_access(struct hal_machine *hm, uint64_t pa, uint64_t size, bool allowed)
{
	struct kvmb_machine *m = to_m(hm);
	uint64_t first = (pa - hm->cfg.phys_base) / HAL_PAGE_SIZE;

	if (mprotect(m->host_view + first * HAL_PAGE_SIZE, size,
		     allowed ? PROT_READ | PROT_WRITE : PROT_NONE))
		return hal_fail(hm, -errno, "kvm: %s host view [%#llx, +%#llx): mprotect: %s "
				"(vm.max_map_count?)", allowed ? "grant" : "revoke",
				(unsigned long long)pa, (unsigned long long)size, strerror(errno));
	for (uint64_t pfn = first; pfn < first + size / HAL_PAGE_SIZE; pfn++) {
		if (allowed)
			m->revoked[pfn / 64] &= ~(1ull << (pfn % 64));
		else
			m->revoked[pfn / 64] |= 1ull << (pfn % 64);
	}
	return 0;
}

static bool kvmb_host_can_access(struct hal_machine *hm, uint64_t pa)
{
	return !page_revoked(to_m(hm), pa);
}

/* ---- time, entropy, what KVM cannot do ------------------------------------------------------ */

static uint64_t kvmb_clock_ns(struct hal_machine *hm)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int kvmb_entropy(struct hal_machine *hm, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hal_fail(hm, -errno, "kvm: getrandom: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int kvmb_clock_next_deadline(struct hal_machine *hm, uint64_t *ns)
{
	return hal_fail(hm, -ENOSYS, "kvm: the clock is the host's (no HAL_CAP_VIRTUAL_TIME)");
}

static int kvmb_clock_advance(struct hal_machine *hm, uint64_t ns)
{
	return hal_fail(hm, -ENOSYS, "kvm: the clock is the host's (no HAL_CAP_VIRTUAL_TIME)");
}

static int kvmb_snapshot(struct hal_machine *hm)
{
	return hal_fail(hm, -ENOSYS, "kvm: no snapshots (HAL_CAP_SNAPSHOT)");
}

static int kvmb_restore(struct hal_machine *hm)
{
	return hal_fail(hm, -ENOSYS, "kvm: no snapshots (HAL_CAP_SNAPSHOT)");
}

static int kvmb_state_hash(struct hal_machine *hm, uint64_t *hash)
{
	return hal_fail(hm, -ENOSYS, "kvm: no state hash (HAL_CAP_STATE_HASH)");
}

const struct hal_ops hal_kvm_ops = {
	.name = "kvm",
	.machine_create = kvmb_machine_create,
	.machine_destroy = kvmb_machine_destroy,
	.capability = kvmb_capability,
	.phys_ptr = kvmb_phys_ptr,
	.host_read = kvmb_host_read,
	.host_write = kvmb_host_write,
	.host_set_access = kvmb_host_set_access,
	.host_can_access = kvmb_host_can_access,
	.clock_ns = kvmb_clock_ns,
	.clock_next_deadline = kvmb_clock_next_deadline,
	.clock_advance = kvmb_clock_advance,
	.entropy = kvmb_entropy,
	.snapshot = kvmb_snapshot,
	.restore = kvmb_restore,
	.state_hash = kvmb_state_hash,
	.vm_create = kvmb_vm_create,
	.vm_destroy = kvmb_vm_destroy,
	.vm_set_stage2 = kvmb_vm_set_stage2,
	.vm_invalidate = kvmb_vm_invalidate,
	.vm_finalize = kvmb_vm_finalize,
	.vm_set_irq = kvmb_vm_set_irq,
	.vcpu_create = kvmb_vcpu_create,
	.vcpu_get_reg = kvmb_vcpu_get_reg,
	.vcpu_set_reg = kvmb_vcpu_set_reg,
	.vcpu_get_vreg = kvmb_vcpu_get_vreg,
	.vcpu_set_vreg = kvmb_vcpu_set_vreg,
	.vcpu_run = kvmb_vcpu_run,
	.vcpu_kick = kvmb_vcpu_kick,
	.vcpu_set_budget = kvmb_vcpu_set_budget,
	.vcpu_inject_abort = kvmb_vcpu_inject_abort,
	.vcpu_powered = kvmb_vcpu_powered,
};
