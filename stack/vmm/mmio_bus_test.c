// SPDX-License-Identifier: MIT
/* The MMIO bus (mmio_bus.c): routing by IPA, offsets, unclaimed accesses, overlap. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stack/vmm/mmio_bus.h"

struct dev {
	uint64_t last_off, last_val;
	unsigned last_size, reads, writes;
	uint64_t answer;
	int fail;		/* refuse accesses with this errno */
};

static int dev_read(void *ctx, uint64_t off, unsigned size, uint64_t *val)
{
	struct dev *d = ctx;

	if (d->fail)
		return -d->fail;
	d->reads++;
	d->last_off = off;
	d->last_size = size;
	*val = d->answer;
	return 0;
}

static int dev_write(void *ctx, uint64_t off, unsigned size, uint64_t val)
{
	struct dev *d = ctx;

	if (d->fail)
		return -d->fail;
	d->writes++;
	d->last_off = off;
	d->last_size = size;
	d->last_val = val;
	return 0;
}

static struct mmio_region region(const char *name, uint64_t base, uint64_t size, struct dev *d)
{
	return (struct mmio_region){ .name = name, .base = base, .size = size,
				     .read = dev_read, .write = dev_write, .ctx = d };
}

static void routes_by_ipa(void **state)
{
	struct dev a = { .answer = 0x11 }, b = { .answer = 0x2222 };
	struct mmio_region ra = region("a", 0x3f8, 8, &a), rb = region("b", 0x2000000, 0x1000, &b);
	struct mmio_bus bus;
	struct mmio_bus_stats st;
	uint64_t v;

	mmio_bus_init(&bus);
	assert_int_equal(mmio_bus_add(&bus, &ra), 0);
	assert_int_equal(mmio_bus_add(&bus, &rb), 0);
	assert_true(mmio_bus_access(&bus, 0x3fd, 1, false, &v));
	assert_int_equal(v, 0x11);
	assert_int_equal(a.last_off, 5);
	assert_int_equal(a.last_size, 1);
	v = 0xabcd;
	assert_true(mmio_bus_access(&bus, 0x2000070, 4, true, &v));
	assert_int_equal(b.last_off, 0x70);
	assert_int_equal(b.last_val, 0xabcd);
	assert_int_equal(b.last_size, 4);
	assert_true(mmio_bus_access(&bus, 0x2000ff8, 8, false, &v));	/* last 8 bytes */
	assert_int_equal(v, 0x2222);
	assert_string_equal(mmio_bus_find(&bus, 0x2000fff)->name, "b");
	assert_null(mmio_bus_find(&bus, 0x2001000));
	mmio_bus_get_stats(&bus, &st);
	assert_int_equal(st.reads, 2);
	assert_int_equal(st.writes, 1);
	assert_int_equal(st.unclaimed_reads + st.unclaimed_writes, 0);
}

/* Nothing there, straddling the end, odd sizes, a device refusing: read 0, write
 * ignored, counted, never an error. */
static void unclaimed(void **state)
{
	struct dev a = { .answer = 0x11 };
	struct mmio_region ra = region("a", 0x1000, 0x10, &a);
	struct mmio_bus bus;
	struct mmio_bus_stats st;
	uint64_t v;

	mmio_bus_init(&bus);
	assert_int_equal(mmio_bus_add(&bus, &ra), 0);
	v = 99;
	assert_false(mmio_bus_access(&bus, 0x5000, 4, false, &v));
	assert_int_equal(v, 0);
	v = 99;
	assert_false(mmio_bus_access(&bus, 0x100c, 8, false, &v));	/* crosses the end */
	assert_int_equal(v, 0);
	assert_false(mmio_bus_access(&bus, 0x1000, 3, false, &v));	/* not a size */
	v = 5;
	assert_false(mmio_bus_access(&bus, 0x0fff, 2, true, &v));	/* starts before */
	assert_int_equal(a.reads + a.writes, 0);
	a.fail = EINVAL;
	v = 99;
	assert_false(mmio_bus_access(&bus, 0x1000, 1, false, &v));
	assert_int_equal(v, 0);
	assert_false(mmio_bus_access(&bus, 0x1004, 4, true, &v));
	mmio_bus_get_stats(&bus, &st);
	assert_int_equal(st.unclaimed_reads, 4);
	assert_int_equal(st.unclaimed_writes, 2);
	assert_int_equal(st.last_unclaimed_ipa, 0x1004);
	assert_int_equal(st.reads + st.writes, 0);
}

static void add_checks(void **state)
{
	struct dev d = { 0 };
	struct mmio_region r = region("a", 0x1000, 0x1000, &d);
	struct mmio_bus bus;

	mmio_bus_init(&bus);
	assert_int_equal(mmio_bus_add(&bus, &r), 0);
	r = region("overlap-end", 0xfff, 2, &d);
	assert_int_equal(mmio_bus_add(&bus, &r), -EEXIST);
	r = region("overlap-inside", 0x1800, 1, &d);
	assert_int_equal(mmio_bus_add(&bus, &r), -EEXIST);
	r = region("adjacent", 0x2000, 0x1000, &d);
	assert_int_equal(mmio_bus_add(&bus, &r), 0);
	r = region("empty", 0x9000, 0, &d);
	assert_int_equal(mmio_bus_add(&bus, &r), -EINVAL);
	r = region("wraps", UINT64_MAX - 0xff, 0x1000, &d);
	assert_int_equal(mmio_bus_add(&bus, &r), -EINVAL);
	r = region("no-handler", 0x9000, 0x10, &d);
	r.write = NULL;
	assert_int_equal(mmio_bus_add(&bus, &r), -EINVAL);
	for (unsigned i = 2; i < MMIO_BUS_MAX_REGIONS; i++) {
		r = region("n", 0x100000 + i * 0x1000, 0x1000, &d);
		assert_int_equal(mmio_bus_add(&bus, &r), 0);
	}
	r = region("full", 0x900000, 0x1000, &d);
	assert_int_equal(mmio_bus_add(&bus, &r), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_by_ipa),
		cmocka_unit_test(unclaimed),
		cmocka_unit_test(add_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
