/* The kit's guest image, embedded so that every backend runs the very same bytes. */
	.section .rodata
	.global kit_guest_image, kit_guest_image_end
	.balign 16
kit_guest_image:
	.incbin "halkit.bin"
kit_guest_image_end:
	.section .note.GNU-stack, "", %progbits
