// SPDX-License-Identifier: MIT
/*
 * The checks of the conformance kit, one per promise of docs/HAL.md. Each drives the
 * guest (guest/kit_guest.S) through the HAL and asserts exact exits and values.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stack/hal/conformance/kit.h"

static __thread char failure[256];

#define EXPECT(cond, ...) do { \
	if (!(cond)) { \
		snprintf(failure, sizeof(failure), __VA_ARGS__); \
		return failure; \
	} \
} while (0)

static const char *exit_name(const struct hal_exit *x)
{
	static const char *names[] = {
		"NONE", "MMIO", "HYPERCALL", "SYSTEM_EVENT", "S2_ABORT", "IDLE", "PREEMPTED",
		"KICKED", "INTERNAL_ERROR",
	};

	return (unsigned)x->kind < sizeof(names) / sizeof(names[0]) ? names[x->kind] : "?";
}

#define EXPECT_REPORT(x) EXPECT(kit_is_report(x), "expected a report, got %s exit%s%s", \
	exit_name(x), (x)->kind == HAL_EXIT_INTERNAL_ERROR ? ": " : "", \
	(x)->kind == HAL_EXIT_INTERNAL_ERROR ? (x)->internal.reason : "")
#define ARG(x, n) ((x)->hypercall.args[n])

static const char *expect_off(struct kit_env *e, unsigned idx)
{
	const struct hal_exit *x = kit_run(e, idx);

	EXPECT(x->kind == HAL_EXIT_SYSTEM_EVENT && x->system_event.type == HAL_SYSTEM_OFF,
	       "expected SYSTEM_OFF, got %s", exit_name(x));
	return NULL;
}

/* ---- registers ------------------------------------------------------------------------ */

static const char *check_regs_roundtrip(struct kit_env *e)
{
	struct hal_vcpu *v = e->vcpu[0];
	uint64_t val, vr[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull }, got[2];

	for (unsigned i = 0; i <= 30; i++) {
		EXPECT(!hal_vcpu_set_reg(v, HAL_REG_X0 + i, 0x1111111111111111ull * (i % 15 + 1)),
		       "set x%u", i);
	}
	for (unsigned i = 0; i <= 30; i++) {
		EXPECT(!hal_vcpu_get_reg(v, HAL_REG_X0 + i, &val), "get x%u", i);
		EXPECT(val == 0x1111111111111111ull * (i % 15 + 1), "x%u reads %#" PRIx64, i, val);
	}
	const uint32_t ids[] = { HAL_REG_SP_EL0, HAL_REG_SP_EL1, HAL_REG_TPIDR_EL1,
				 HAL_REG_VBAR_EL1, HAL_REG_ELR_EL1 };
	for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		EXPECT(!hal_vcpu_set_reg(v, ids[i], 0x80000800ull + i * 0x1000), "set id %#x", ids[i]);
		EXPECT(!hal_vcpu_get_reg(v, ids[i], &val) && val == 0x80000800ull + i * 0x1000,
		       "id %#x reads %#" PRIx64, ids[i], val);
	}
	EXPECT(!hal_vcpu_set_vreg(v, 7, vr) && !hal_vcpu_get_vreg(v, 7, got) &&
	       got[0] == vr[0] && got[1] == vr[1], "v7 round trip");
	EXPECT(hal_vcpu_get_reg(v, 0x7777, &val) == -ENOENT, "unknown id accepted");
	EXPECT(!hal_vcpu_get_reg(v, HAL_REG_PSTATE, &val) && (val & 0xf) == 5 &&
	       (val & 0x3c0) == 0x3c0, "reset PSTATE is %#" PRIx64 ", want EL1h + DAIF", val);
	EXPECT(!hal_vcpu_get_reg(v, HAL_REG_MPIDR_EL1, &val) && (val & 0xffffff) == 0,
	       "MPIDR of vcpu 0 is %#" PRIx64, val);
	return NULL;
}

static const char *check_regs_seen_by_guest(struct kit_env *e)
{
	struct hal_vcpu *v = e->vcpu[0];
	uint64_t d7[2] = { 0x4010000000000000ull, 0 };
	const struct hal_exit *x;

	kit_start(e, KT_REGS);
	hal_vcpu_set_reg(v, HAL_REG_X0 + 1, 40);
	hal_vcpu_set_reg(v, HAL_REG_X0 + 2, 2);
	hal_vcpu_set_reg(v, HAL_REG_X0 + 20, 0x20202020);
	hal_vcpu_set_reg(v, HAL_REG_TPIDR_EL1, 0x7e57);
	hal_vcpu_set_vreg(v, 7, d7);
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 42 && ARG(x, 2) == 0x7e57 && ARG(x, 3) == 0x20202020 &&
	       ARG(x, 4) == d7[0], "guest saw x1+x2=%" PRIu64 " tpidr=%#" PRIx64 " x20=%#" PRIx64
	       " d7=%#" PRIx64, ARG(x, 1), ARG(x, 2), ARG(x, 3), ARG(x, 4));
	return NULL;
}

/* ---- hypercalls and system events --------------------------------------------------------- */

static const char *check_hypercall(struct kit_env *e)
{
	const struct hal_exit *x;
	struct hal_exit *w = hal_vcpu_exit(e->vcpu[0]);

	kit_start(e, KT_HVC);
	x = kit_run(e, 0);
	EXPECT(x->kind == HAL_EXIT_HYPERCALL, "expected HYPERCALL, got %s", exit_name(x));
	EXPECT(x->hypercall.func_id == KIT_ECHO && x->hypercall.conduit == HAL_CONDUIT_HVC,
	       "func %#x conduit %d", x->hypercall.func_id, x->hypercall.conduit);
	for (unsigned i = 1; i <= 6; i++)
		EXPECT(ARG(x, i) == i, "x%u = %" PRIu64, i, ARG(x, i));
	for (unsigned i = 0; i < 4; i++)
		w->hypercall.ret[i] = 100 + i;
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	for (unsigned i = 0; i < 4; i++)
		EXPECT(ARG(x, i + 1) == 100 + i, "guest got x%u = %" PRIu64, i, ARG(x, i + 1));
	return expect_off(e, 0);
}

static const char *check_unanswered_hypercall(struct kit_env *e)
{
	const struct hal_exit *x;

	kit_start(e, KT_HVC);
	x = kit_run(e, 0);
	EXPECT(x->kind == HAL_EXIT_HYPERCALL, "expected HYPERCALL, got %s", exit_name(x));
	x = kit_run(e, 0);	/* no reply written: NOT_SUPPORTED, x1..x3 unchanged */
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == UINT64_MAX && ARG(x, 2) == 1 && ARG(x, 3) == 2 && ARG(x, 4) == 3,
	       "guest got %#" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRIu64, ARG(x, 1), ARG(x, 2),
	       ARG(x, 3), ARG(x, 4));
	return NULL;
}

static const char *check_system_off(struct kit_env *e)
{
	kit_start(e, KT_OFF);
	return expect_off(e, 0);
}

static const char *check_system_reset(struct kit_env *e)
{
	const struct hal_exit *x;

	kit_start(e, KT_RESET);
	x = kit_run(e, 0);
	EXPECT(x->kind == HAL_EXIT_SYSTEM_EVENT && x->system_event.type == HAL_SYSTEM_RESET,
	       "expected SYSTEM_RESET, got %s", exit_name(x));
	return NULL;
}

/* ---- MMIO ----------------------------------------------------------------------------------- */

static const char *check_mmio(struct kit_env *e)
{
	static const struct { uint64_t off; uint8_t size; uint64_t data; } writes[] = {
		{ 0, 1, 0x11 }, { 2, 2, 0x2222 }, { 4, 4, 0x33333333 },
		{ 8, 8, 0x4444444444444444ull },
	};
	static const struct { uint64_t off; uint8_t size; uint64_t reply; } reads[] = {
		{ 16, 1, 0x81 }, { 18, 2, 0x8002 }, { 20, 4, 0x12345678 },
		{ 24, 8, 0x0123456789abcdefull }, { 16, 1, 0x81 }, { 18, 2, 0x8002 },
	};
	struct hal_exit *w = hal_vcpu_exit(e->vcpu[0]);
	const struct hal_exit *x;

	kit_start(e, KT_MMIO);
	for (unsigned i = 0; i < 4; i++) {
		x = kit_run(e, 0);
		EXPECT(x->kind == HAL_EXIT_MMIO, "write %u: got %s", i, exit_name(x));
		EXPECT(x->mmio.is_write && x->mmio.ipa == KIT_MMIO + writes[i].off &&
		       x->mmio.size == writes[i].size && x->mmio.data == writes[i].data,
		       "write %u: ipa %#" PRIx64 " size %u data %#" PRIx64, i, x->mmio.ipa,
		       x->mmio.size, x->mmio.data);
	}
	for (unsigned i = 0; i < 6; i++) {
		x = kit_run(e, 0);
		EXPECT(x->kind == HAL_EXIT_MMIO, "read %u: got %s", i, exit_name(x));
		EXPECT(!x->mmio.is_write && x->mmio.ipa == KIT_MMIO + reads[i].off &&
		       x->mmio.size == reads[i].size, "read %u: ipa %#" PRIx64 " size %u", i,
		       x->mmio.ipa, x->mmio.size);
		w->mmio.data = reads[i].reply | 0xff00000000000000ull * (reads[i].size < 8);
	}
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0x81 && ARG(x, 2) == 0x8002 && ARG(x, 3) == 0x12345678 &&
	       ARG(x, 4) == 0x0123456789abcdefull && ARG(x, 5) == 0xffffffffffffff81ull &&
	       ARG(x, 6) == 0xffff8002ull,
	       "guest loaded %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64
	       " %#" PRIx64, ARG(x, 1), ARG(x, 2), ARG(x, 3), ARG(x, 4), ARG(x, 5), ARG(x, 6));
	return expect_off(e, 0);
}

/* ---- stage 2 --------------------------------------------------------------------------------- */

static const char *check_s2_unmapped(struct kit_env *e)
{
	const struct hal_exit *x;

	kit_start(e, KT_S2_UNMAPPED);
	x = kit_run(e, 0);
	EXPECT(x->kind == HAL_EXIT_MMIO && x->mmio.ipa == KIT_MMIO + 0x40 && !x->mmio.is_write,
	       "plain load: %s at %#" PRIx64, exit_name(x), x->mmio.ipa);
	hal_vcpu_exit(e->vcpu[0])->mmio.data = 7;
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	x = kit_run(e, 0);
	EXPECT(x->kind == HAL_EXIT_S2_ABORT, "pair load: expected S2_ABORT, got %s", exit_name(x));
	EXPECT(x->s2.ipa == KIT_MMIO + 0x80 && !x->s2.is_write && !x->s2.is_permission,
	       "pair load: ipa %#" PRIx64 " write %d perm %d", x->s2.ipa, x->s2.is_write,
	       x->s2.is_permission);
	return NULL;
}

static const char *check_s2_permission(struct kit_env *e)
{
	uint64_t pa = kit_page_pa(0);
	const struct hal_exit *x;

	*(uint64_t *)hal_phys_ptr(e->m, hal_pa(pa), 16, true) = 0xda7a;
	kit_s2_map(e, KIT_DATA, pa, KIT_R);
	kit_start(e, KT_S2_PERM);
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0xda7a, "read-only page reads %#" PRIx64, ARG(x, 1));
	x = kit_run(e, 0);
	EXPECT(x->kind == HAL_EXIT_S2_ABORT, "write to read-only: got %s", exit_name(x));
	EXPECT(x->s2.is_write && x->s2.is_permission && x->s2.ipa == KIT_DATA + 8,
	       "write fault: ipa %#" PRIx64 " write %d perm %d", x->s2.ipa, x->s2.is_write,
	       x->s2.is_permission);
	/* Make it writable: the store is retried and lands. */
	kit_s2_map(e, KIT_DATA, pa, KIT_R | KIT_W);
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0x5151515151515151ull, "retried store reads back %#" PRIx64, ARG(x, 1));
	EXPECT(*(uint64_t *)hal_phys_ptr(e->m, hal_pa(pa + 8), 8, false) == 0x5151515151515151ull,
	       "store did not reach the page");
	return expect_off(e, 0);
}

static const char *check_s2_remap(struct kit_env *e)
{
	uint64_t a = kit_page_pa(0), b = kit_page_pa(1);
	const struct hal_exit *x;

	*(uint64_t *)hal_phys_ptr(e->m, hal_pa(a), 8, true) = 0xaaaa;
	*(uint64_t *)hal_phys_ptr(e->m, hal_pa(b), 8, true) = 0xbbbb;
	kit_s2_map(e, KIT_DATA, a, KIT_R | KIT_W);
	kit_start(e, KT_S2_REMAP);
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0xaaaa, "first mapping reads %#" PRIx64, ARG(x, 1));
	kit_s2_map(e, KIT_DATA, b, KIT_R | KIT_W);
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0xbbbb, "after remap reads %#" PRIx64 " (stale translation?)",
	       ARG(x, 1));
	kit_s2_map(e, KIT_DATA, b, 0);
	x = kit_run(e, 0);
	EXPECT(x->kind == HAL_EXIT_MMIO && x->mmio.ipa == KIT_DATA,
	       "after unmap: %s at %#" PRIx64, exit_name(x), x->mmio.ipa);
	return NULL;
}

/* ---- host view ----------------------------------------------------------------------------- */

static const char *check_host_revoke(struct kit_env *e)
{
	uint64_t pa = kit_page_pa(2);
	uint8_t buf[64] = { 1 }, out[64];
	hal_pa_t fault = hal_pa(0);

	EXPECT(!hal_host_write(e->m, hal_pa(pa), buf, sizeof(buf), NULL), "initial write");
	EXPECT(!hal_host_set_access(e->m, hal_pa(pa), 4096, false), "revoke");
	EXPECT(!hal_host_can_access(e->m, hal_pa(pa)), "still accessible after revoke");
	EXPECT(hal_host_read(e->m, hal_pa(pa - 32), out, sizeof(out), &fault) == -EFAULT &&
	       fault.pa == pa, "read across revoked page: fault at %#" PRIx64, fault.pa);
	EXPECT(hal_host_write(e->m, hal_pa(pa), buf, 1, &fault) == -EFAULT, "write allowed");
	EXPECT(!hal_host_set_access(e->m, hal_pa(pa), 4096, true), "grant");
	EXPECT(!hal_host_read(e->m, hal_pa(pa), out, sizeof(out), NULL) && out[0] == 1,
	       "read after grant");
	return NULL;
}

/* ---- interrupts -------------------------------------------------------------------------------- */

static const char *check_spi(struct kit_env *e)
{
	const struct hal_exit *x;

	kit_start(e, KT_SPI);
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0x7ead, "GIC setup reported %#" PRIx64, ARG(x, 1));
	EXPECT(!hal_vm_set_irq(e->vm, 40, true), "raise SPI 40");
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 40, "IRQ handler acknowledged INTID %" PRIu64, ARG(x, 1));
	EXPECT(!hal_vm_set_irq(e->vm, 40, false), "lower SPI 40");
	return expect_off(e, 0);
}

static const char *check_timer(struct kit_env *e)
{
	const struct hal_exit *x;

	kit_start(e, KT_TIMER);
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 27, "timer IRQ acknowledged INTID %" PRIu64 ", want 27", ARG(x, 1));
	EXPECT((ARG(x, 2) & 5) == 5, "CNTV_CTL in the handler %#" PRIx64 " (want ENABLE|ISTATUS)",
	       ARG(x, 2));
	return expect_off(e, 0);
}

/* ---- vCPUs --------------------------------------------------------------------------------------- */

static const char *check_cpu_on(struct kit_env *e)
{
	const struct hal_exit *x;

	EXPECT(hal_vcpu_powered(e->vcpu[0]) && !hal_vcpu_powered(e->vcpu[1]),
	       "initial power states");
	kit_start(e, KT_CPU_ON);
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0, "CPU_ON returned %#" PRIx64, ARG(x, 1));
	EXPECT(hal_vcpu_powered(e->vcpu[1]), "vcpu 1 not powered after CPU_ON");
	x = kit_run(e, 1);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0xabcd && ARG(x, 2) == 1, "secondary saw x0 %#" PRIx64
	       " MPIDR %#" PRIx64, ARG(x, 1), ARG(x, 2));
	return expect_off(e, 1);
}

struct kicker {
	struct hal_vcpu *v;
};

static void *kick_main(void *arg)
{
	struct kicker *k = arg;

	usleep(20000);
	hal_vcpu_kick(k->v);
	return NULL;
}

static const char *check_kick(struct kit_env *e)
{
	struct kicker k = { e->vcpu[0] };
	const struct hal_exit *x;
	pthread_t t;

	kit_start(e, KT_SPIN);
	/* Without a budget the spinning guest only stops because of the kick. */
	hal_vcpu_set_budget(e->vcpu[0], 0);
	EXPECT(!pthread_create(&t, NULL, kick_main, &k), "thread");
	EXPECT(!hal_vcpu_run(e->vcpu[0]), "run");
	pthread_join(t, NULL);
	x = hal_vcpu_exit(e->vcpu[0]);
	EXPECT(x->kind == HAL_EXIT_KICKED, "expected KICKED, got %s", exit_name(x));
	/* A kick before a run stops that run at once. */
	hal_vcpu_kick(e->vcpu[0]);
	EXPECT(!hal_vcpu_run(e->vcpu[0]) && x->kind == HAL_EXIT_KICKED,
	       "kick before run: %s", exit_name(x));
	return NULL;
}

static const char *check_inject_abort(struct kit_env *e)
{
	const struct hal_exit *x;

	kit_start(e, KT_INJECT);
	x = kit_run(e, 0);
	EXPECT(x->kind == HAL_EXIT_MMIO && x->mmio.ipa == KIT_MMIO + 0x100, "got %s",
	       exit_name(x));
	EXPECT(!hal_vcpu_inject_abort(e->vcpu[0]), "inject");
	x = kit_run(e, 0);
	EXPECT_REPORT(x);
	EXPECT(ARG(x, 1) == 0x25 && ARG(x, 2) == KIT_MMIO + 0x100,
	       "guest saw EC %#" PRIx64 " FAR %#" PRIx64 " (want 0x25, %#llx)", ARG(x, 1),
	       ARG(x, 2), KIT_MMIO + 0x100);
	return expect_off(e, 0);
}

const struct kit_check kit_checks[] = {
	{ "regs-roundtrip", { 0 }, 1, check_regs_roundtrip },
	{ "regs-seen-by-guest", { 0 }, 1, check_regs_seen_by_guest },
	{ "hypercall-args-and-returns", { 0 }, 1, check_hypercall },
	{ "hypercall-unanswered", { 0 }, 1, check_unanswered_hypercall },
	{ "psci-system-off", { 0 }, 1, check_system_off },
	{ "psci-system-reset", { 0 }, 1, check_system_reset },
	{ "mmio-widths-and-sign", { 0 }, 1, check_mmio },
	{ "s2-unmapped-access", { HAL_CAP_S2_ABORT_EXIT }, 1, check_s2_unmapped },
	{ "s2-permission-and-retry", { HAL_CAP_S2_ABORT_EXIT }, 1, check_s2_permission },
	{ "s2-remap-unmap", { 0 }, 1, check_s2_remap },
	{ "host-view-revoke", { HAL_CAP_HOST_REVOKE }, 1, check_host_revoke },
	{ "gic-spi", { 0 }, 1, check_spi },
	{ "timer-ppi", { 0 }, 1, check_timer },
	{ "psci-cpu-on", { 0 }, 2, check_cpu_on },
	{ "kick-from-thread", { 0 }, 1, check_kick },
	{ "inject-abort", { HAL_CAP_INJECT_ABORT }, 1, check_inject_abort },
};
const size_t kit_nr_checks = sizeof(kit_checks) / sizeof(kit_checks[0]);
