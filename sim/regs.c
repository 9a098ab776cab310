// SPDX-License-Identifier: MIT
/*
 * Register access for the sim's users (the HAL backend, the board runner, tests): what
 * KVM_{GET,SET}_ONE_REG is for KVM. The guest's own MRS/MSR go through sysreg.c.
 */
#include "sim/internal.h"

/* True if c->sp currently holds SP_EL0. */
static bool sp_is_el0(const struct sim_cpu *c)
{
	return c->el == 0 || c->spsel == 0;
}

/*
 * System registers are read and written as EL1 would, whatever EL the CPU is at: the
 * host acts for EL2, which sees every EL1 register.
 */
static int host_sysreg(struct sim_cpu *c, uint32_t enc, uint64_t *val, bool write)
{
	uint8_t el = c->el;
	int64_t slice = c->slice;
	int err;

	c->el = 1;
	err = write ? sim_sysreg_write(c, enc, *val) : sim_sysreg_read(c, enc, val);
	c->el = el;
	c->slice = slice;
	sim_update_el_perms(c);
	return err == -EPERM ? -ENOENT : err;
}

int sim_cpu_get_reg(struct sim_cpu *c, uint32_t id, uint64_t *val)
{
	if (id <= 30) {
		*val = c->x[id];
		return 0;
	}
	switch (id) {
	case SIM_REG_SP_EL0:
		*val = sp_is_el0(c) ? c->sp : c->sp_el0;
		return 0;
	case SIM_REG_SP_EL1:
		*val = sp_is_el0(c) ? c->sp_el1 : c->sp;
		return 0;
	case SIM_REG_PC:
		*val = c->pc;
		return 0;
	case SIM_REG_PSTATE:
		*val = sim_pstate_get(c);
		return 0;
	case SIM_REG_FPSR:
		*val = c->fpsr;
		return 0;
	case SIM_REG_FPCR:
		*val = c->fpcr;
		return 0;
	}
	if (id & 0x10000)
		return host_sysreg(c, id & 0xffff, val, false);
	return -ENOENT;
}

int sim_cpu_set_reg(struct sim_cpu *c, uint32_t id, uint64_t val)
{
	if (id <= 30) {
		c->x[id] = val;
		return 0;
	}
	switch (id) {
	case SIM_REG_SP_EL0:
		*(sp_is_el0(c) ? &c->sp : &c->sp_el0) = val;
		return 0;
	case SIM_REG_SP_EL1:
		*(sp_is_el0(c) ? &c->sp_el1 : &c->sp) = val;
		return 0;
	case SIM_REG_PC:
		c->pc = val;
		c->events |= SIM_EV_REFETCH;
		return 0;
	case SIM_REG_PSTATE:
		sim_pstate_set(c, val);
		c->events |= SIM_EV_REFETCH | SIM_EV_IRQ_CHECK;
		return 0;
	case SIM_REG_FPSR:
		c->fpsr = (uint32_t)val;
		return 0;
	case SIM_REG_FPCR:
		c->fpcr = (uint32_t)val;
		return 0;
	}
	if (id & 0x10000)
		return host_sysreg(c, id & 0xffff, &val, true);
	return -ENOENT;
}

int sim_cpu_get_vreg(struct sim_cpu *c, unsigned n, uint64_t out[2])
{
	if (n > 31)
		return -ENOENT;
	out[0] = c->v[n].d[0];
	out[1] = c->v[n].d[1];
	return 0;
}

int sim_cpu_set_vreg(struct sim_cpu *c, unsigned n, const uint64_t in[2])
{
	if (n > 31)
		return -ENOENT;
	c->v[n].d[0] = in[0];
	c->v[n].d[1] = in[1];
	return 0;
}
