// SPDX-License-Identifier: MIT
/*
 * Exception vectors of the guest test runtime: save a struct except_frame (except.h),
 * call except_dispatch(frame), restore the (possibly changed) frame and ERET.
 * Also the setjmp-like ctx_save/ctx_resume pair.
 */

#define FRAME_SIZE	832
#define OFF_X30		240
#define OFF_ELR		256
#define OFF_ESR		272
#define OFF_CPACR	288
#define OFF_FPSR	304
#define OFF_Q		320

	.macro	ventry kind
	.balign	128
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x0, #\kind
	b	except_entry
	.endm

	.section .text.vectors, "ax"
	.balign	2048
	.global	vectors
vectors:
	.irp	kind, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	ventry	\kind
	.endr

except_entry:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x1, sp_el0
	stp	x30, x1, [sp, #OFF_X30]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #OFF_ELR]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [sp, #OFF_ESR]
	/* The handler may use FP/SIMD even if the interrupted code had it disabled. */
	mrs	x1, cpacr_el1
	stp	x1, x0, [sp, #OFF_CPACR]
	orr	x2, x1, #(3 << 20)
	msr	cpacr_el1, x2
	isb
	mrs	x1, fpsr
	mrs	x2, fpcr
	stp	x1, x2, [sp, #OFF_FPSR]
	add	x1, sp, #OFF_Q
	stp	q0, q1, [x1, #0]
	stp	q2, q3, [x1, #32]
	stp	q4, q5, [x1, #64]
	stp	q6, q7, [x1, #96]
	stp	q8, q9, [x1, #128]
	stp	q10, q11, [x1, #160]
	stp	q12, q13, [x1, #192]
	stp	q14, q15, [x1, #224]
	stp	q16, q17, [x1, #256]
	stp	q18, q19, [x1, #288]
	stp	q20, q21, [x1, #320]
	stp	q22, q23, [x1, #352]
	stp	q24, q25, [x1, #384]
	stp	q26, q27, [x1, #416]
	stp	q28, q29, [x1, #448]
	stp	q30, q31, [x1, #480]
	mov	x0, sp
	bl	except_dispatch

	add	x1, sp, #OFF_Q
	ldp	q0, q1, [x1, #0]
	ldp	q2, q3, [x1, #32]
	ldp	q4, q5, [x1, #64]
	ldp	q6, q7, [x1, #96]
	ldp	q8, q9, [x1, #128]
	ldp	q10, q11, [x1, #160]
	ldp	q12, q13, [x1, #192]
	ldp	q14, q15, [x1, #224]
	ldp	q16, q17, [x1, #256]
	ldp	q18, q19, [x1, #288]
	ldp	q20, q21, [x1, #320]
	ldp	q22, q23, [x1, #352]
	ldp	q24, q25, [x1, #384]
	ldp	q26, q27, [x1, #416]
	ldp	q28, q29, [x1, #448]
	ldp	q30, q31, [x1, #480]
	ldp	x1, x2, [sp, #OFF_FPSR]
	msr	fpsr, x1
	msr	fpcr, x2
	ldr	x1, [sp, #OFF_CPACR]
	msr	cpacr_el1, x1
	ldp	x1, x2, [sp, #OFF_ELR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x30, x1, [sp, #OFF_X30]
	msr	sp_el0, x1
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #FRAME_SIZE
	/* ERET is context synchronizing: the CPACR write above takes effect with it. */
	eret

	.text
	.global	ctx_save
	.type	ctx_save, %function
ctx_save:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x1, sp
	str	x1, [x0, #96]
	mov	x0, #0
	ret
	.size	ctx_save, . - ctx_save

	.global	ctx_resume
	.type	ctx_resume, %function
ctx_resume:
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x2, [x0, #96]
	mov	sp, x2
	mov	x0, x1
	ret
	.size	ctx_resume, . - ctx_resume
