// SPDX-License-Identifier: MIT
/*
 * The generic timer of each CPU: the system counter (CNTPCT/CNTVCT), the EL1 physical
 * timer (CNTP_*, PPI 30) and the virtual timer (CNTV_*, PPI 27).
 *
 * Time is the machine's virtual clock: counter = now_ns * SIM_CNTFRQ_HZ / 10^9, rounded
 * down (62.5 MHz: one tick every 16 ns). CNTVOFF is 0 (there is no EL2 to set it), so
 * the virtual and physical counts are equal.
 *
 * A timer's condition is met when ENABLE is set and counter >= CVAL (unsigned). Its
 * output line, driven as a level into the GIC, is ENABLE && !IMASK && condition; it is
 * re-evaluated on every write to the timer registers and whenever the run loop calls
 * sim_timer_update(). sim_timer_deadline() gives the first nanosecond at which a
 * not-yet-met condition becomes true, so a loop that stops there sees it fire exactly
 * then, never one tick early; a timer that fired while time was moved without
 * sim_timer_update() (another CPU ran) reports its deadline in the past until updated.
 *
 * EL0 access follows CNTKCTL_EL1 (EL0PCTEN, EL0VCTEN, EL0PTEN, EL0VTEN): a disabled
 * access returns -EPERM (the caller traps it to EL1 with EC 0x18). Not modelled: the
 * event stream (CNTKCTL_EL1.EVNTEN), the self-synchronised counters of FEAT_ECV
 * (CNTPCTSS/CNTVCTSS are UNDEFINED) and any EL2 timer.
 */
#include "sim/internal.h"

#define CNT_SYSREG(crm, op2)	(SIM_REG_SYS(3, 3, 14, crm, op2) & 0xffffu)
#define CNTFRQ_EL0		CNT_SYSREG(0, 0)
#define CNTPCT_EL0		CNT_SYSREG(0, 1)
#define CNTVCT_EL0		CNT_SYSREG(0, 2)
#define CNTP_TVAL_EL0		CNT_SYSREG(2, 0)
#define CNTP_CTL_EL0		CNT_SYSREG(2, 1)
#define CNTP_CVAL_EL0		CNT_SYSREG(2, 2)
#define CNTV_TVAL_EL0		CNT_SYSREG(3, 0)
#define CNTV_CTL_EL0		CNT_SYSREG(3, 1)
#define CNTV_CVAL_EL0		CNT_SYSREG(3, 2)

#define CNT_CTL_ENABLE		(1u << 0)
#define CNT_CTL_IMASK		(1u << 1)
#define CNT_CTL_ISTATUS		(1u << 2)

#define CNTKCTL_EL0PCTEN	(1u << 0)
#define CNTKCTL_EL0VCTEN	(1u << 1)
#define CNTKCTL_EL0VTEN		(1u << 8)
#define CNTKCTL_EL0PTEN		(1u << 9)

#define TIMER_PPI_VIRT		27
#define TIMER_PPI_PHYS		30

#define NS_PER_SEC		1000000000ull

/* One of the two EL1-visible timers of a CPU. */
struct timer_view {
	uint64_t *cval;
	uint32_t *ctl;
	bool *level;
	unsigned ppi;
	uint32_t el0_enable;	/* CNTKCTL_EL1 bit that opens it to EL0 */
};

static struct timer_view timer_phys(struct sim_cpu *c)
{
	return (struct timer_view){ &c->timer.cntp_cval, &c->timer.cntp_ctl, &c->timer.p_level,
				    TIMER_PPI_PHYS, CNTKCTL_EL0PTEN };
}

static struct timer_view timer_virt(struct sim_cpu *c)
{
	return (struct timer_view){ &c->timer.cntv_cval, &c->timer.cntv_ctl, &c->timer.v_level,
				    TIMER_PPI_VIRT, CNTKCTL_EL0VTEN };
}

uint64_t sim_timer_counter(const struct sim_machine *m)
{
	return (uint64_t)((unsigned __int128)sim_machine_now_ns(m) * SIM_CNTFRQ_HZ / NS_PER_SEC);
}

/* The counter as the instruction running on c reads it (exact within a slice). */
static uint64_t cpu_counter(const struct sim_cpu *c)
{
	return (uint64_t)((unsigned __int128)sim_cpu_now_ns(c) * SIM_CNTFRQ_HZ / NS_PER_SEC);
}

/* The first nanosecond at which the counter reads at least ticks (saturating). */
static uint64_t ticks_to_ns_ceil(uint64_t ticks)
{
	unsigned __int128 ns = ((unsigned __int128)ticks * NS_PER_SEC + SIM_CNTFRQ_HZ - 1) /
			       SIM_CNTFRQ_HZ;

	return ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

static bool timer_condition(uint32_t ctl, uint64_t cval, uint64_t now)
{
	return (ctl & CNT_CTL_ENABLE) && now >= cval;
}

/*
 * Drive the timer's output into the GIC. The GIC ignores a level it already has, so
 * driving it every time also repairs the line after a CPU reset cleared the timer.
 */
static void timer_drive(struct sim_cpu *c, const struct timer_view *t, uint64_t now)
{
	bool level = timer_condition(*t->ctl, *t->cval, now) && !(*t->ctl & CNT_CTL_IMASK);
	struct sim_gic *g = c->part ? c->part->gic : NULL;

	*t->level = level;
	if (g)
		sim_gic_set_level(g, t->ppi, level, c->index);
}

void sim_timer_update(struct sim_cpu *c)
{
	uint64_t now = sim_timer_counter(c->m);
	struct timer_view p = timer_phys(c), v = timer_virt(c);

	timer_drive(c, &p, now);
	timer_drive(c, &v, now);
}

/*
 * One timer's deadline: the first ns of its compare tick while the condition is still
 * ahead; the same (now in the past) while it has come true but its output has not been
 * driven yet, so a scheduler sees work is due; UINT64_MAX otherwise. A fired timer whose
 * output is masked or already driven has no deadline: idle-skipping must not spin on it.
 */
static uint64_t timer_deadline_one(uint32_t ctl, uint64_t cval, bool driven, uint64_t now)
{
	if (!(ctl & CNT_CTL_ENABLE))
		return UINT64_MAX;
	if (now < cval || (!(ctl & CNT_CTL_IMASK) && !driven))
		return ticks_to_ns_ceil(cval);
	return UINT64_MAX;
}

uint64_t sim_timer_deadline(const struct sim_cpu *c)
{
	uint64_t now = sim_timer_counter(c->m);
	uint64_t p = timer_deadline_one(c->timer.cntp_ctl, c->timer.cntp_cval, c->timer.p_level,
					now);
	uint64_t v = timer_deadline_one(c->timer.cntv_ctl, c->timer.cntv_cval, c->timer.v_level,
					now);

	return p < v ? p : v;
}

/* ---- register access ------------------------------------------------------------------ */

/* EL0 may use an access controlled by these CNTKCTL_EL1 bits (any of them). */
static bool el0_allowed(const struct sim_cpu *c, uint32_t bits)
{
	return c->el != 0 || (c->sysreg[SR_CNTKCTL_EL1] & bits);
}

/* The timer an encoding addresses, with the register within it (0 TVAL, 1 CTL, 2 CVAL). */
static bool timer_decode(struct sim_cpu *c, uint32_t enc, struct timer_view *t, unsigned *reg)
{
	if (enc >= CNTP_TVAL_EL0 && enc <= CNTP_CVAL_EL0) {
		*t = timer_phys(c);
		*reg = enc - CNTP_TVAL_EL0;
		return true;
	}
	if (enc >= CNTV_TVAL_EL0 && enc <= CNTV_CVAL_EL0) {
		*t = timer_virt(c);
		*reg = enc - CNTV_TVAL_EL0;
		return true;
	}
	return false;
}

static int counter_read(struct sim_cpu *c, uint32_t enc, uint64_t *val)
{
	switch (enc) {
	case CNTFRQ_EL0:
		if (!el0_allowed(c, CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN))
			return -EPERM;
		*val = SIM_CNTFRQ_HZ;
		return 0;
	case CNTPCT_EL0:
		if (!el0_allowed(c, CNTKCTL_EL0PCTEN))
			return -EPERM;
		*val = cpu_counter(c);
		return 0;
	case CNTVCT_EL0:
		if (!el0_allowed(c, CNTKCTL_EL0VCTEN))
			return -EPERM;
		*val = cpu_counter(c);	/* CNTVOFF_EL2 == 0 */
		return 0;
	}
	return -ENOENT;
}

int sim_timer_sysreg_read(struct sim_cpu *c, uint32_t enc, uint64_t *val)
{
	struct timer_view t;
	uint64_t now;
	unsigned reg;

	if (!timer_decode(c, enc, &t, &reg))
		return counter_read(c, enc, val);
	if (!el0_allowed(c, t.el0_enable))
		return -EPERM;
	now = cpu_counter(c);
	switch (reg) {
	case 0:	/* TVAL: CVAL - counter, low 32 bits (a signed view; bits [63:32] RES0) */
		*val = (uint32_t)(*t.cval - now);
		break;
	case 1:	/* CTL: ISTATUS reads 0 while the timer is disabled (it is UNKNOWN) */
		*val = *t.ctl | (timer_condition(*t.ctl, *t.cval, now) ? CNT_CTL_ISTATUS : 0);
		break;
	default:
		*val = *t.cval;
		break;
	}
	return 0;
}

int sim_timer_sysreg_write(struct sim_cpu *c, uint32_t enc, uint64_t val)
{
	struct timer_view t;
	unsigned reg;

	if (!timer_decode(c, enc, &t, &reg)) {
		/*
		 * CNTFRQ_EL0 is writable only at the highest implemented EL (EL2/EL3, not
		 * simulated) and the counters are read-only: UNDEFINED, unless EL0 has no
		 * access at all, which traps first.
		 */
		uint64_t ignored;
		int err = counter_read(c, enc, &ignored);

		return err == -EPERM ? -EPERM : -ENOENT;
	}
	if (!el0_allowed(c, t.el0_enable))
		return -EPERM;
	switch (reg) {
	case 0:	/* TVAL: CVAL = counter + SignExtend(val[31:0]) */
		*t.cval = cpu_counter(c) + (uint64_t)(int64_t)(int32_t)val;
		break;
	case 1:
		*t.ctl = (uint32_t)val & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
		break;
	default:
		*t.cval = val;
		break;
	}
	sim_timer_update(c);
	/* The deadline moved: let the run loop recompute where this slice must end. */
	sim_cpu_stop_slice(c);
	return 0;
}
