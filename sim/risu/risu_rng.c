// SPDX-License-Identifier: MIT
/*
 * The seeded random stream of sim-risu: xoshiro256** seeded with splitmix64 from
 * (seed, stream), so test number `stream` of a campaign can be regenerated alone.
 */
#include "sim/risu/risu.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void risu_rng_seed(struct risu_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull);

	for (unsigned i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t v, unsigned k)
{
	return (v << k) | (v >> (64 - k));
}

uint64_t risu_rng_next(struct risu_rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t risu_rng_below(struct risu_rng *r, uint64_t n)
{
	/* Rejection sampling keeps the draw unbiased. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, v;

	do
		v = risu_rng_next(r);
	while (v >= limit);
	return v % n;
}

int64_t risu_rng_range(struct risu_rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)risu_rng_below(r, (uint64_t)(hi - lo) + 1);
}

bool risu_rng_chance(struct risu_rng *r, unsigned num, unsigned den)
{
	return risu_rng_below(r, den) < num;
}
