/* The agent image, embedded so that the fuzz target is one self-contained binary (as
 * ClusterFuzzLite runs it). The Makefile points the assembler at build/guest/img. */
	.section .rodata
	.global wvm_agent_elf, wvm_agent_elf_end
	.balign 16
wvm_agent_elf:
	.incbin "wvm-agent.elf"
wvm_agent_elf_end:
	.section .note.GNU-stack, "", %progbits
