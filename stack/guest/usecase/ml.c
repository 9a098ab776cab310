// SPDX-License-Identifier: Apache-2.0
/* The int8 network of ml.h. */
#include "stack/guest/usecase/ml.h"
#include "stack/guest/usecase/uc.h"

static int32_t requantise(int32_t acc)
{
	/* arithmetic right shift of a negative value: gcc and clang define it as such */
	int64_t v = ((int64_t)acc * ML_M1 + (1 << (ML_S1 - 1))) >> ML_S1;

	return v < 0 ? 0 : v > 127 ? 127 : (int32_t)v;
}

void ml_infer(const int8_t x[ML_INPUTS], struct ml_result *r)
{
	int32_t h[ML_HIDDEN];

	for (int j = 0; j < ML_HIDDEN; j++) {
		int32_t acc = ml_b1[j];

		for (int i = 0; i < ML_INPUTS; i++)
			acc += (int32_t)x[i] * ml_w1[j][i];
		h[j] = requantise(acc);
	}
	r->cls = 0;
	for (int k = 0; k < ML_OUTPUTS; k++) {
		int32_t acc = ml_b2[k];

		for (int j = 0; j < ML_HIDDEN; j++)
			acc += h[j] * ml_w2[k][j];
		r->logits[k] = acc;
		if (acc > r->logits[r->cls])
			r->cls = (unsigned)k;
	}
	r->score = r->logits[r->cls];
}

int ml_handle(uint16_t method, const uint8_t *req, size_t len, uint8_t *resp, size_t cap,
	      size_t *resp_len)
{
	int8_t x[ML_INPUTS];
	struct ml_result r;

	*resp_len = 0;
	if (method != ML_METHOD_INFER)
		return -UC_ENOSYS;
	if (len != ML_INPUTS)
		return -UC_EINVAL;
	if (cap < ML_RESULT_SIZE)
		return -UC_ENOSPC;
	for (int i = 0; i < ML_INPUTS; i++)
		x[i] = (int8_t)req[i];
	ml_infer(x, &r);
	resp[0] = (uint8_t)r.cls;
	uc_put_le32(resp + 1, (uint32_t)r.score);
	*resp_len = ML_RESULT_SIZE;
	return 0;
}
