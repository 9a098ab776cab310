// SPDX-License-Identifier: MIT
/*
 * Building a VM, in the order the hyp's rules impose (docs/VMM.md, "Boot protocol"):
 *
 *   1. check the configuration; read the kernel and initrd; plan their placement
 *   2. INIT_VM (protected or not)
 *   3. take host pages for RAM (and the firmware region of a protected VM with pvmfw)
 *   4. write kernel, initrd and the DT into them through the host view, while the host
 *      still owns them: once donated, the host can no longer write (or read) them
 *   5. give the pages: DONATE (protected) or SHARE (normal)
 *   6. LOAD_FIRMWARE for a protected VM: the hyp copies pvmfw itself
 *   7. per vCPU: a run page shared with the hyp, INIT_VCPU with the entry and x0 = DT
 *      (the hyp enters a protected VM's firmware whatever entry the host names)
 *
 * Any failure undoes everything done so far (vmm_release()).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "lib/fault/fault.h"
#include "stack/vmm/vmm_internal.h"

#define MiB (1ull << 20)

/* ---- errors ---- */

static void vlog(struct vmm *v, const char *fmt, va_list ap, char *keep, size_t keep_len)
{
	char line[sizeof(v->error)];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "vmm: %s: %s\n", v->name ? v->name : "vm", line);
	if (keep && !keep[0])
		snprintf(keep, keep_len, "%s", line);
}

int vmm_fail(struct vmm *v, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(v, fmt, ap, v->error, sizeof(v->error));
	va_end(ap);
	return -errnum;
}

void vmm_log(struct vmm *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(v, fmt, ap, NULL, 0);
	va_end(ap);
}

const char *vmm_error(const struct vmm *v)
{
	return v->error;
}

const char *vmm_name(const struct vmm *v)
{
	return v->name ? v->name : "";
}

bool vmm_injected_crash(struct vmm *v, const char *point)
{
	if (!fault_hit_vm(point, vmm_name(v)))
		return false;
	if (v->cfg.abort_on_injected_crash) {
		fprintf(stderr, "vmm: %s: injected fault: %s: aborting\n", vmm_name(v), point);
		abort();
	}
	vmm_set_end(v, VMM_END_CRASH, "injected fault: %s", point);
	return true;
}

const char *vmm_end_name(enum vmm_end end)
{
	switch (end) {
	case VMM_END_SHUTDOWN: return "shutdown";
	case VMM_END_ERROR: return "error";
	case VMM_END_REBOOT: return "reboot";
	case VMM_END_CRASH: return "crash";
	case VMM_END_TIMEOUT: return "timeout";
	case VMM_END_KILLED: return "killed";
	}
	return "unknown";
}

/* ---- configuration ---- */

/*
 * Keep private copies of the caller's strings (it may free them after vmm_create). Every
 * string field is first cleared, so that on failure free_config() frees only copies.
 */
static int copy_config(struct vmm *v, const struct vmm_config *cfg)
{
	const char **strs[] = {
		&v->cfg.name, &v->cfg.kernel, &v->cfg.initrd, &v->cfg.bootargs,
		&v->cfg.console_out, &v->cfg.vsock_uds, &v->cfg.net_switch, &v->cfg.net_tap,
		&v->cfg.pcap,
	};
	const size_t nr = sizeof(strs) / sizeof(strs[0]);
	const char *orig[sizeof(strs) / sizeof(strs[0])];
	int err = 0;

	v->cfg = *cfg;
	for (size_t i = 0; i < nr; i++) {
		orig[i] = *strs[i];
		*strs[i] = NULL;
	}
	for (unsigned i = 0; i < VMM_MAX_DISKS; i++)
		v->cfg.disks[i].path = NULL;
	for (size_t i = 0; i < nr && !err; i++)
		if (orig[i] && !(*strs[i] = strdup(orig[i])))
			err = -ENOMEM;
	for (unsigned i = 0; i < cfg->nr_disks && i < VMM_MAX_DISKS && !err; i++)
		if (!(v->cfg.disks[i].path = strdup(cfg->disks[i].path ? cfg->disks[i].path : "")))
			err = -ENOMEM;
	v->name = (char *)v->cfg.name;
	return err;
}

static int check_config(struct vmm *v)
{
	const struct vmm_config *c = &v->cfg;
	long max_vcpus = hal_capability(v->host->m, HAL_CAP_MAX_VCPUS);

	if (!c->nr_vcpus || c->nr_vcpus > VMM_MAX_VCPUS || c->nr_vcpus > max_vcpus)
		return vmm_fail(v, EINVAL, "%u vCPUs: between 1 and %ld are supported",
				c->nr_vcpus, max_vcpus < VMM_MAX_VCPUS ? max_vcpus : VMM_MAX_VCPUS);
	if (c->mem_mib < 4 || c->mem_mib % 2 || c->mem_mib > (62ull << 10))
		return vmm_fail(v, EINVAL, "%" PRIu64 " MiB of RAM: must be even, 4 MiB to 62 "
				"GiB", c->mem_mib);
	if (!c->kernel)
		return vmm_fail(v, EINVAL, "no kernel image given");
	if (c->nr_disks > VMM_MAX_DISKS)
		return vmm_fail(v, EINVAL, "%u disks: at most %u", c->nr_disks, VMM_MAX_DISKS);
	if (c->vsock_cid && (c->vsock_cid < 3 || !c->vsock_uds))
		return vmm_fail(v, EINVAL, "vsock CID %u: needs a CID >= 3 and a socket path",
				c->vsock_cid);
	if (c->net_switch && c->net_tap)
		return vmm_fail(v, EINVAL, "one network backend only (switch or TAP)");
	if (c->pcap && !c->net_switch && !c->net_tap)
		return vmm_fail(v, EINVAL, "a pcap capture needs a network device");
	if (c->max_insns && !v->host->virtual_time)
		return vmm_fail(v, EOPNOTSUPP, "an instruction limit needs a backend that "
				"counts instructions (HAL_CAP_VIRTUAL_TIME)");
	return 0;
}

/* Read a whole regular file of at most limit bytes. */
static int read_file(struct vmm *v, const char *what, const char *path, uint64_t limit,
		     uint8_t **data, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	size_t len = 0;
	struct stat st;
	uint8_t *buf;

	if (fd < 0)
		return vmm_fail(v, errno, "%s %s: %s", what, path, strerror(errno));
	if (fstat(fd, &st))
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if ((uint64_t)st.st_size > limit)
		err = EFBIG;
	if (err) {
		close(fd);
		return vmm_fail(v, err, "%s %s: %s", what, path,
				err == EINVAL ? "not a regular file" :
				err == EFBIG ? "larger than the VM's RAM" : strerror(err));
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	while (buf && len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (!buf)
		return vmm_fail(v, ENOMEM, "%s %s: out of memory", what, path);
	if (err) {
		free(buf);
		return vmm_fail(v, err, "%s %s: %s", what, path, strerror(err));
	}
	*data = buf;
	*size = len;
	return 0;
}

/* ---- the build steps ---- */

static int init_vm(struct vmm *v)
{
	uint64_t handle = 0;
	int64_t err;

	/* Six arguments (nr_spis last): more than vmm_hcall() passes. */
	err = hyp_call(v->host->h, HYP_HOST_INIT_VM, v->protected_vm ? HYP_VM_PROTECTED : 0,
		       v->nr_vcpus, VMM_IPA_BITS, VMM_GICD_BASE, VMM_GICR_BASE(v->nr_vcpus),
		       VMM_NR_SPIS, &handle);
	if (err)
		return vmm_fail(v, (int)-err, "INIT_VM: %s", strerror((int)-err));
	v->handle = (uint32_t)handle;
	return 0;
}

static int write_payload(struct vmm *v, const uint8_t *initrd, size_t initrd_size)
{
	const struct img_plan *img = &v->boot.image;

	for (unsigned i = 0; i < img->nr_segments; i++)
		if (vmm_mem_write(v, img->seg[i].pa, img->seg[i].data, img->seg[i].filesz))
			return vmm_fail(v, EFAULT, "write the kernel at 0x%" PRIx64 ": %s",
					img->seg[i].pa, hal_error(v->host->m));
	if (v->boot.has_initrd && vmm_mem_write(v, v->boot.initrd_start, initrd, initrd_size))
		return vmm_fail(v, EFAULT, "write the initrd at 0x%" PRIx64 ": %s",
				v->boot.initrd_start, hal_error(v->host->m));
	return 0;
}

static void fdt_params(struct vmm *v, struct vmm_fdt_params *p)
{
	const struct img_plan *img = &v->boot.image;

	memset(p, 0, sizeof(*p));
	p->ram_base = VMM_RAM_BASE;
	p->ram_size = v->cfg.mem_mib * MiB;
	p->nr_vcpus = v->nr_vcpus;
	p->bootargs = v->cfg.bootargs;
	p->has_initrd = v->boot.has_initrd;
	p->initrd_start = v->boot.initrd_start;
	p->initrd_end = v->boot.initrd_end;
	p->gicd_base = VMM_GICD_BASE;
	p->gicr_base = VMM_GICR_BASE(v->nr_vcpus);
	p->uart_base = VMM_UART_BASE;
	/* The UART's line is driven through HYP_HOST_SET_IRQ (devices.c). */
	p->uart_intid = VMM_UART_SPI;
	vmm_devices_describe(v, p);
	p->name = v->name;
	p->instance_id = v->cfg.instance_id;
	p->debug = v->cfg.debug;
	p->protected_vm = v->protected_vm;
	p->payload_base = img->low;
	p->payload_size = img->high - img->low;
	p->payload_entry = img->entry;
	p->has_firmware = v->has_firmware;
	p->firmware_base = VMM_FW_BASE;
	p->firmware_size = VMM_FW_SIZE;
}

static int write_fdt(struct vmm *v)
{
	struct vmm_fdt_params p;
	struct img_error err;
	void *blob = malloc(VMM_FDT_MAX);
	int ret;

	if (!blob)
		return vmm_fail(v, ENOMEM, "DT: out of memory");
	fdt_params(v, &p);
	/* Seeds for the guest's KASLR and RNG: the machine's entropy (seeded on the sim). */
	ret = hal_entropy(v->host->m, &p.kaslr_seed, sizeof(p.kaslr_seed));
	if (!ret)
		ret = hal_entropy(v->host->m, p.rng_seed, sizeof(p.rng_seed));
	if (ret) {
		free(blob);
		return vmm_fail(v, -ret, "DT: entropy: %s", strerror(-ret));
	}
	ret = vmm_fdt_build(&p, blob, VMM_FDT_MAX, &err);
	if (ret)
		vmm_fail(v, -ret, "%s", err.msg);
	else if (vmm_mem_write(v, v->boot.fdt_addr, blob, fdt_totalsize(blob)))
		ret = vmm_fail(v, EFAULT, "write the DT at 0x%" PRIx64 ": %s", v->boot.fdt_addr,
			       hal_error(v->host->m));
	free(blob);
	return ret;
}

static int load_firmware(struct vmm *v)
{
	int64_t err = vmm_hcall(v->host, HYP_HOST_LOAD_FIRMWARE, v->handle,
				VMM_FW_BASE >> PAGE_SHIFT_4K, VMM_FW_SIZE >> PAGE_SHIFT_4K, 0, 0,
				NULL);

	return err ? vmm_fail(v, (int)-err, "LOAD_FIRMWARE: %s", strerror((int)-err)) : 0;
}

static int init_vcpus(struct vmm *v)
{
	for (unsigned i = 0; i < v->nr_vcpus; i++) {
		struct vmm_vcpu *c = &v->vcpus[i];
		uint64_t got;
		int64_t err;

		if (host_pages_alloc(&v->host->pages, 1, &c->run_pfn, &got))
			return vmm_fail(v, ENOMEM, "vcpu %u: no host page for its run page", i);
		err = vmm_hcall(v->host, HYP_HOST_SHARE_HYP, c->run_pfn, 0, 0, 0, 0, NULL);
		if (err)
			return vmm_fail(v, (int)-err, "vcpu %u: share the run page: %s", i,
					strerror((int)-err));
		c->run_shared = true;
		err = vmm_hcall(v->host, HYP_HOST_INIT_VCPU, v->handle, i, c->run_pfn,
				v->boot.entry, v->boot.fdt_addr, NULL);
		if (err)
			return vmm_fail(v, (int)-err, "INIT_VCPU %u: %s", i, strerror((int)-err));
		c->initialized = true;
	}
	return 0;
}

/* Everything from INIT_VM to the vCPUs; the images are in memory already read. */
static int build(struct vmm *v, const uint8_t *initrd, size_t initrd_size)
{
	uint64_t ram_pages = v->cfg.mem_mib * (MiB / PAGE_SIZE_4K);
	int err;

	err = init_vm(v);
	if (!err)
		err = vmm_mem_alloc(v, VMM_RAM_BASE, ram_pages);
	if (!err && v->protected_vm && v->host->has_pvmfw) {
		err = vmm_mem_alloc(v, VMM_FW_BASE, VMM_FW_SIZE / PAGE_SIZE_4K);
		v->has_firmware = !err;
	}
	if (!err)
		err = write_payload(v, initrd, initrd_size);
	if (!err)
		err = vmm_devices_create(v);
	if (!err)
		err = write_fdt(v);
	if (!err)
		err = vmm_mem_give(v);
	if (!err && v->has_firmware)
		err = load_firmware(v);
	if (!err)
		err = init_vcpus(v);
	return err;
}

static int plan(struct vmm *v, uint8_t **image, size_t *image_size, uint8_t **initrd,
		size_t *initrd_size)
{
	uint64_t ram = v->cfg.mem_mib * MiB;
	struct vmm_boot_input in;
	struct img_error e;
	int err;

	err = read_file(v, "kernel", v->cfg.kernel, ram, image, image_size);
	if (!err && v->cfg.initrd)
		err = read_file(v, "initrd", v->cfg.initrd, ram, initrd, initrd_size);
	if (err)
		return err;
	in = (struct vmm_boot_input){
		.image = *image, .image_size = *image_size, .kind = v->cfg.kind,
		.load_addr = v->cfg.load_addr, .initrd_size = *initrd_size, .ram_size = ram,
	};
	err = vmm_boot_plan(&in, &v->boot, &e);
	return err ? vmm_fail(v, -err, "kernel %s: %s", v->cfg.kernel, e.msg) : 0;
}

static struct vmm *vmm_alloc(struct vmm_host *host)
{
	struct vmm *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->host = host;
	v->console_pipe[0] = v->console_pipe[1] = -1;
	v->wake_fd = -1;
	pthread_mutex_init(&v->end_lock, NULL);
	mmio_bus_init(&v->bus);
	vmm_mem_init_callbacks(v);
	vmm_payload_channel_init(v);
	return v;
}

int vmm_create(struct vmm_host *host, const struct vmm_config *cfg, struct vmm **out)
{
	uint8_t *image = NULL, *initrd = NULL;
	size_t image_size = 0, initrd_size = 0;
	struct vmm *v = vmm_alloc(host);
	int err;

	*out = NULL;
	if (!v || copy_config(v, cfg)) {
		fprintf(stderr, "vmm: %s: out of memory\n", cfg->name ? cfg->name : "vm");
		if (v)
			vmm_release(v);
		return -ENOMEM;
	}
	v->protected_vm = cfg->protected_vm;
	v->nr_vcpus = cfg->nr_vcpus;
	v->max_insns = cfg->max_insns;
	v->rr_state = host->seed ^ 0x9e3779b97f4a7c15ull;
	err = check_config(v);
	if (!err) {
		v->vcpus = calloc(v->nr_vcpus, sizeof(*v->vcpus));
		v->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (!v->vcpus || v->wake_fd < 0)
			err = vmm_fail(v, ENOMEM, "out of memory");
	}
	for (unsigned i = 0; !err && i < v->nr_vcpus; i++)
		v->vcpus[i] = (struct vmm_vcpu){ .vm = v, .index = i };
	if (!err) {
		err = vmm_console_init(&v->console, v->cfg.console_out);
		if (err)
			vmm_fail(v, -err, "console %s: %s", v->cfg.console_out, strerror(-err));
	}
	if (!err)
		err = plan(v, &image, &image_size, &initrd, &initrd_size);
	if (!err)
		err = build(v, initrd, initrd_size);
	free(image);
	free(initrd);
	if (err) {
		vmm_release(v);
		return err;
	}
	pthread_mutex_lock(&host->lock);
	host->nr_vms++;
	pthread_mutex_unlock(&host->lock);
	*out = v;
	return 0;
}
