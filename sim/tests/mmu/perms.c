// SPDX-License-Identifier: MIT
/*
 * mmu: access permissions and the access flag: read-only pages and blocks, execute
 * permission (PXN) on code copied into a fresh page, SCTLR_EL1.WXN, and an access-flag
 * fault cured by setting AF.
 */
#include "sim/tests/lib/expect_exc.h"
#include "sim/tests/lib/test.h"
#include "sim/tests/mmu/mmu_util.h"

#define VA_BASE 0x5000000000ull	/* a free 1 GiB slot of the 39-bit space */

/* Make fresh code at va visible to instruction fetch. */
static void sync_icache(void)
{
	dsb(ish);
	asm volatile("ic iallu" ::: "memory");
	dsb(ish);
	isb();
}

/* A page holding "mov w0, #42; ret". */
static uint64_t code_page(void)
{
	uint32_t *p = pt_alloc_page();

	p[0] = 0x52800540;	/* mov w0, #42 */
	p[1] = 0xd65f03c0;	/* ret */
	sync_icache();
	return (uint64_t)p;
}

TEST(read_only_page_and_block)
{
	struct pt pt;
	struct caught c;
	uint64_t page = tagged_page(0x40);

	identity_table(&pt, 39);
	pt_map(&pt, VA_BASE, page, PAGE_SIZE, PROT_NORMAL_RO, PT_PAGES);
	pt_map(&pt, VA_BASE + (2ull << 20), 0x40400000, 2ull << 20, PROT_NORMAL_RO, 0);
	use_ttbr0(&pt);
	EXPECT_SHOW("read ro page", peek(VA_BASE), 0x40);
	EXPECT_SHOW("at s1e1w ro page", at_write(VA_BASE), AT_FAULT | FSC_PERMISSION(3));
	except_catch(&c, CATCH_SKIP);
	poke(VA_BASE + 8, 1);
	except_catch_end();
	EXPECT_CAUGHT("write ro page", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_PERMISSION(3), .wnr = 1, .far = VA_BASE + 8);
	except_catch(&c, CATCH_SKIP);
	poke(VA_BASE + (2ull << 20) + 0x100, 1);
	except_catch_end();
	EXPECT_CAUGHT("write ro 2M block", &c, .vector = VEC_CUR_SPX_SYNC,
		      .ec = ESR_EC_DABT_CUR, .fsc = FSC_PERMISSION(2), .wnr = 1,
		      .far = VA_BASE + (2ull << 20) + 0x100);
	mmu_restore_default();
}

TEST(execute_permission)
{
	struct pt pt;
	struct caught c;
	uint64_t code = code_page(), *pte;

	identity_table(&pt, 39);
	pt_map(&pt, VA_BASE, code, PAGE_SIZE, PROT_NORMAL_RX, PT_PAGES);
	use_ttbr0(&pt);
	EXPECT_SHOW("call copied code", ((uint64_t (*)(void))VA_BASE)(), 42);
	/* Now forbid EL1 execution (PXN) and invalidate the entry. */
	pte = pt_entry(&pt, VA_BASE, NULL);
	*pte |= PTE_PXN;
	tlbi_va_all_asid(VA_BASE);
	except_catch(&c, CATCH_RETURN);
	call_address(VA_BASE);
	except_catch_end();
	EXPECT_CAUGHT("call PXN page", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_IABT_CUR,
		      .fsc = FSC_PERMISSION(3), .wnr = -1, .far = VA_BASE);
	mmu_restore_default();
}

TEST(write_implies_execute_never)
{
	struct pt pt;
	struct caught c;
	uint64_t code = code_page();

	identity_table(&pt, 39);
	/* Writable and executable at EL1: allowed while SCTLR_EL1.WXN is clear. */
	pt_map(&pt, VA_BASE, code, PAGE_SIZE,
	       PTE_ATTRIDX(MT_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_AP_RW_EL1 | PTE_UXN,
	       PT_PAGES);
	use_ttbr0(&pt);
	EXPECT_SHOW("call rwx page", ((uint64_t (*)(void))VA_BASE)(), 42);
	/* WXN may be cached in TLB entries: invalidate after setting it. */
	mmu_switch((uint64_t)pt.root, 0, (mmu_default_tcr() & ~0x3full) | TCR_T0SZ(39),
		   mmu_default_sctlr() | SCTLR_WXN);
	except_catch(&c, CATCH_RETURN);
	call_address(VA_BASE);
	except_catch_end();
	EXPECT_CAUGHT("call rw page with WXN", &c, .vector = VEC_CUR_SPX_SYNC,
		      .ec = ESR_EC_IABT_CUR, .fsc = FSC_PERMISSION(3), .wnr = -1,
		      .far = VA_BASE);
	mmu_restore_default();
}

TEST(access_flag)
{
	struct pt pt;
	struct caught c;
	uint64_t *pte;

	identity_table(&pt, 39);
	pt_map(&pt, VA_BASE, tagged_page(0xaf), PAGE_SIZE, PROT_NORMAL_RW & ~PTE_AF, PT_PAGES);
	use_ttbr0(&pt);
	except_catch(&c, CATCH_SKIP);
	peek(VA_BASE);
	except_catch_end();
	EXPECT_CAUGHT("AF clear", &c, .vector = VEC_CUR_SPX_SYNC, .ec = ESR_EC_DABT_CUR,
		      .fsc = FSC_ACCESS_FLAG(3), .wnr = 0, .far = VA_BASE);
	/* Software management of the flag (no FEAT_HAFDBS here): set it and retry. */
	pte = pt_entry(&pt, VA_BASE, NULL);
	*pte |= PTE_AF;
	tlbi_va_all_asid(VA_BASE);
	EXPECT_SHOW("after setting AF", peek(VA_BASE), 0xaf);
	mmu_restore_default();
}
