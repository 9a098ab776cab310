// SPDX-License-Identifier: MIT
/*
 * exceptions: aborts under the runtime's default map (mmu.h): translation faults at the
 * level where the walk stops, permission faults on read-only and non-executable pages,
 * alignment faults (SCTLR_EL1.A, exclusives), PC alignment, and instruction aborts.
 * Each reports EC, WnR, the fault status code and FAR.
 *
 * Not tested: the alignment fault of an unaligned access to Device memory, which the
 * architecture requires but QEMU 7.2 (the oracle) does not raise.
 */
#include "sim/tests/lib/expect_exc.h"
#include "sim/tests/lib/mmu.h"

/* Inside the 39-bit VA space but not mapped: level-1 entry 64 is empty. */
#define VA_UNMAPPED_L1	0x1000000000ull
/* In the 1 GiB of RAM space above the board's RAM: a level-2 entry is empty. */
#define VA_UNMAPPED_L2	(VIRT_RAM_END + 0x200000)

static const uint64_t ro_word = 0x5555;
static uint64_t rw_words[4] __attribute__((aligned(64)));

static uint64_t load64(uint64_t va)
{
	uint64_t v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(va) : "memory");
	return v;
}

static void store64(uint64_t va, uint64_t v)
{
	asm volatile("str %0, [%1]" :: "r"(v), "r"(va) : "memory");
}

TEST(translation_faults)
{
	struct caught c;

	except_catch(&c, CATCH_SKIP);
	load64(VA_UNMAPPED_L1);
	except_catch_end();
	EXPECT_CAUGHT("read, level 1", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_TRANSLATION(1), .wnr = 0, .far = VA_UNMAPPED_L1);
	except_catch(&c, CATCH_SKIP);
	store64(VA_UNMAPPED_L2 + 0x18, 1);
	except_catch_end();
	EXPECT_CAUGHT("write, level 2", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_TRANSLATION(2), .wnr = 1, .far = VA_UNMAPPED_L2 + 0x18);
	/* The faulting load did not write its destination register (ELR skipped it). */
	EXPECT_SHOW("elr is the load", c.elr & 3, 0);
}

TEST(permission_faults)
{
	struct caught c;
	uint64_t ro = (uint64_t)&ro_word;

	EXPECT_SHOW("read of rodata", load64(ro), 0x5555);
	except_catch(&c, CATCH_SKIP);
	store64(ro, 1);
	except_catch_end();
	EXPECT_CAUGHT("write to rodata", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_PERMISSION(3), .wnr = 1, .far = ro);
	EXPECT_SHOW("rodata unchanged", ro_word, 0x5555);
}

TEST(alignment_faults)
{
	struct caught c;
	uint64_t misaligned = (uint64_t)rw_words + 1;
	uint64_t v;

	/* Normal memory: only with SCTLR_EL1.A set. */
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_A);
	isb();
	except_catch(&c, CATCH_SKIP);
	load64(misaligned);
	except_catch_end();
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~SCTLR_A);
	isb();
	EXPECT_CAUGHT("ldr with A=1", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_ALIGNMENT, .wnr = 0, .far = misaligned);
	/* Exclusives always need natural alignment. */
	except_catch(&c, CATCH_SKIP);
	asm volatile("ldxr %0, [%1]" : "=r"(v) : "r"((uint64_t)rw_words + 4) : "memory");
	except_catch_end();
	EXPECT_CAUGHT("ldxr +4", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_ALIGNMENT, .wnr = 0, .far = (uint64_t)rw_words + 4);
}

static void ret_function(void)
{
}

TEST(instruction_aborts)
{
	struct caught c;
	uint64_t data_page = (uint64_t)rw_words;
	uint64_t odd_pc = (uint64_t)&ret_function + 2;

	except_catch(&c, CATCH_RETURN);
	call_address(VA_UNMAPPED_L1 + 0x40);
	except_catch_end();
	EXPECT_CAUGHT("fetch unmapped", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_IABT_CUR,
		      .fsc = FSC_TRANSLATION(1), .wnr = -1, .far = VA_UNMAPPED_L1 + 0x40);
	EXPECT_EQ(c.elr, VA_UNMAPPED_L1 + 0x40);
	except_catch(&c, CATCH_RETURN);
	call_address(data_page);
	except_catch_end();
	EXPECT_CAUGHT("fetch from PXN data", &c, .vector = VEC_CUR_SPX_SYNC,
		      .ec = ESR_EC_IABT_CUR, .fsc = FSC_PERMISSION(3), .wnr = -1,
		      .far = data_page);
	except_catch(&c, CATCH_RETURN);
	call_address(odd_pc);
	except_catch_end();
	EXPECT_CAUGHT("misaligned pc", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_PC_ALIGN,
		      .fsc = -1, .wnr = -1);
	EXPECT_EQ(c.elr, odd_pc);
	EXPECT_EQ(c.far, odd_pc);
}
