// SPDX-License-Identifier: MIT
/*
 * GICv3 distributor and redistributor registers, driven through the MMIO handlers the
 * GIC registered in a real partition: exact reset values, access rules (sizes, RAZ/WI
 * ranges, read-only fields), creation errors and snapshots of the state blob.
 * Interrupt delivery and the CPU interface are in gic_cpuif_test.c.
 */
#include <stdlib.h>

#include "sim/gic_test_util.h"

static const unsigned four_cpus[] = { 0, 1, 2, 3 };

static int setup4(void **state)
{
	*state = t_machine_new(four_cpus, 4);
	return 0;
}

static int teardown(void **state)
{
	t_machine_free(*state);
	return 0;
}

/* ---- distributor ------------------------------------------------------------------------ */

static void dist_identification(void **state)
{
	struct t_machine *t = *state;

	/* ARE (bit 4) and DS (bit 6) read as one; groups disabled at reset. */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x0000, 4), 0x50);
	/* ITLinesNumber = (32 + 64) / 32 - 1 = 2; IDbits = 9 (10-bit INTIDs); rest 0. */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x0004, 4), (9u << 19) | 2);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x0008, 4), 0x5300043b);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x000c, 4), 0);	/* TYPER2 */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x0010, 4), 0);	/* STATUSR */
	assert_int_equal(t_mmio_read(t, T_GICD + 0xffe8, 4) & 0xf0, 0x30);	/* ArchRev 3 */
	assert_int_equal(t_mmio_read(t, T_GICD + 0xffe8, 4), 0x3b);
	/* The rest of the identification block: PIDR4, PIDR0, PIDR1, CIDR0..3. */
	assert_int_equal(t_mmio_read(t, T_GICD + 0xffd0, 4), 0x04);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xffe0, 4), 0x00);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xffe4, 4), 0xb0);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xffec, 4), 0);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xfff0, 4), 0x0d);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xfff4, 4), 0xf0);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xfff8, 4), 0x05);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xfffc, 4), 0xb1);
}

static void dist_ctlr_keeps_only_group_enables(void **state)
{
	struct t_machine *t = *state;

	t_mmio_write(t, T_GICD, 4, 0xffffffff);
	assert_int_equal(t_mmio_read(t, T_GICD, 4), 0x53);
	t_mmio_write(t, T_GICD, 4, 0x2);
	assert_int_equal(t_mmio_read(t, T_GICD, 4), 0x52);
	t_mmio_write(t, T_GICD, 4, 0);
	assert_int_equal(t_mmio_read(t, T_GICD, 4), 0x50);
	/* Read-only registers ignore writes. */
	t_mmio_write(t, T_GICD + 0x4, 4, 0);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x4, 4), (9u << 19) | 2);
}

static void dist_spi_bit_banks(void **state)
{
	struct t_machine *t = *state;

	/* Groups reset to Group 1, everything else to 0. */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x084, 4), 0xffffffff);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x104, 4), 0);
	t_mmio_write(t, T_GICD + 0x084, 4, 0x0000ffff);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x084, 4), 0x0000ffff);

	t_mmio_write(t, T_GICD + 0x104, 4, 0x00000011);		/* ISENABLER1 */
	t_mmio_write(t, T_GICD + 0x104, 4, 0x00000100);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x104, 4), 0x111);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x184, 4), 0x111);	/* ICENABLER1 */
	t_mmio_write(t, T_GICD + 0x184, 4, 0x00000001);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x104, 4), 0x110);

	t_mmio_write(t, T_GICD + 0x208, 4, 0x80000001);		/* ISPENDR2 */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x288, 4), 0x80000001);
	t_mmio_write(t, T_GICD + 0x288, 4, 0x00000001);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x208, 4), 0x80000000);

	t_mmio_write(t, T_GICD + 0x304, 4, 0x00f00000);		/* ISACTIVER1 */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x384, 4), 0x00f00000);
	t_mmio_write(t, T_GICD + 0x384, 4, 0x00300000);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x304, 4), 0x00c00000);
}

static void dist_sgi_ppi_words_and_absent_spis_are_raz_wi(void **state)
{
	struct t_machine *t = *state;

	/* Word 0 (INTIDs 0-31) lives in the redistributors under affinity routing. */
	for (unsigned reg = 0x080; reg < 0x400; reg += 0x80) {
		t_mmio_write(t, T_GICD + reg, 4, 0xffffffff);
		assert_int_equal(t_mmio_read(t, T_GICD + reg, 4), 0);
	}
	/* 64 SPIs: INTIDs 96.. do not exist. */
	t_mmio_write(t, T_GICD + 0x10c, 4, 0xffffffff);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x10c, 4), 0);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x08c, 4), 0);
	t_mmio_write(t, T_GICD + 0x400 + 100, 1, 0x80);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 100, 1), 0);
	t_mmio_write(t, T_GICD + 0x400 + 8, 4, 0x80808080);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 8, 4), 0);
	t_mmio_write(t, T_GICD + 0x6000 + 8 * 96, 8, 1);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x6000 + 8 * 96, 8), 0);
	t_mmio_write(t, T_GICD + 0x6000 + 8 * 5, 8, 1);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x6000 + 8 * 5, 8), 0);
	/* ICFGR0/1 (SGIs, PPIs) and ICFGR6 (INTIDs 96-111) */
	t_mmio_write(t, T_GICD + 0xc04, 4, 0xaaaaaaaa);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xc04, 4), 0);
	t_mmio_write(t, T_GICD + 0xc18, 4, 0xaaaaaaaa);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xc18, 4), 0);
}

static void dist_priorities_bytes_and_words(void **state)
{
	struct t_machine *t = *state;

	/* Five priority bits: the low three read as zero. */
	t_mmio_write(t, T_GICD + 0x400 + 40, 1, 0xff);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 40, 1), 0xf8);
	t_mmio_write(t, T_GICD + 0x400 + 44, 4, 0x1f2f3f4f);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 44, 4), 0x18283848);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 45, 1), 0x38);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 40, 4), 0xf8);
	/* Halfwords and misaligned words are not allowed: RAZ/WI. */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 44, 2), 0);
	t_mmio_write(t, T_GICD + 0x400 + 44, 2, 0);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 44, 4), 0x18283848);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 45, 4), 0);
	t_mmio_write(t, T_GICD + 0x400 + 41, 4, 0xffffffff);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x400 + 40, 4), 0xf8);
}

static void dist_icfgr_edge_bits(void **state)
{
	struct t_machine *t = *state;

	/* ICFGR2: INTIDs 32-47; only the odd bit of each field is writable. */
	assert_int_equal(t_mmio_read(t, T_GICD + 0xc08, 4), 0);
	t_mmio_write(t, T_GICD + 0xc08, 4, 0xffffffff);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xc08, 4), 0xaaaaaaaa);
	t_mmio_write(t, T_GICD + 0xc08, 4, 0x00000008);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xc08, 4), 0x00000008);
	t_mmio_write(t, T_GICD + 0xc0c, 4, 0x80000000);		/* INTID 63 edge */
	assert_int_equal(t_mmio_read(t, T_GICD + 0xc0c, 4), 0x80000000);
}

static void dist_irouter_fields_and_halves(void **state)
{
	struct t_machine *t = *state;
	uint64_t r = T_GICD + 0x6000 + 8 * 40;

	assert_int_equal(t_mmio_read(t, r, 8), 0);
	/* Aff3 [39:32], IRM [31], Aff2..Aff0 [23:0]; the rest RES0. */
	t_mmio_write(t, r, 8, 0xffffffffffffffffull);
	assert_int_equal(t_mmio_read(t, r, 8), 0xff80ffffffull);
	assert_int_equal(t_mmio_read(t, r, 4), 0x80ffffff);
	assert_int_equal(t_mmio_read(t, r + 4, 4), 0xff);
	t_mmio_write(t, r, 4, 0x00000102);
	assert_int_equal(t_mmio_read(t, r, 8), 0xff00000102ull);
	t_mmio_write(t, r + 4, 4, 0);
	assert_int_equal(t_mmio_read(t, r, 8), 0x102);
	/* Halfword and byte accesses to IROUTER: RAZ/WI. */
	t_mmio_write(t, r, 2, 0xffff);
	t_mmio_write(t, r, 1, 0xff);
	assert_int_equal(t_mmio_read(t, r, 2), 0);
	assert_int_equal(t_mmio_read(t, r, 8), 0x102);
}

static void dist_bad_sizes_and_reserved_space(void **state)
{
	struct t_machine *t = *state;

	/* 64-bit and 16-bit accesses to 32-bit registers: RAZ/WI. */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x0, 8), 0);
	t_mmio_write(t, T_GICD + 0x0, 8, 0x3);
	t_mmio_write(t, T_GICD + 0x0, 2, 0x3);
	t_mmio_write(t, T_GICD + 0x0, 1, 0x3);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x0, 4), 0x50);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x4, 2), 0);
	/* Reserved, legacy and optional registers: RAZ/WI. */
	for (uint64_t off = 0x0014; off < 0x0080; off += 4)
		assert_int_equal(t_mmio_read(t, T_GICD + off, 4), 0);
	t_mmio_write(t, T_GICD + 0xd04, 4, 0xffffffff);		/* IGRPMODR1 */
	assert_int_equal(t_mmio_read(t, T_GICD + 0xd04, 4), 0);
	t_mmio_write(t, T_GICD + 0xe08, 4, 0xffffffff);		/* NSACR2 */
	assert_int_equal(t_mmio_read(t, T_GICD + 0xe08, 4), 0);
	t_mmio_write(t, T_GICD + 0xf00, 4, 0x02000001);		/* SGIR: WI with ARE */
	assert_int_equal(t_mmio_read(t, T_SGI(0) + 0x200, 4), 0);
	assert_int_equal(t_mmio_read(t, T_GICD + 0x820, 4), 0);	/* ITARGETSR8 */
	assert_int_equal(t_mmio_read(t, T_GICD + 0x8000, 4), 0);
	assert_int_equal(t_mmio_read(t, T_GICD + 0xfffc, 1), 0);
}

/* ---- redistributors ----------------------------------------------------------------------- */

static void redist_typer_and_last(void **state)
{
	struct t_machine *t = *state;

	for (unsigned i = 0; i < 4; i++) {
		uint64_t typer = t_mmio_read(t, T_RD(i) + 0x8, 8);
		uint64_t expect = ((uint64_t)i << 32) | (i << 8) | (i == 3 ? 0x10 : 0);

		assert_int_equal(typer, expect);
		assert_int_equal(t_mmio_read(t, T_RD(i) + 0x8, 4), (uint32_t)expect);
		assert_int_equal(t_mmio_read(t, T_RD(i) + 0xc, 4), i);
		assert_int_equal(t_mmio_read(t, T_RD(i) + 0xffe8, 4), 0x3b);
		assert_int_equal(t_mmio_read(t, T_RD(i) + 0x4, 4), 0x5300043b);
		assert_int_equal(t_mmio_read(t, T_RD(i) + 0x0, 4), 0);	/* GICR_CTLR */
	}
	/* A frame without a CPU reads as zero: no PIDR2, no TYPER. */
	assert_int_equal(t_mmio_read(t, T_RD(4) + 0xffe8, 4), 0);
	assert_int_equal(t_mmio_read(t, T_RD(4) + 0x8, 8), 0);
	t_mmio_write(t, T_SGI(4) + 0x100, 4, 0xffffffff);
	assert_int_equal(t_mmio_read(t, T_SGI(4) + 0x100, 4), 0);
}

static void redist_affinity_of_second_cluster(void **state)
{
	static const unsigned idx[] = { 0, 17 };
	struct t_machine *t = t_machine_new(idx, 2);

	/* Index 17: Aff1 = 1, Aff0 = 1; the last redistributor; CPU 0 not last. */
	assert_int_equal(t_mmio_read(t, T_RD(17) + 0x8, 8),
			 (0x101ull << 32) | (17 << 8) | 0x10);
	assert_int_equal(t_mmio_read(t, T_RD(0) + 0x8, 8), 0);
	t_machine_free(t);
}

static void redist_waker_handshake(void **state)
{
	struct t_machine *t = *state;

	/* Reset: ProcessorSleep and ChildrenAsleep. */
	assert_int_equal(t_mmio_read(t, T_RD(1) + 0x14, 4), 0x6);
	t_mmio_write(t, T_RD(1) + 0x14, 4, 0);
	assert_int_equal(t_mmio_read(t, T_RD(1) + 0x14, 4), 0);
	assert_int_equal(t_mmio_read(t, T_RD(2) + 0x14, 4), 0x6);
	/* ChildrenAsleep is read-only; writing it alone does not sleep. */
	t_mmio_write(t, T_RD(1) + 0x14, 4, 0x4);
	assert_int_equal(t_mmio_read(t, T_RD(1) + 0x14, 4), 0);
	t_mmio_write(t, T_RD(1) + 0x14, 4, 0x2);
	assert_int_equal(t_mmio_read(t, T_RD(1) + 0x14, 4), 0x6);
}

static void redist_sgi_ppi_registers(void **state)
{
	struct t_machine *t = *state;

	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x080, 4), 0xffffffff);
	/* SGIs are edge (RO), PPIs reset level and are configurable. */
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0xc00, 4), 0xaaaaaaaa);
	t_mmio_write(t, T_SGI(2) + 0xc00, 4, 0);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0xc00, 4), 0xaaaaaaaa);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0xc04, 4), 0);
	t_mmio_write(t, T_SGI(2) + 0xc04, 4, 0xffffffff);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0xc04, 4), 0xaaaaaaaa);

	t_mmio_write(t, T_SGI(2) + 0x100, 4, 0x08000002);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x100, 4), 0x08000002);
	assert_int_equal(t_mmio_read(t, T_SGI(1) + 0x100, 4), 0);	/* banked per CPU */
	t_mmio_write(t, T_SGI(2) + 0x180, 4, 0x2);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x180, 4), 0x08000000);

	t_mmio_write(t, T_SGI(2) + 0x400 + 27, 1, 0xa7);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x418, 4), 0xa0000000);
	t_mmio_write(t, T_SGI(2) + 0x400, 4, 0x10203040);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x400, 4), 0x10203040);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x400, 2), 0);

	t_mmio_write(t, T_SGI(2) + 0x200, 4, 0x00010001);	/* ISPENDR0: SGI 0, PPI 16 */
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x280, 4), 0x00010001);
	t_mmio_write(t, T_SGI(2) + 0x280, 4, 0x1);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x200, 4), 0x00010000);
	t_mmio_write(t, T_SGI(2) + 0x300, 4, 0x4);
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0x380, 4), 0x4);

	t_mmio_write(t, T_SGI(2) + 0xd00, 4, 0xffffffff);	/* IGRPMODR0 */
	assert_int_equal(t_mmio_read(t, T_SGI(2) + 0xd00, 4), 0);
	/* LPI registers without LPIs. */
	t_mmio_write(t, T_RD(2) + 0x70, 8, 0xffffffffull);
	assert_int_equal(t_mmio_read(t, T_RD(2) + 0x70, 8), 0);
	t_mmio_write(t, T_RD(2) + 0x0, 4, 0x1);			/* EnableLPIs */
	assert_int_equal(t_mmio_read(t, T_RD(2) + 0x0, 4), 0);
}

/* ---- creation and state ------------------------------------------------------------------- */

static void create_rejects_bad_configs(void **state)
{
	struct sim_machine_config mc = { .seed = 1, .max_cpus = 4 };
	struct sim_part_config pc = { .vmid = 1, .gicd_base = T_GICD, .gicr_base = T_GICR };
	struct sim_machine *m;
	struct sim_part *p;

	assert_int_equal(sim_machine_create(&mc, &m), 0);
	pc.nr_spis = 33;
	assert_int_equal(sim_part_create(m, &pc, &p), -EINVAL);
	pc.nr_spis = 992;
	assert_int_equal(sim_part_create(m, &pc, &p), -EINVAL);
	pc.nr_spis = 32;
	pc.gicr_base = T_GICR + 0x1000;		/* not 64 KiB aligned */
	assert_int_equal(sim_part_create(m, &pc, &p), -EINVAL);
	pc.gicr_base = T_GICD;			/* overlaps the distributor */
	assert_int_equal(sim_part_create(m, &pc, &p), -EEXIST);
	pc.gicr_base = T_GICR;
	pc.nr_spis = 988;
	assert_int_equal(sim_part_create(m, &pc, &p), 0);
	{
		struct t_machine t = { .m = m, .p = p };

		assert_int_equal(t_mmio_read(&t, T_GICD + 4, 4) & 0x1f, 31);
		/* The last bank is partial: INTIDs 1020..1023 do not exist. */
		t_mmio_write(&t, T_GICD + 0x17c, 4, 0xffffffff);
		assert_int_equal(t_mmio_read(&t, T_GICD + 0x17c, 4), 0x0fffffff);
		assert_int_equal(t_mmio_read(&t, T_GICD + 0x0fc, 4), 0x0fffffff);
		t_mmio_write(&t, T_GICD + 0x400 + 1019, 1, 0xff);
		t_mmio_write(&t, T_GICD + 0x400 + 1020, 1, 0xff);
		assert_int_equal(t_mmio_read(&t, T_GICD + 0x400 + 1016, 4), 0xf8000000u);
		assert_int_equal(t_mmio_read(&t, T_GICD + 0x400 + 1020, 4), 0);
		t_mmio_write(&t, T_GICD + 0x6000 + 8 * 1019, 8, 3);
		assert_int_equal(t_mmio_read(&t, T_GICD + 0x6000 + 8 * 1019, 8), 3);
		assert_int_equal(t_mmio_read(&t, T_GICD + 0x6000 + 8 * 1020, 8), 0);
	}
	sim_machine_destroy(m);
}

static int dummy_read(void *opaque, uint64_t offset, unsigned size, uint64_t *val)
{
	fail_msg("the dummy device is never accessed");
	return -1;
}

static int dummy_write(void *opaque, uint64_t offset, unsigned size, uint64_t val)
{
	fail_msg("the dummy device is never accessed");
	return -1;
}

/* Registration is all or nothing: a clash found on the second range adds neither. */
static void create_checks_every_range_before_registering(void **state)
{
	static const struct sim_mmio_ops ops = { .read = dummy_read, .write = dummy_write };
	struct sim_machine_config mc = { .seed = 1, .max_cpus = 2 };
	struct sim_part_config pc = { .vmid = 1 };
	struct sim_machine *m;
	struct sim_part *p;
	struct sim_gic *g = NULL;

	assert_int_equal(sim_machine_create(&mc, &m), 0);
	assert_int_equal(sim_part_create(m, &pc, &p), 0);
	assert_int_equal(sim_part_add_mmio(p, T_GICR + 0x30000, 0x1000, &ops, NULL), 0);
	assert_int_equal(sim_gic_create(p, T_GICD, T_GICR, 32, &g), -EEXIST);
	assert_null(g);
	assert_int_equal(p->nr_mmio, 1);
	assert_null(sim_part_find_mmio(p, T_GICD));
	sim_machine_destroy(m);
}

static void create_crosvm_layout_stops_at_distributor(void **state)
{
	/* crosvm: redistributors right below the distributor, one frame per vCPU. */
	struct sim_machine_config mc = { .seed = 1, .max_cpus = 8 };
	struct sim_part_config pc = { .vmid = 1, .gicd_base = 0x3fff0000,
				      .gicr_base = 0x3fff0000 - 2 * 0x20000, .nr_spis = 32 };
	struct t_machine t = { 0 };
	struct sim_mmio_region *r;

	assert_int_equal(sim_machine_create(&mc, &t.m), 0);
	assert_int_equal(sim_part_create(t.m, &pc, &t.p), 0);
	r = sim_part_find_mmio(t.p, pc.gicr_base);
	assert_non_null(r);
	assert_int_equal(r->size, 2 * 0x20000);
	assert_int_equal(sim_cpu_create(t.p, 0, &t.cpu[0]), 0);
	assert_int_equal(sim_cpu_create(t.p, 1, &t.cpu[1]), 0);
	assert_int_equal(t_mmio_read(&t, pc.gicr_base + 0x20000 + 0x8, 8), (1ull << 32) | 0x110);
	assert_int_equal(t_mmio_read(&t, 0x3fff0000 + 0x4, 4), (9u << 19) | 1);
	sim_machine_destroy(t.m);
}

static void state_blob_round_trip(void **state)
{
	struct t_machine *t = *state;
	struct sim_gic *g = t->p->gic;
	size_t len = sim_gic_state_size(g);
	uint8_t *a = malloc(len), *b = malloc(len);

	t_gic_bringup(t);
	t_spi_setup(t, 40, 0x80, 1);
	sim_gic_state_save(g, a);
	assert_int_equal(sim_gic_set_level(g, 40, true, 0), 0);
	assert_true(t->cpu[1]->irq_line);
	sim_gic_state_save(g, b);
	assert_memory_not_equal(a, b, len);
	sim_gic_state_load(g, a);
	/* Loading recomputes the outputs from the loaded state. */
	assert_false(t->cpu[1]->irq_line);
	assert_false(t_spi_pending(t, 40));
	sim_gic_state_save(g, b);
	assert_memory_equal(a, b, len);
	sim_gic_state_load(g, b);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(dist_identification, setup4, teardown),
		cmocka_unit_test_setup_teardown(dist_ctlr_keeps_only_group_enables, setup4, teardown),
		cmocka_unit_test_setup_teardown(dist_spi_bit_banks, setup4, teardown),
		cmocka_unit_test_setup_teardown(dist_sgi_ppi_words_and_absent_spis_are_raz_wi,
						setup4, teardown),
		cmocka_unit_test_setup_teardown(dist_priorities_bytes_and_words, setup4, teardown),
		cmocka_unit_test_setup_teardown(dist_icfgr_edge_bits, setup4, teardown),
		cmocka_unit_test_setup_teardown(dist_irouter_fields_and_halves, setup4, teardown),
		cmocka_unit_test_setup_teardown(dist_bad_sizes_and_reserved_space, setup4, teardown),
		cmocka_unit_test_setup_teardown(redist_typer_and_last, setup4, teardown),
		cmocka_unit_test(redist_affinity_of_second_cluster),
		cmocka_unit_test_setup_teardown(redist_waker_handshake, setup4, teardown),
		cmocka_unit_test_setup_teardown(redist_sgi_ppi_registers, setup4, teardown),
		cmocka_unit_test(create_rejects_bad_configs),
		cmocka_unit_test(create_checks_every_range_before_registering),
		cmocka_unit_test(create_crosvm_layout_stops_at_distributor),
		cmocka_unit_test_setup_teardown(state_blob_round_trip, setup4, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
