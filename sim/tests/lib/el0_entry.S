// SPDX-License-Identifier: MIT
/* EL0 entry (ERET to EL0t) and the EL0 return trampoline. */

	.text
	.global	el0_enter
	.type	el0_enter, %function
/* void el0_enter(el0_fn fn, uint64_t arg, uint64_t sp0, uint64_t spsr): noreturn */
el0_enter:
	msr	elr_el1, x0
	msr	sp_el0, x2
	msr	spsr_el1, x3
	mov	x0, x1
	adrp	x30, el0_exit_trampoline
	add	x30, x30, :lo12:el0_exit_trampoline
	/* EL0 must not see EL1 values: clear the registers it could read. */
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x29, xzr
	eret
	.size	el0_enter, . - el0_enter

	.section .el0.text, "ax"
	.global	el0_exit_trampoline
el0_exit_trampoline:
	svc	#0xffff
	b	el0_exit_trampoline
