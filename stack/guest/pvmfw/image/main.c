// SPDX-License-Identifier: Apache-2.0
/*
 * The pvmfw image's C entry: run the boot decision (pvmfw_boot(), stack/guest/pvmfw),
 * then either hand over to the verified payload or report why not and reset the VM.
 *
 * Console output (deterministic, the same on every backend):
 *   pvmfw: payload version V, key id K, entry 0xE          on success, then the payload
 *   pvmfw: PHRASE                                           on failure, the failed check
 *   pvmfw: reboot-reason N NAME                             on failure, machine-readable
 * A failure is also reported on the host channel (AVF_HVC_PVMFW_REBOOT_REASON) and the
 * VM stops with PSCI SYSTEM_RESET, as AVF's pvmfw does for every reason; should the
 * reset return, SYSTEM_OFF, then WFI forever.
 */
#include "stack/guest/pvmfw/image/pvmfw_image.h"

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/include/avf_hvc.h"
#include "stack/guest/pvmfw/pvmfw.h"
#include "stack/vmm/layout.h"

static const struct pvmfw_layout layout = {
	.fw_base = VMM_FW_BASE,
	.fw_size = VMM_FW_SIZE,
	.ram_base = VMM_RAM_BASE,
	.min_ram_size = 0x100000,
	.ipa_limit = 1ull << VMM_IPA_BITS,
};

/* Guest memory as the firmware sees it: identity-mapped from the start of RAM up. */
static uint8_t *identity_phys(void *ctx, uint64_t pa, uint64_t size)
{
	uint64_t limit = layout.ipa_limit;

	if (pa < layout.ram_base || pa > limit || size > limit - pa)
		return (uint8_t *)0;
	return (uint8_t *)(uintptr_t)pa;
}

static uint8_t *config_page(void)
{
	return __pvmfw_start + (uintptr_t)__pvmfw_config_offset;
}

static uint64_t config_avail(void)
{
	return layout.fw_size - (uintptr_t)__pvmfw_config_offset;
}

__attribute__((noreturn)) static void stop(enum avf_reboot_reason r, const char *detail)
{
	if (detail && *detail) {
		console_puts("pvmfw: ");
		console_puts(detail);
		console_puts("\n");
	}
	console_puts("pvmfw: reboot-reason ");
	console_dec(r);
	console_puts(" ");
	console_puts(pvmfw_reason_name(r));
	console_puts("\n");
	pvmfw_hvc(AVF_HVC_PVMFW_REBOOT_REASON, r, 0);
	pvmfw_hvc(AVF_PSCI_SYSTEM_RESET, 0, 0);
	pvmfw_hvc(AVF_PSCI_SYSTEM_OFF, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

__attribute__((noreturn)) void pvmfw_main(uint64_t fdt_addr)
{
	const struct pvmfw_platform platform = {
		.layout = layout,
		.trusted_key = pvmfw_trusted_key,
		.phys = identity_phys,
	};
	struct pvmfw_boot_out out;
	enum avf_reboot_reason r;

	r = pvmfw_boot(&platform, fdt_addr, config_page(), config_avail(), &__handover, &out);
	console_init(out.uart_base);
	if (r != AVF_REBOOT_NONE)
		stop(r, out.detail);
	console_puts("pvmfw: payload version ");
	console_dec(out.payload_version);
	console_puts(", key id ");
	console_bytes_hex(out.key_id, sizeof(out.key_id));
	console_puts(", entry ");
	console_hex(out.entry);
	console_puts("\n");
	/* What we wrote outside our own RW area goes to memory before the caches go off
	 * (pvmfw_handoff does our own area, once its stack is erased). */
	arch_dcache_clean(__handover.load_addr, __handover.mem_size);
	arch_dcache_clean(fdt_addr, __handover.fdt_size);
	arch_dcache_clean((uintptr_t)config_page(), sizeof(struct avf_pvmfw_config));
	pvmfw_handoff(out.entry, fdt_addr, (uintptr_t)&__handover);
}

__attribute__((noreturn)) void pvmfw_exception(uint64_t kind, uint64_t esr, uint64_t elr,
					       uint64_t far)
{
	/* Whatever was in flight, the device secret must not survive in the config. */
	if (config_avail() >= sizeof(struct avf_pvmfw_config))
		crypto_wipe(config_page() + offsetof(struct avf_pvmfw_config, uds),
			    AVF_PVMFW_UDS_SIZE);
	crypto_wipe(&__handover, sizeof(__handover));
	console_puts("pvmfw: unexpected exception: vector ");
	console_dec(kind);
	console_puts(", ESR ");
	console_hex(esr);
	console_puts(", ELR ");
	console_hex(elr);
	console_puts(", FAR ");
	console_hex(far);
	console_puts("\n");
	stop(AVF_REBOOT_INTERNAL_ERROR, "");
}
