// SPDX-License-Identifier: MIT
/*
 * The VMM's test guest (payload): prints, through the 16550 UART the DT names, what it
 * learnt from the DT, brings every secondary CPU up and down again through PSCI, and
 * ends the way /chosen/bootargs asks:
 *   testguest.end=off (default)  PSCI SYSTEM_OFF            -> avf-vmm status 0
 *   testguest.end=reset          PSCI SYSTEM_RESET          -> 32
 *   testguest.end=crash          jump to an IPA with nothing there (a normal VM's VMM
 *                                sees the fault)            -> 33
 *   testguest.end=hang           WFI with nothing armed     -> 33 (the sim sees a hang)
 *   testguest.end=spin           loop forever               -> 124 with --max-insns
 * With testguest.irq=uart it also sends one line from the UART's interrupt handler
 * (irq.c), and with testguest.irq=rng it takes virtio-rng completions as interrupts
 * (virtio_irq.c), before it ends: the VMM's devices raising guest interrupts, end to end.
 * In a protected VM it guards the UART's page first (pKVM's MMIO guard). Output is the
 * same on every backend: only the boot CPU prints.
 *
 * It also runs on QEMU's virt board (the benchmark's peer, scripts/bench-vmm): there an
 * ELF gets x0 = 0 and its DT at the start of RAM (0x4000_0000), and the console is a PL011.
 */
#include "stack/vmm/testguest/guest.h"

#define NOTHING_THERE	0x10000000ull	/* below RAM, no device: a fetch faults */
#define QEMU_VIRT_DTB	0x40000000ull	/* where QEMU puts the DT for an ELF kernel */

static volatile uint32_t cpu_up[MAX_CPUS];

void guest_main(const void *fdt);
void secondary_main(uint64_t index);
void guest_exception(uint64_t esr, uint64_t far, uint64_t elr);
extern char secondary_entry[];

void guest_exception(uint64_t esr, uint64_t far, uint64_t elr)
{
	uart_puts("testguest: exception: ESR ");
	uart_puthex(esr);
	uart_puts(" FAR ");
	uart_puthex(far);
	uart_puts(" ELR ");
	uart_puthex(elr);
	uart_puts("\n");
	for (;;)
		__asm__ volatile("msr daifset, #0xf\n\twfi");
}

void secondary_main(uint64_t index)
{
	if (index < MAX_CPUS)
		cpu_up[index] = 1;
	__asm__ volatile("dsb sy" ::: "memory");
	hvc(PSCI_CPU_OFF, 0, 0, 0);
}

/*
 * Identify every virtio-mmio transport the DT lists (virtio 1.2, 4.2.2): magic, version,
 * device id. This reaches the VMM's virtio devices through its MMIO bus; no driver runs.
 */
static void probe_virtio(const void *fdt, bool prot)
{
	const void *reg;

	for (unsigned n = 0; (reg = fdt_root_prop_nth(fdt, "virtio_mmio", n, "reg", NULL)); n++) {
		volatile uint32_t *t = (volatile uint32_t *)fdt_be64(reg);

		if (prot)
			guard_page((uint64_t)t);
		uart_puts("testguest: virtio-mmio ");
		uart_puthex((uint64_t)t);
		uart_puts(t[0] == 0x74726976u ? ": magic ok, version " : ": bad magic, version ");
		uart_putdec(t[1]);
		uart_puts(", device ");
		uart_putdec(t[2]);
		uart_puts("\n");
	}
}

static uint64_t mpidr_of(unsigned i)
{
	return ((uint64_t)(i / 16) << 8) | (i % 16);
}

static void smp_round_trip(unsigned cpus)
{
	for (unsigned i = 1; i < cpus && i < MAX_CPUS; i++) {
		int64_t rc = (int64_t)hvc(PSCI_CPU_ON, mpidr_of(i), (uint64_t)secondary_entry,
					  i).x0;

		uart_puts("testguest: CPU_ON cpu");
		uart_putdec(i);
		uart_puts(rc ? ": failed\n" : ": ok\n");
		if (rc)
			continue;
		while (!cpu_up[i])
			;
		uart_puts("testguest: cpu");
		uart_putdec(i);
		uart_puts(" up\n");
		while (hvc(PSCI_AFFINITY_INFO, mpidr_of(i), 0, 0).x0 != 1)
			;
		uart_puts("testguest: cpu");
		uart_putdec(i);
		uart_puts(" off again\n");
	}
}

static void print_dt(const void *fdt)
{
	uint32_t len;
	const void *p;

	uart_puts("testguest: cpus ");
	uart_putdec(fdt_count_cpus(fdt));
	p = fdt_root_prop(fdt, "memory", "reg", &len);
	if (p && len == 16) {
		uart_puts(", memory ");
		uart_puthex(fdt_be64(p));
		uart_puts(" size ");
		uart_puthex(fdt_be64((const uint8_t *)p + 8));
	}
	uart_puts("\n");
	p = fdt_root_prop(fdt, "chosen", "bootargs", &len);
	uart_puts("testguest: bootargs '");
	uart_puts(p ? p : "");
	uart_puts("'\n");
	p = fdt_root_prop(fdt, "avf", "vm-name", &len);
	uart_puts("testguest: avf vm-name '");
	uart_puts(p ? p : "");
	p = fdt_root_prop(fdt, "avf", "instance-id", &len);
	uart_puts("' instance-id ");
	uart_puthex(p && len == 8 ? fdt_be64(p) : 0);
	uart_puts(fdt_root_prop(fdt, "avf", "protected-vm", NULL) ? " protected-vm\n" : "\n");
}

/* The value of "key=" in bootargs, compared with want. */
static bool bootarg_is(const void *fdt, const char *key, const char *want)
{
	const char *args = fdt_root_prop(fdt, "chosen", "bootargs", NULL);
	size_t klen = strlen(key), wlen = strlen(want);

	for (const char *p = args; p && *p; p++) {
		if ((p == args || p[-1] == ' ') && !strncmp(p, key, klen) &&
		    !strncmp(p + klen, want, wlen) && (p[klen + wlen] == ' ' || !p[klen + wlen]))
			return true;
	}
	return false;
}

static void end(const void *fdt)
{
	if (bootarg_is(fdt, "testguest.end=", "reset")) {
		uart_puts("testguest: SYSTEM_RESET\n");
		hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
	} else if (bootarg_is(fdt, "testguest.end=", "crash")) {
		uart_puts("testguest: jumping to nowhere\n");
		((void (*)(void))NOTHING_THERE)();
	} else if (bootarg_is(fdt, "testguest.end=", "hang")) {
		uart_puts("testguest: waiting for nothing\n");
		for (;;)
			__asm__ volatile("msr daifset, #0xf\n\twfi");
	} else if (bootarg_is(fdt, "testguest.end=", "spin")) {
		uart_puts("testguest: spinning\n");
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	uart_puts("testguest: bye\n");
	power_off();
}

void guest_main(const void *fdt)
{
	enum uart_kind kind;
	struct hvc_ret v;
	uint64_t base;
	bool prot;

	if (!fdt && fdt_valid((const void *)QEMU_VIRT_DTB))
		fdt = (const void *)QEMU_VIRT_DTB;
	if (!fdt_valid(fdt) || !uart_find(fdt, &base, &kind))
		power_off();		/* nothing to print with */
	prot = guard_mmio(base);
	uart_init(base, kind);
	uart_puts("testguest: hello from the VMM's test guest\n");
	uart_puts(prot ? "testguest: protected VM (pKVM calls answered)\n"
		       : "testguest: normal VM\n");
	print_dt(fdt);
	v = hvc(PSCI_VERSION, 0, 0, 0);
	uart_puts("testguest: PSCI ");
	uart_putdec(v.x0 >> 16);
	uart_puts(".");
	uart_putdec(v.x0 & 0xffff);
	uart_puts("\n");
	probe_virtio(fdt, prot);
	smp_round_trip(fdt_count_cpus(fdt));
	if (bootarg_is(fdt, "testguest.irq=", "uart"))
		irq_demo_uart(fdt, base);
	if (bootarg_is(fdt, "testguest.irq=", "rng"))
		irq_demo_rng(fdt, prot);
	end(fdt);
}
