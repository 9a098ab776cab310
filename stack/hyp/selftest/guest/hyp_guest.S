// SPDX-License-Identifier: MIT
/*
 * Guest of hyp-selftest: a protected VM that exercises the hyp's guest-facing calls.
 * Loaded at IPA 0x80000000 (RAM: 16 pages donated by the host), stage 1 off. Results go
 * to the host through HVC REPORT (x1..x6), a call the hyp forwards because it is outside
 * the pKVM range it owns. x0 selects the scenario.
 */
	.equ REPORT,		0xc6002000
	.equ HYP_MEMINFO,	0xc6000002
	.equ MEM_SHARE,		0xc6000003
	.equ MEM_UNSHARE,	0xc6000004
	.equ MMIO_GUARD_ENROLL,	0xc6000006
	.equ MMIO_GUARD_MAP,	0xc6000007
	.equ MEM_RELINQUISH,	0xc6000009
	.equ PSCI_SYSTEM_OFF,	0x84000008
	.equ SHARED_PAGE,	0x80008000	// page 8 of RAM
	.equ SECRET_PAGE,	0x80009000	// page 9 of RAM
	.equ MMIO_DEV,		0x10000000
	.equ NOT_MINE,		0x90000000	// never given to this VM

	.macro movq reg, val
	movz \reg, #((\val) & 0xffff)
	movk \reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk \reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk \reg, #(((\val) >> 48) & 0xffff), lsl #48
	.endm
	.macro call fn
	movq x0, \fn
	hvc #0
	.endm
	.macro report
	movq x0, REPORT
	hvc #0
	.endm

	.text
	.global _start
_start:
	adr x12, stack_top
	mov sp, x12
	adr x12, vectors
	msr vbar_el1, x12
	isb
	cbz x0, s_share
	cmp x0, #1
	b.eq s_fault
	cmp x0, #2
	b.eq s_mmio
	b s_relinquish

/* 0: MEMINFO, share a page, write it, unshare it, write the secret page. */
s_share:
	call HYP_MEMINFO
	mov x1, x0
	report					// r1: granule
	movq x1, SHARED_PAGE
	call MEM_SHARE
	mov x1, x0
	report					// r2: share result
	movq x11, SHARED_PAGE
	movq x12, 0x5ea7ed5ea7ed
	str x12, [x11]
	movq x11, SECRET_PAGE
	movq x12, 0x5ec2e75ec2e7
	str x12, [x11]
	mov x1, #1
	report					// r3: host looks at both pages
	movq x1, SHARED_PAGE
	call MEM_UNSHARE
	mov x1, x0
	report					// r4: unshare result; host looks again
	movq x1, SHARED_PAGE
	call MEM_UNSHARE
	mov x1, x0
	report					// r5: second unshare fails
	movq x1, NOT_MINE
	call MEM_SHARE
	mov x1, x0
	report					// r6: sharing a page it does not own fails
	b off

/* 1: touch memory the VM does not own: the hyp injects an abort. */
s_fault:
	movq x11, NOT_MINE
	ldr x1, [x11]
	mov x1, #0xbad
	report
	b off

/* 2: MMIO without the guard is refused; after ENROLL + MAP it reaches the host. */
s_mmio:
	call MMIO_GUARD_ENROLL
	mov x1, x0
	report					// r1: enroll result
	movq x11, MMIO_DEV
	movq x1, MMIO_DEV
	call MMIO_GUARD_MAP
	mov x1, x0
	report					// r2: map result
	mov w12, #0x42
	str w12, [x11]				// reaches the host as MMIO
	movq x11, MMIO_DEV + 0x1000
	str w12, [x11]				// not guarded: abort
	mov x1, #0xbad
	report
	b off

/* 3: relinquish a page: the host gets it back scrubbed. */
s_relinquish:
	movq x11, SECRET_PAGE
	movq x12, 0x5ec2e75ec2e7
	str x12, [x11]
	movq x1, SECRET_PAGE
	call MEM_RELINQUISH
	mov x1, x0
	report
	b off

off:
	movq x0, PSCI_SYSTEM_OFF
	hvc #0
	b .

sync_handler:
	mrs x1, esr_el1
	lsr x1, x1, #26
	mrs x2, far_el1
	report
	b off

	.balign 2048
vectors:
	.rept 4
	b .
	.balign 128
	.endr
	b sync_handler
	.balign 128
	.rept 11
	b .
	.balign 128
	.endr

	.balign 16
	.space 512
stack_top:
