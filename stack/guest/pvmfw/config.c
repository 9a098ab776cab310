// SPDX-License-Identifier: Apache-2.0
/* The platform's appended configuration (avf_pvmfw_abi.h), decoded byte by byte. */
#include "stack/guest/pvmfw/pvmfw.h"

#define CFG_OFF(field) offsetof(struct avf_pvmfw_config, field)

static uint64_t load_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static enum avf_reboot_reason refuse(const char *why, const char **detail)
{
	if (detail)
		*detail = why;
	return AVF_REBOOT_INVALID_CONFIG;
}

enum avf_reboot_reason pvmfw_config_parse(const uint8_t *cfg, size_t avail,
					  struct pvmfw_config *out, const char **detail)
{
	const uint8_t *magic = (const uint8_t *)AVF_PVMFW_CONFIG_MAGIC;
	uint8_t reserved = 0;

	if (avail < sizeof(struct avf_pvmfw_config))
		return refuse("no room for a config after the image", detail);
	for (unsigned i = 0; i < 8; i++)
		if (cfg[i] != magic[i])
			return refuse("no config appended (bad magic)", detail);
	if (load_le(cfg + CFG_OFF(version), 4) != AVF_PVMFW_CONFIG_VERSION)
		return refuse("config version is not 1", detail);
	if (load_le(cfg + CFG_OFF(size), 4) != sizeof(struct avf_pvmfw_config))
		return refuse("config size is not 64", detail);
	for (unsigned i = 0; i < sizeof(((struct avf_pvmfw_config *)0)->reserved); i++)
		reserved |= cfg[CFG_OFF(reserved) + i];
	if (reserved)
		return refuse("config reserved bytes are not zero", detail);
	out->min_payload_version = load_le(cfg + CFG_OFF(min_payload_version), 8);
	for (unsigned i = 0; i < AVF_PVMFW_UDS_SIZE; i++)
		out->uds[i] = cfg[CFG_OFF(uds) + i];
	return AVF_REBOOT_NONE;
}

uint64_t pvmfw_image_config_offset(const uint8_t *image, size_t size)
{
	const uint8_t *magic = (const uint8_t *)AVF_PVMFW_IMAGE_MAGIC;
	uint64_t off;

	if (size < sizeof(struct avf_pvmfw_image_header))
		return 0;
	for (unsigned i = 0; i < 8; i++)
		if (image[offsetof(struct avf_pvmfw_image_header, magic) + i] != magic[i])
			return 0;
	off = load_le(image + offsetof(struct avf_pvmfw_image_header, config_offset), 8);
	if (off == 0 || off % 4096 || off < size)
		return 0;
	return off;
}

static void store_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void pvmfw_config_encode(const struct pvmfw_config *c, uint8_t out[sizeof(struct avf_pvmfw_config)])
{
	const uint8_t *magic = (const uint8_t *)AVF_PVMFW_CONFIG_MAGIC;

	for (unsigned i = 0; i < sizeof(struct avf_pvmfw_config); i++)
		out[i] = 0;
	for (unsigned i = 0; i < 8; i++)
		out[i] = magic[i];
	store_le(out + CFG_OFF(version), AVF_PVMFW_CONFIG_VERSION, 4);
	store_le(out + CFG_OFF(size), sizeof(struct avf_pvmfw_config), 4);
	store_le(out + CFG_OFF(min_payload_version), c->min_payload_version, 8);
	for (unsigned i = 0; i < AVF_PVMFW_UDS_SIZE; i++)
		out[CFG_OFF(uds) + i] = c->uds[i];
}
