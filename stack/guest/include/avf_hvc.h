/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hypercalls a guest makes (SMCCC 1.1, 64-bit fast calls, HVC #0; results in x0..x3).
 *
 * pKVM's guest calls, which the hyp itself answers for protected VMs (the same numbers
 * as HYP_GUEST_* in stack/hyp/hyp.h; pvmfw_hvc_test.c checks they agree). They return
 * 0 or an SMCCC error (-1 NOT_SUPPORTED, -3 INVALID_PARAMETER); HYP_MEMINFO and
 * MMIO_GUARD_INFO return the granule (4096).
 *
 * AVF's VM-to-host channel: the vendor hypervisor service range above pKVM's block
 * (0xc6000000..0xc60000ff belongs to the hyp), so the hyp forwards these to the host
 * (HYP_EXIT_HYPERCALL) and the VMM answers them. Each is described where it is defined.
 */
#ifndef AVF_HVC_H
#define AVF_HVC_H

#define AVF_HVC_PKVM_HYP_MEMINFO		0xc6000002u
#define AVF_HVC_PKVM_MEM_SHARE			0xc6000003u	/* x1 = IPA of a page */
#define AVF_HVC_PKVM_MEM_UNSHARE		0xc6000004u	/* x1 = IPA of a page */
#define AVF_HVC_PKVM_MMIO_GUARD_INFO		0xc6000005u
#define AVF_HVC_PKVM_MMIO_GUARD_ENROLL		0xc6000006u
#define AVF_HVC_PKVM_MMIO_GUARD_MAP		0xc6000007u	/* x1 = IPA of an MMIO page */
#define AVF_HVC_PKVM_MMIO_GUARD_UNMAP		0xc6000008u
#define AVF_HVC_PKVM_MEM_RELINQUISH		0xc6000009u

#define AVF_SMCCC_SUCCESS			0ull
#define AVF_SMCCC_NOT_SUPPORTED			((unsigned long long)-1)
#define AVF_SMCCC_INVALID_PARAMETER		((unsigned long long)-3)

/* The AVF channel block: 0xc6000400..0xc60004ff. */
#define AVF_HVC_BASE				0xc6000400u
/* pvmfw -> host: x1 = enum avf_reboot_reason (avf_pvmfw_abi.h). */
#define AVF_HVC_PVMFW_REBOOT_REASON		(AVF_HVC_BASE + 0)

/*
 * The runtime -> host (docs/RUNTIME.md). The host answers x0 = 0.
 * READY:      the payload is ready to serve (AVmPayload_notifyServiceReady).
 * FINISHED:   x1 = the exit code (int32, sign-extended) AVmPayload_main returned; the
 *             VM powers off next.
 * ERROR_TEXT: x1 = byte offset, x2..x6 = the next 40 bytes of an error message
 *             (little-endian, NUL-padded); sent before ERROR, in order from offset 0.
 * ERROR:      x1 = the error code (int32, sign-extended), x2 = the message length
 *             (<= 256; the text is what the ERROR_TEXT calls since the last ERROR sent).
 */
#define AVF_HVC_PAYLOAD_READY			(AVF_HVC_BASE + 1)
#define AVF_HVC_PAYLOAD_FINISHED		(AVF_HVC_BASE + 2)
#define AVF_HVC_PAYLOAD_ERROR_TEXT		(AVF_HVC_BASE + 3)
#define AVF_HVC_PAYLOAD_ERROR			(AVF_HVC_BASE + 4)
/* The error code the runtime itself reports when it cannot go on (rt_panic). */
#define AVF_RUNTIME_ERROR_PANIC			(-1)

/*
 * Test calls (the scenario payload, stack/guest/payloads/scenario; docs/VMM.md, "Scenario
 * hooks"). The VMM hands both to its embedder's on_hypercall hook first.
 * TEST_MARK: x1 = a mark number: the guest reached that point of its script. The VMM
 *            logs "vmm: NAME: mark N"; x0 = 0.
 * TEST_WAIT: x1 = a token: may the guest go on? x0 = 0 when the host released the
 *            token, 1 = not yet (the guest sleeps a little and asks again). Without a
 *            hook every token counts as released (x0 = 0), so a script runs to its end.
 * Calls in AVF_HVC_BASE + 5 .. + 0xff that nobody answers get NOT_SUPPORTED.
 */
#define AVF_HVC_TEST_MARK			(AVF_HVC_BASE + 0x10)
#define AVF_HVC_TEST_WAIT			(AVF_HVC_BASE + 0x11)
#define AVF_HVC_TEST_LAST			(AVF_HVC_BASE + 0xff)

/* PSCI 0.2+ (the VMM's, through the HAL). */
#define AVF_PSCI_VERSION			0x84000000u
#define AVF_PSCI_SYSTEM_OFF			0x84000008u
#define AVF_PSCI_SYSTEM_RESET			0x84000009u

#endif /* AVF_HVC_H */
