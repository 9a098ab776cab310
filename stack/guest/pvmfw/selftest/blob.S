/* pvmfw-selftest's guest bytes, embedded so that every backend runs the very same ones:
 * the firmware image, the test payload, the runtime's "hello" and "dice" payloads, signed
 * with the development key, and that key. */
	.section .rodata
	.global pvmfw_image, pvmfw_image_end, test_payload, test_payload_end, dev_public_key
	.global hello_payload, hello_payload_end, dice_payload, dice_payload_end
	.balign 16
pvmfw_image:
	.incbin "pvmfw.bin"
pvmfw_image_end:
	.balign 16
test_payload:
	.incbin "pvmfw-testpayload.payload"
test_payload_end:
	.balign 16
hello_payload:
	.incbin "payload-hello.payload"
hello_payload_end:
	.balign 16
dice_payload:
	.incbin "pvmfw-dicepayload.payload"
dice_payload_end:
	.balign 16
dev_public_key:
	.incbin "stack/guest/keys/dev.pub"
	.section .note.GNU-stack, "", %progbits
