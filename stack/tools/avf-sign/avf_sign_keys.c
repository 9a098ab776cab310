// SPDX-License-Identifier: Apache-2.0
/* avf-sign's keys: Ed25519 through OpenSSL's EVP interface. */
#include "stack/tools/avf-sign/avf_sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/* The newest OpenSSL error as text, for messages. */
static const char *ossl_reason(void)
{
	static char buf[256];
	unsigned long e = ERR_get_error();

	if (!e)
		return "unknown OpenSSL error";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

char *avf_sign_pub_path(const char *key_path)
{
	size_t len = strlen(key_path);
	char *out = malloc(len + 5);

	if (!out)
		return NULL;
	if (len > 4 && strcmp(key_path + len - 4, ".key") == 0)
		snprintf(out, len + 5, "%.*s.pub", (int)(len - 4), key_path);
	else
		snprintf(out, len + 5, "%s.pub", key_path);
	return out;
}

static void print_key_id(const uint8_t pub[32])
{
	uint8_t id[AVF_PAYLOAD_KEY_ID_SIZE];

	avf_payload_key_id(pub, id);
	printf("key id: ");
	for (int i = 0; i < AVF_PAYLOAD_KEY_ID_SIZE; i++)
		printf("%02x", id[i]);
	printf("\n");
}

/* The PEM (PKCS#8) text of @key in a malloc'd buffer. */
static int private_pem(EVP_PKEY *key, char **pem, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem;
	long n;

	if (!bio)
		return -ENOMEM;
	if (!PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(bio);
		return -EIO;
	}
	n = BIO_get_mem_data(bio, &mem);
	*pem = malloc((size_t)n);
	if (!*pem) {
		BIO_free(bio);
		return -ENOMEM;
	}
	memcpy(*pem, mem, (size_t)n);
	*len = (size_t)n;
	BIO_free(bio);
	return 0;
}

int avf_sign_keygen(const char *key_path, const char *pub_path)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	uint8_t pub[32];
	size_t pub_len = sizeof(pub);
	char *pem = NULL;
	size_t pem_len = 0;
	int err;

	if (!key) {
		avf_sign_err("keygen: cannot generate an Ed25519 key: %s", ossl_reason());
		return AVF_SIGN_EXIT_IO;
	}
	if (EVP_PKEY_get_raw_public_key(key, pub, &pub_len) != 1 || pub_len != 32 ||
	    private_pem(key, &pem, &pem_len) < 0) {
		avf_sign_err("keygen: cannot encode the key: %s", ossl_reason());
		EVP_PKEY_free(key);
		return AVF_SIGN_EXIT_IO;
	}
	EVP_PKEY_free(key);
	/* Public key first: if the private key cannot be written, nothing claims it. */
	err = avf_sign_write_file(pub_path, pub, sizeof(pub), 0644, 1);
	if (err) {
		avf_sign_err("keygen: %s: %s", pub_path, strerror(-err));
		goto out;
	}
	err = avf_sign_write_file(key_path, pem, pem_len, 0600, 1);
	if (err) {
		avf_sign_err("keygen: %s: %s", key_path, strerror(-err));
		remove(pub_path);
		goto out;
	}
	printf("private key: %s\npublic key: %s\n", key_path, pub_path);
	print_key_id(pub);
out:
	OPENSSL_cleanse(pem, pem_len);
	free(pem);
	return err ? AVF_SIGN_EXIT_IO : AVF_SIGN_OK;
}

/* Encrypted keys are not supported: refuse instead of prompting on the terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *ctx)
{
	return -1;
}

int avf_sign_load_private(const char *path, EVP_PKEY **key, uint8_t pub[32])
{
	FILE *f = fopen(path, "r");
	size_t pub_len = 32;
	EVP_PKEY *k;

	if (!f) {
		avf_sign_err("sign: --key %s: %s", path, strerror(errno));
		return AVF_SIGN_EXIT_IO;
	}
	k = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	if (!k) {
		avf_sign_err("sign: --key %s: not a PEM private key: %s", path, ossl_reason());
		return AVF_SIGN_EXIT_BAD_KEY;
	}
	if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		avf_sign_err("sign: --key %s: not an Ed25519 key (OpenSSL type %s)", path,
			     OBJ_nid2sn(EVP_PKEY_get_id(k)));
		EVP_PKEY_free(k);
		return AVF_SIGN_EXIT_BAD_KEY;
	}
	if (EVP_PKEY_get_raw_public_key(k, pub, &pub_len) != 1 || pub_len != 32) {
		avf_sign_err("sign: --key %s: cannot read its public key: %s", path,
			     ossl_reason());
		EVP_PKEY_free(k);
		return AVF_SIGN_EXIT_BAD_KEY;
	}
	*key = k;
	return AVF_SIGN_OK;
}

int avf_sign_load_public(const char *path, uint8_t pub[32])
{
	uint8_t *data;
	size_t size;
	int err = avf_sign_read_file(path, &data, &size);

	if (err) {
		avf_sign_err("verify: --pub %s: %s", path, strerror(-err));
		return AVF_SIGN_EXIT_IO;
	}
	if (size != 32) {
		avf_sign_err("verify: --pub %s: not a raw Ed25519 public key: %zu bytes, expected 32",
			     path, size);
		free(data);
		return AVF_SIGN_EXIT_BAD_KEY;
	}
	memcpy(pub, data, 32);
	free(data);
	return AVF_SIGN_OK;
}
