// SPDX-License-Identifier: MIT
/* HVC calls and the few libc functions the compiler may emit calls to. */
#include "stack/vmm/testguest/guest.h"

struct hvc_ret hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (struct hvc_ret){ x0, x1 };
}

void *memset(void *s, int c, size_t n)
{
	volatile uint8_t *p = s;

	while (n--)
		*p++ = (uint8_t)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

void power_off(void)
{
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

void guard_page(uint64_t addr)
{
	/* Already guarded (by the firmware that ran first) is fine. */
	hvc(MMIO_GUARD_MAP, addr & ~0xfffull, 0, 0);
}

bool guard_mmio(uint64_t base)
{
	if ((int64_t)hvc(HYP_MEMINFO, 0, 0, 0).x0 <= 0)
		return false;		/* not a protected VM: the hyp offers no pKVM calls */
	hvc(MMIO_GUARD_ENROLL, 0, 0, 0);
	guard_page(base);
	return true;
}
