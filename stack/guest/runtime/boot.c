// SPDX-License-Identifier: Apache-2.0
/*
 * The runtime's C entry (docs/RUNTIME.md, "Boot"): take what pvmfw handed over and wipe
 * its secrets there, bring up the console, heap, GIC and timer, run the payload, report
 * its exit code, power off.
 */
#include "stack/guest/runtime/rt_internal.h"
#include "stack/guest/runtime/virtio_internal.h"

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/include/avf_vm_payload.h"

struct rt_state rt;

static bool handover_valid(const struct avf_handover *ho)
{
	static const char magic[8] = AVF_HANDOVER_MAGIC;

	for (int i = 0; i < 8; i++)
		if (ho->magic[i] != (uint8_t)magic[i])
			return false;
	return ho->version == AVF_HANDOVER_VERSION && ho->size == sizeof(*ho);
}

static void take_handover(struct avf_handover *ho)
{
	rt.info = (struct rt_vm_info){
		.ram_base = ho->ram_base, .ram_size = ho->ram_size,
		.fdt_addr = ho->fdt_addr, .fdt_size = ho->fdt_size,
		.uart_base = ho->uart_base, .dice_mode = ho->mode,
		.payload_version = ho->payload_version,
	};
	for (int i = 0; i < AVF_CDI_SIZE; i++) {
		rt.cdi_seal[i] = ho->cdi_seal[i];
		rt.cdi_attest[i] = ho->cdi_attest[i];
	}
	rt_dice_take(ho);
	/* The handover page stays readable to all payload code: keep no secret there. */
	crypto_wipe(ho->cdi_seal, AVF_CDI_SIZE);
	crypto_wipe(ho->cdi_attest, AVF_CDI_SIZE);
}

const struct rt_vm_info *rt_vm_info(void)
{
	return &rt.info;
}

__attribute__((noreturn)) void rt_start(uint64_t fdt, struct avf_handover *ho);

__attribute__((noreturn)) void rt_start(uint64_t fdt, struct avf_handover *ho)
{
	int rc;

	if (!ho || !handover_valid(ho)) {
		/* A normal VM may run us without pvmfw (no secrets then); a protected one
		 * never. No console is known yet: the error channel still works. */
		if (rt_vm_is_protected() || !rt_info_from_dt(fdt, &rt.info)) {
			rt_report_error(AVF_RUNTIME_ERROR_PANIC,
					"runtime: no valid handover from pvmfw");
			rt_psci_system_reset();
		}
		rt.no_handover = true;
	} else {
		take_handover(ho);
	}
	rt_console_init(rt.info.uart_base);
	if (fdt != rt.info.fdt_addr)
		rt_panic("x0 (%#lx) is not the DT pvmfw checked (%#lx)", (unsigned long)fdt,
			 (unsigned long)rt.info.fdt_addr);
	rt_heap_setup();
	rt_gic_init(fdt);
	rt_timer_init();
	rt_virtio_probe(fdt);
	if (rt.no_handover)
		rt_log("runtime: no pvmfw handover: normal VM without secrets\n");
	rt_log("runtime: payload version %lu, %s mode, %lu MiB RAM\n",
	       (unsigned long)rt.info.payload_version,
	       rt.info.dice_mode == AVF_DICE_MODE_DEBUG ? "debug" : "normal",
	       (unsigned long)(rt.info.ram_size >> 20));
	rc = AVmPayload_main();
	rt_log("runtime: payload exited with %d\n", rc);
	rt_report_finished(rc);
	crypto_wipe(&rt.cdi_seal, sizeof(rt.cdi_seal));
	crypto_wipe(&rt.cdi_attest, sizeof(rt.cdi_attest));
	rt_psci_system_off();
}

__attribute__((noreturn)) void rt_fatal_exception(uint64_t kind, uint64_t esr, uint64_t elr,
						  uint64_t far);

__attribute__((noreturn)) void rt_fatal_exception(uint64_t kind, uint64_t esr, uint64_t elr,
						  uint64_t far)
{
	rt_panic("unexpected exception: vector %lu, ESR %#lx, ELR %#lx, FAR %#lx",
		 (unsigned long)kind, (unsigned long)esr, (unsigned long)elr, (unsigned long)far);
}
