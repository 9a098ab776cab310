/*
 * kvm-smoke: proves that a machine gives a usable arm64 KVM for this project's kvm backend
 * (brief section 5). It runs inside the KVM test rig (docs/RIG.md), or natively on any
 * aarch64 Linux host with /dev/kvm.
 *
 * It checks the API version and the capabilities the backend relies on, builds a VM the way
 * the backend will (memfd-backed memslot, one vCPU with PSCI 0.2, in-kernel vGICv3, the
 * SMCCC filter forwarding pKVM's vendor-hyp range to user space) and runs a small guest
 * (smoke_guest.S) whose every exit is checked: MMIO write and read, a forwarded HVC with a
 * return value written back, in-kernel PSCI and vGIC accesses, PSCI SYSTEM_OFF.
 *
 * Output: one line per check, "PASS name: detail" or "FAIL name: detail", then
 * "kvm-smoke: N passed, M failed". Exit status 0 only if every check passed; a check that
 * cannot run because an earlier step failed counts as not passed (the run stops there).
 *
 * Usage: kvm-smoke [--expect-mode plain|protected]
 *   --expect-mode  also check, from the kernel log, that KVM initialised in that mode:
 *                  "protected" is pKVM at EL2 (kvm-arm.mode=protected), "plain" any other.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stack/tools/kvm-smoke/kvm_uapi_compat.h"
#include "stack/tools/kvm-smoke/smoke_guest.h"

extern const uint8_t smoke_guest_start[], smoke_guest_end[], smoke_guest_hvc_return[];

#define SMOKE_IPA_BITS 40 /* what the backend asks for; KVM's default when type is 0 */

struct smoke {
	int kvm, vm, vcpu, gic;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;
	unsigned passed, failed;
};

static bool report(struct smoke *s, bool ok, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool report(struct smoke *s, bool ok, const char *check, const char *fmt, ...)
{
	va_list ap;
	printf("%s %s: ", ok ? "PASS" : "FAIL", check);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		s->passed++;
	else
		s->failed++;
	return ok;
}

static uint64_t core_reg_id(size_t offset)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offset / sizeof(uint32_t));
}

#define REG_X(n) core_reg_id(offsetof(struct kvm_regs, regs.regs) + (n) * sizeof(uint64_t))
#define REG_PC core_reg_id(offsetof(struct kvm_regs, regs.pc))

static int get_reg(struct smoke *s, uint64_t id, uint64_t *value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)value };
	return ioctl(s->vcpu, KVM_GET_ONE_REG, &reg);
}

static int set_reg(struct smoke *s, uint64_t id, uint64_t value)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
	return ioctl(s->vcpu, KVM_SET_ONE_REG, &reg);
}

static bool open_kvm(struct smoke *s)
{
	s->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (!report(s, s->kvm >= 0, "open-dev-kvm", "%s", s->kvm >= 0 ? "ok" : strerror(errno)))
		return false;
	int api = ioctl(s->kvm, KVM_GET_API_VERSION, 0);
	if (!report(s, api == KVM_API_VERSION, "api-version", "%d (want %d)", api, KVM_API_VERSION))
		return false;
	int ipa = ioctl(s->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	bool ok = report(s, ipa >= SMOKE_IPA_BITS, "cap-arm-vm-ipa-size",
			 "%d bits (want >= %d)", ipa, SMOKE_IPA_BITS);
	int one_reg = ioctl(s->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ONE_REG);
	ok &= report(s, one_reg > 0, "cap-one-reg", "%d", one_reg);
	int psci = ioctl(s->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2);
	ok &= report(s, psci > 0, "cap-arm-psci-0-2", "%d", psci);
	int size = ioctl(s->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	ok &= report(s, size >= (int)sizeof(struct kvm_run), "vcpu-mmap-size", "%d", size);
	s->run_size = size > 0 ? (size_t)size : 0;
	return ok;
}

static bool create_vm(struct smoke *s)
{
	s->vm = ioctl(s->kvm, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(SMOKE_IPA_BITS));
	if (!report(s, s->vm >= 0, "create-vm", "%d-bit IPA: %s", SMOKE_IPA_BITS,
		    s->vm >= 0 ? "ok" : strerror(errno)))
		return false;
	/*
	 * There is no KVM_CAP for the SMCCC filter (Linux 6.4+): a kernel has it if the VM
	 * answers KVM_HAS_DEVICE_ATTR for the group/attribute pair.
	 */
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL, .attr = KVM_ARM_VM_SMCCC_FILTER,
	};
	int rc = ioctl(s->vm, KVM_HAS_DEVICE_ATTR, &attr);
	return report(s, rc == 0, "smccc-filter-supported", "%s", rc == 0 ? "ok" : strerror(errno));
}

static bool setup_memory(struct smoke *s)
{
	size_t code_len = (size_t)(smoke_guest_end - smoke_guest_start);
	int fd = memfd_create("kvm-smoke-ram", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, SMOKE_RAM_SIZE) != 0)
		return report(s, false, "guest-ram", "memfd: %s", strerror(errno));
	void *ram = mmap(NULL, SMOKE_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd); /* the mapping keeps the memfd's pages alive */
	if (ram == MAP_FAILED)
		return report(s, false, "guest-ram", "mmap: %s", strerror(errno));
	s->ram = ram;
	memcpy(s->ram, smoke_guest_start, code_len);
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.guest_phys_addr = SMOKE_RAM_BASE,
		.memory_size = SMOKE_RAM_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)s->ram,
	};
	int rc = ioctl(s->vm, KVM_SET_USER_MEMORY_REGION, &slot);
	return report(s, rc == 0, "memslot", "memfd 0x%x bytes at IPA 0x%x, %zu bytes of guest code: %s",
		      SMOKE_RAM_SIZE, SMOKE_RAM_BASE, code_len, rc == 0 ? "ok" : strerror(errno));
}

static bool create_vcpu(struct smoke *s)
{
	s->vcpu = ioctl(s->vm, KVM_CREATE_VCPU, 0);
	if (!report(s, s->vcpu >= 0, "create-vcpu", "%s", s->vcpu >= 0 ? "ok" : strerror(errno)))
		return false;
	s->run = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, s->vcpu, 0);
	if (s->run == MAP_FAILED)
		return report(s, false, "vcpu-run-mmap", "%s", strerror(errno));
	struct kvm_vcpu_init init;
	memset(&init, 0, sizeof(init));
	if (ioctl(s->vm, KVM_ARM_PREFERRED_TARGET, &init) != 0)
		return report(s, false, "preferred-target", "%s", strerror(errno));
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	int rc = ioctl(s->vcpu, KVM_ARM_VCPU_INIT, &init);
	if (!report(s, rc == 0, "vcpu-init", "target %u, PSCI 0.2: %s", init.target,
		    rc == 0 ? "ok" : strerror(errno)))
		return false;
	rc = set_reg(s, REG_PC, SMOKE_RAM_BASE);
	return report(s, rc == 0, "set-pc", "0x%x: %s", SMOKE_RAM_BASE, rc == 0 ? "ok" : strerror(errno));
}

static int set_device_attr(int fd, uint32_t group, uint64_t attr, const void *value)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)value,
	};
	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a);
}

static bool create_vgic(struct smoke *s)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	int rc = ioctl(s->vm, KVM_CREATE_DEVICE, &dev);
	if (!report(s, rc == 0, "vgic-v3-create", "%s", rc == 0 ? "ok" : strerror(errno)))
		return false;
	s->gic = (int)dev.fd;
	uint64_t dist = SMOKE_GICD_BASE, redist = SMOKE_GICR_BASE;
	rc = set_device_attr(s->gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
	if (rc == 0)
		rc = set_device_attr(s->gic, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST,
				     &redist);
	if (!report(s, rc == 0, "vgic-v3-addresses", "dist 0x%llx redist 0x%llx: %s",
		    (unsigned long long)dist, (unsigned long long)redist,
		    rc == 0 ? "ok" : strerror(errno)))
		return false;
	rc = set_device_attr(s->gic, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	return report(s, rc == 0, "vgic-v3-init", "%s", rc == 0 ? "ok" : strerror(errno));
}

static int install_filter(struct smoke *s, uint32_t base, uint32_t count, uint8_t action)
{
	struct kvm_smccc_filter filter;
	memset(&filter, 0, sizeof(filter));
	filter.base = base;
	filter.nr_functions = count;
	filter.action = action;
	return set_device_attr(s->vm, KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER, &filter) ?
		       -errno : 0;
}

static bool setup_smccc_filter(struct smoke *s)
{
	int rc = install_filter(s, SMOKE_VENDOR_HYP_BASE, SMOKE_VENDOR_HYP_COUNT,
				KVM_SMCCC_FILTER_FWD_TO_USER);
	bool ok = report(s, rc == 0, "smccc-filter-fwd-to-user", "0x%x..+0x%x: %s",
			 SMOKE_VENDOR_HYP_BASE, SMOKE_VENDOR_HYP_COUNT, rc == 0 ? "ok" : strerror(-rc));
	/* A second range over the same ids must be refused: the filter really holds ours. */
	rc = install_filter(s, SMOKE_HVC_FUNC, 1, KVM_SMCCC_FILTER_DENY);
	ok &= report(s, rc == -EEXIST, "smccc-filter-overlap-refused", "%s (want %s)",
		     rc ? strerror(-rc) : "accepted", strerror(EEXIST));
	return ok;
}

static int run_vcpu(struct smoke *s)
{
	int rc;
	do
		rc = ioctl(s->vcpu, KVM_RUN, 0);
	while (rc != 0 && errno == EINTR);
	return rc == 0 ? (int)s->run->exit_reason : -errno;
}

static bool expect_exit(struct smoke *s, const char *check, int want)
{
	int got = run_vcpu(s);
	if (got == want)
		return true;
	if (got < 0)
		return report(s, false, check, "KVM_RUN: %s", strerror(-got));
	if (got == KVM_EXIT_MMIO)
		return report(s, false, check, "unexpected MMIO exit at 0x%llx",
			      (unsigned long long)s->run->mmio.phys_addr);
	return report(s, false, check, "exit reason %d (want %d)", got, want);
}

/* Runs to an MMIO exit at SMOKE_MMIO_BASE + offset; *value is written or read data. */
static bool expect_mmio(struct smoke *s, const char *check, uint64_t offset, bool is_write,
			uint32_t len, uint64_t *value)
{
	if (!expect_exit(s, check, KVM_EXIT_MMIO))
		return false;
	uint64_t addr = SMOKE_MMIO_BASE + offset;
	bool ok = s->run->mmio.phys_addr == addr && s->run->mmio.is_write == is_write &&
		  s->run->mmio.len == len;
	if (!ok)
		return report(s, false, check, "got %s of %u bytes at 0x%llx, want %s of %u at 0x%llx",
			      s->run->mmio.is_write ? "write" : "read", s->run->mmio.len,
			      (unsigned long long)s->run->mmio.phys_addr, is_write ? "write" : "read",
			      len, (unsigned long long)addr);
	if (is_write) {
		*value = 0;
		memcpy(value, s->run->mmio.data, len); /* aarch64 is little-endian here */
	} else {
		memcpy(s->run->mmio.data, value, len);
	}
	return true;
}

static bool run_mmio_steps(struct smoke *s)
{
	uint64_t v;
	if (!expect_mmio(s, "mmio-write", SMOKE_MMIO_PATTERN, true, 8, &v))
		return false;
	report(s, v == SMOKE_PATTERN, "mmio-write", "8 bytes at 0x%x: 0x%llx (want 0x%llx)",
	       SMOKE_MMIO_BASE + SMOKE_MMIO_PATTERN, (unsigned long long)v,
	       (unsigned long long)SMOKE_PATTERN);
	v = SMOKE_READ_VALUE;
	if (!expect_mmio(s, "mmio-read", SMOKE_MMIO_READ, false, 4, &v) ||
	    !expect_mmio(s, "mmio-read", SMOKE_MMIO_READ_ECHO, true, 4, &v))
		return false;
	return report(s, v == SMOKE_READ_VALUE, "mmio-read", "guest read 0x%llx (want 0x%x)",
		      (unsigned long long)v, SMOKE_READ_VALUE);
}

static bool run_hypercall_step(struct smoke *s)
{
	if (!expect_exit(s, "hvc-forwarded", KVM_EXIT_HYPERCALL))
		return false;
	uint64_t nr = s->run->hypercall.nr, flags = kvm_hypercall_exit_flags(s->run);
	uint64_t x1 = 0, pc = 0;
	uint64_t want_pc = SMOKE_RAM_BASE + (uint64_t)(smoke_guest_hvc_return - smoke_guest_start);
	bool regs_ok = get_reg(s, REG_X(1), &x1) == 0 && get_reg(s, REG_PC, &pc) == 0;
	report(s, nr == SMOKE_HVC_FUNC && flags == 0, "hvc-forwarded",
	       "function 0x%llx flags 0x%llx (want 0x%x, 0: HVC conduit)",
	       (unsigned long long)nr, (unsigned long long)flags, SMOKE_HVC_FUNC);
	report(s, regs_ok && x1 == SMOKE_HVC_ARG1, "hvc-argument", "x1 0x%llx (want 0x%x)",
	       (unsigned long long)x1, SMOKE_HVC_ARG1);
	report(s, regs_ok && pc == want_pc, "hvc-exit-pc",
	       "pc 0x%llx (want 0x%llx, the instruction after HVC)", (unsigned long long)pc,
	       (unsigned long long)want_pc);
	if (set_reg(s, REG_X(0), SMOKE_HVC_RETURN) != 0)
		return report(s, false, "hvc-return", "KVM_SET_ONE_REG x0: %s", strerror(errno));
	uint64_t v;
	if (!expect_mmio(s, "hvc-return", SMOKE_MMIO_HVC_RESULT, true, 8, &v))
		return false;
	return report(s, v == SMOKE_HVC_RETURN, "hvc-return", "guest saw x0 0x%llx (want 0x%llx)",
		      (unsigned long long)v, (unsigned long long)SMOKE_HVC_RETURN);
}

static bool run_in_kernel_steps(struct smoke *s)
{
	uint64_t v;
	if (!expect_mmio(s, "psci-in-kernel", SMOKE_MMIO_PSCI_VERSION, true, 8, &v))
		return false;
	/* PSCI_VERSION answers major << 16 | minor; KVM implements 0.2 or later. */
	bool ok = v <= 0x7fffffff && v >= 2;
	report(s, ok, "psci-in-kernel", "PSCI_VERSION 0x%llx: %llu.%llu (want >= 0.2)",
	       (unsigned long long)v, (unsigned long long)(v >> 16),
	       (unsigned long long)(v & 0xffff));
	if (!expect_mmio(s, "vgic-in-kernel", SMOKE_MMIO_GICD_PIDR2, true, 4, &v))
		return false;
	report(s, ((v >> 4) & 0xf) == 3, "vgic-in-kernel", "GICD_PIDR2 0x%llx (want ArchRev 3)",
	       (unsigned long long)v);
	if (!expect_exit(s, "psci-system-off", KVM_EXIT_SYSTEM_EVENT))
		return false;
	uint32_t type = s->run->system_event.type;
	return report(s, type == KVM_SYSTEM_EVENT_SHUTDOWN, "psci-system-off",
		      "system event %u (want %u, SHUTDOWN)", type, KVM_SYSTEM_EVENT_SHUTDOWN);
}

/*
 * KVM logs how it initialised ("VHE mode", "Hyp nVHE mode", "Protected hVHE mode", ...
 * followed by "initialized successfully"); that line is the only place the kernel says
 * whether pKVM owns EL2.
 */
static bool check_mode(struct smoke *s, const char *expected)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return report(s, false, "kvm-mode", "/dev/kmsg: %s", strerror(errno));
	char rec[2048], line[256] = "";
	ssize_t n;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n < 0)
			continue; /* overwritten records: read on */
		rec[n] = '\0';
		char *text = strchr(rec, ';');
		if (text && strstr(text, "kvm [") && strstr(text, "mode initialized successfully")) {
			text[strcspn(text, "\n")] = '\0';
			snprintf(line, sizeof(line), "%s", strstr(text, "]: ") ? strstr(text, "]: ") + 3 : text + 1);
		}
	}
	close(fd);
	if (line[0] == '\0')
		return report(s, false, "kvm-mode", "no \"mode initialized\" line in the kernel log");
	bool protected_mode = strncmp(line, "Protected ", 10) == 0;
	bool want_protected = strcmp(expected, "protected") == 0;
	return report(s, protected_mode == want_protected, "kvm-mode", "%s (want %s)", line, expected);
}

/*
 * Not a check: says whether this kernel creates protected VMs (KVM_VM_TYPE_ARM_PROTECTED,
 * bit 31 of the machine type, Android's ABI; upstream 6.12 refuses it with EINVAL), so a
 * log shows which isolation the pKVM mode really offers (docs/RIG.md).
 */
static void probe_protected_vm_type(struct smoke *s)
{
	unsigned long type = (1ul << 31) | KVM_VM_TYPE_ARM_IPA_SIZE(SMOKE_IPA_BITS);
	int vm = ioctl(s->kvm, KVM_CREATE_VM, type);
	printf("INFO protected-vm-type: KVM_CREATE_VM(KVM_VM_TYPE_ARM_PROTECTED) %s\n",
	       vm >= 0 ? "accepted: protected VMs available" : strerror(errno));
	if (vm >= 0)
		close(vm);
}

static bool run_all(struct smoke *s, const char *mode)
{
	bool ok = true;
	if (mode)
		ok &= check_mode(s, mode);
	if (!open_kvm(s))
		return false;
	probe_protected_vm_type(s);
	return create_vm(s) && setup_memory(s) && create_vcpu(s) &&
	       create_vgic(s) && setup_smccc_filter(s) && run_mmio_steps(s) &&
	       run_hypercall_step(s) && run_in_kernel_steps(s) && ok;
}

int main(int argc, char **argv)
{
	const char *mode = NULL;
	if (argc == 3 && strcmp(argv[1], "--expect-mode") == 0 &&
	    (strcmp(argv[2], "plain") == 0 || strcmp(argv[2], "protected") == 0)) {
		mode = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: kvm-smoke [--expect-mode plain|protected]\n");
		return 2;
	}
	struct smoke s = { .kvm = -1, .vm = -1, .vcpu = -1, .gic = -1 };
	bool completed = run_all(&s, mode);
	printf("kvm-smoke: %u passed, %u failed%s\n", s.passed, s.failed,
	       completed ? "" : " (stopped early)");
	return completed && s.failed == 0 ? 0 : 1;
}
