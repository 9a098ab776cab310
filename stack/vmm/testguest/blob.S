/* The VMM test guest's images, embedded in the end-to-end unit test so that it needs no
 * file at run time (the same bytes avf-vmm loads in harness/test_vmm.py). */
	.section .rodata
	.global vmm_testguest_elf, vmm_testguest_elf_end, vmm_testfw_bin, vmm_testfw_bin_end
	.balign 16
vmm_testguest_elf:
	.incbin "vmm-testguest.elf"
vmm_testguest_elf_end:
	.balign 16
vmm_testfw_bin:
	.incbin "vmm-testfw.bin"
vmm_testfw_bin_end:
	.section .note.GNU-stack, "", %progbits
