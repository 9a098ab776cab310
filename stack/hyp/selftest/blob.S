/* The hyp self-test guest image, embedded so that every backend runs the very same bytes. */
	.section .rodata
	.global hyp_guest_image, hyp_guest_image_end
	.balign 16
hyp_guest_image:
	.incbin "hypguest.bin"
hyp_guest_image_end:
	.section .note.GNU-stack, "", %progbits
