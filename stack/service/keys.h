/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service's trusted keys: every "*.pub" file (raw 32-byte Ed25519 public key, as
 * avf-sign keygen writes) of a directory. A payload runs only if it parses and verifies
 * under one of them, with the very code the firmware runs (stack/guest/payload).
 */
#ifndef AVF_SERVICE_KEYS_H
#define AVF_SERVICE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define SVC_MAX_KEYS 64

struct svc_keys {
	uint8_t pub[SVC_MAX_KEYS][32];
	unsigned nr;
};

/* Load @dir's *.pub files. 0 (even with no key: then nothing verifies), or -errno with
 * a message naming the bad file in @err. */
int svc_keys_load(struct svc_keys *k, const char *dir, char *err, size_t errlen);
/*
 * Verify the @size bytes at @data. 0 with the payload's measurement (SHA-512 of header
 * and code) in @measure, or -EKEYREJECTED with the reason ("bad-signature: ...") in @err.
 */
int svc_keys_verify(const struct svc_keys *k, const void *data, size_t size,
		    uint8_t measure[64], char *err, size_t errlen);

#endif /* AVF_SERVICE_KEYS_H */
