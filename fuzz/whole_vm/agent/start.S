// SPDX-License-Identifier: MIT
/*
 * Entry of the whole-VM fuzz agent: x0 = the DT (unused), MMU off, EL1h, DAIF masked
 * (they stay masked: the agent never takes interrupts, it only wakes on them in WFI).
 *
 * Exceptions: a synchronous one is what an op provoked (an abort the hyp injected for
 * unguarded MMIO or a page the guest gave away, an undefined system register). It is
 * counted and ends the op: the handler resumes guarded_call() (below) as if the op had
 * returned 1. (Stepping over the instruction instead is wrong for the compiler's loops:
 * a skipped post-indexed store never advances its pointer.) Outside guarded_call() the
 * instruction is stepped over. The handler uses only the stack and the mailbox, which
 * no op can take away (ops only give away arena pages).
 */
	.equ STACK_SIZE, 16384

	.section .text.start, "ax"
	.global _start
_start:
	ldr	x1, =stack_top
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	bl	agent_main
3:	wfi
	b	3b

	.text
/* Save the caller-saved registers, call agent_exception(esr, skip), restore, return. */
.macro	handler name, skip
\name:
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	mrs	x0, esr_el1
	mov	x1, #\skip
	bl	agent_exception
	.if \skip
	ldr	x1, =recover_pc
	ldr	x0, [x1]
	cbz	x0, 4f
	str	xzr, [x1]		// one recovery per guarded_call
	msr	elr_el1, x0
	ldr	x1, =recover_sp
	ldr	x1, [x1]
	mov	sp, x1
	eret
4:	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	.endif
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	add	sp, sp, #176
	eret
.endm

/*
 * uint64_t guarded_call(void (*fn)(void *), void *arg): fn(arg), returning 0, or 1 if a
 * synchronous exception ended it early (callee-saved registers restored from here).
 */
	.global guarded_call
guarded_call:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mov	x29, sp
	adr	x2, 5f
	ldr	x3, =recover_pc
	str	x2, [x3]
	ldr	x3, =recover_sp
	mov	x4, sp
	str	x4, [x3]
	mov	x2, x0
	mov	x0, x1
	blr	x2
	mov	x0, #0
	b	6f
5:	mov	x0, #1
6:	ldr	x3, =recover_pc
	str	xzr, [x3]
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

	handler sync_exc, 1
	handler async_exc, 0

	.balign 2048
vectors:
	.irp kind, sync_exc, async_exc, async_exc, async_exc, sync_exc, async_exc, async_exc, async_exc, sync_exc, async_exc, async_exc, async_exc, sync_exc, async_exc, async_exc, async_exc
	.balign 128
	b	\kind
	.endr

	.bss
	.balign 16
recover_pc:
	.skip	8
recover_sp:
	.skip	8
stack:
	.skip	STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", %progbits
