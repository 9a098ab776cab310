// SPDX-License-Identifier: Apache-2.0
/*
 * The firmware's boot decision (pvmfw.h, pvmfw_boot()): every check in a fixed order,
 * nothing changed in guest memory until all of them have passed, and the secrets wiped
 * on every way out.
 */
#include "stack/guest/pvmfw/pvmfw.h"

#include "stack/guest/crypto/crypto.h"

/* The largest DT the firmware reads (the VMM's FDT area is 2 MiB). */
#define PVMFW_FDT_MAX 0x200000u

struct boot_state {
	const struct pvmfw_platform *pl;
	struct pvmfw_boot_out *out;
	struct gfdt t;
	struct pvmfw_dt_config dt;
	struct pvmfw_config cfg;
	struct avf_payload payload;
	uint8_t *fdt;
	uint64_t fdt_addr;
};

static enum avf_reboot_reason refuse(struct boot_state *s, enum avf_reboot_reason r,
				     const char *why)
{
	s->out->detail = why;
	return r;
}

static void move_bytes(uint8_t *dst, const uint8_t *src, uint64_t n)
{
	if (dst == src)
		return;
	if (dst < src || dst >= src + n) {
		for (uint64_t i = 0; i < n; i++)
			dst[i] = src[i];
	} else {
		while (n--)
			dst[n] = src[n];
	}
}

static void copy_bytes(uint8_t *dst, const void *src, size_t n)
{
	move_bytes(dst, src, n);
}

static void zero_bytes(uint8_t *dst, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		dst[i] = 0;
}

/* Map the DT (its header first, to learn its size) and check it. */
static enum avf_reboot_reason load_dt(struct boot_state *s)
{
	const uint8_t *hdr = s->pl->phys(s->pl->ctx, s->fdt_addr, GFDT_HEADER_SIZE);
	uint32_t size;
	enum avf_reboot_reason r;

	if (!hdr)
		return refuse(s, AVF_REBOOT_INVALID_FDT, "the DT address is not memory");
	size = gfdt_be32(hdr + 4);
	if (size < GFDT_HEADER_SIZE || size > PVMFW_FDT_MAX)
		return refuse(s, AVF_REBOOT_INVALID_FDT, "the DT's totalsize is not 40 B..2 MiB");
	s->fdt = s->pl->phys(s->pl->ctx, s->fdt_addr, size);
	if (!s->fdt)
		return refuse(s, AVF_REBOOT_INVALID_FDT, "the DT is not inside memory");
	r = pvmfw_dt_check(&s->t, s->fdt, size, s->fdt_addr, &s->pl->layout, &s->dt,
			   &s->out->detail);
	s->out->uart_base = s->dt.uart_base;
	return r;
}

static enum avf_reboot_reason verify_payload(struct boot_state *s)
{
	const uint8_t *img = s->pl->phys(s->pl->ctx, s->dt.payload_addr, s->dt.payload_size);
	enum avf_payload_status st;

	if (!img)
		return refuse(s, AVF_REBOOT_INVALID_FDT, "the payload is not inside memory");
	st = avf_payload_parse(img, s->dt.payload_size, &s->payload, &s->out->detail);
	if (st == AVF_PAYLOAD_OK)
		st = avf_payload_verify(&s->payload, s->pl->trusted_key,
					s->cfg.min_payload_version, &s->out->detail);
	if (st != AVF_PAYLOAD_OK)
		return pvmfw_reason_for_payload(st);
	s->out->payload_version = s->payload.hdr.payload_version;
	copy_bytes(s->out->key_id, s->payload.hdr.key_id, AVF_PAYLOAD_KEY_ID_SIZE);
	return AVF_REBOOT_NONE;
}

/* The payload must run inside RAM without touching the DT. */
static enum avf_reboot_reason check_load_region(struct boot_state *s)
{
	const struct avf_payload_fields *h = &s->payload.hdr;
	uint64_t ram = s->dt.ram_base, ram_size = s->dt.ram_size;

	if (h->load_addr < ram || h->load_addr - ram > ram_size ||
	    h->mem_size > ram_size - (h->load_addr - ram))
		return refuse(s, AVF_REBOOT_INVALID_PAYLOAD,
			      "the payload's load region is not inside RAM");
	if (h->load_addr < s->fdt_addr + s->dt.fdt_size && s->fdt_addr < h->load_addr + h->mem_size)
		return refuse(s, AVF_REBOOT_INVALID_PAYLOAD,
			      "the payload's load region overlaps the DT");
	return AVF_REBOOT_NONE;
}

static void fill_handover(struct boot_state *s, const struct pvmfw_dice_inputs *in,
			  struct avf_handover *ho)
{
	const struct avf_payload_fields *h = &s->payload.hdr;

	copy_bytes(ho->magic, AVF_HANDOVER_MAGIC, 8);
	ho->version = AVF_HANDOVER_VERSION;
	ho->size = sizeof(*ho);
	copy_bytes(ho->code_hash, in->code_hash, 64);
	copy_bytes(ho->config_value, in->config_value, 64);
	copy_bytes(ho->authority_hash, in->authority_hash, 64);
	copy_bytes(ho->authority_key, s->pl->trusted_key, 32);
	ho->mode = in->mode;
	ho->instance_id_size = s->dt.instance_id_size;
	copy_bytes(ho->instance_id, s->dt.instance_id, s->dt.instance_id_size);
	ho->payload_version = h->payload_version;
	ho->ram_base = s->dt.ram_base;
	ho->ram_size = s->dt.ram_size;
	ho->fdt_addr = s->fdt_addr;
	ho->fdt_size = s->dt.fdt_size;
	ho->uart_base = s->dt.uart_base;
	ho->load_addr = h->load_addr;
	ho->mem_size = h->mem_size;
	ho->entry = h->load_addr + h->entry_offset;
}

/* Derive the CDIs into @ho, then put the code in place and hand over. */
static enum avf_reboot_reason prepare_payload(struct boot_state *s, struct avf_handover *ho)
{
	const struct avf_payload_fields *h = &s->payload.hdr;
	struct pvmfw_dice_inputs in;
	uint8_t *dst;
	size_t chain_len;
	int n;

	/* Measure before the copy below may overwrite the source. */
	pvmfw_dice_inputs_make(&s->payload, s->pl->trusted_key, s->dt.debug, s->dt.instance_id,
			       s->dt.instance_id_size, &in);
	if (pvmfw_dice_derive(s->cfg.uds, &in, ho->cdi_attest, ho->cdi_seal))
		return refuse(s, AVF_REBOOT_SECRET_DERIVATION, "the CDI derivation failed");
	if (pvmfw_dice_chain_build(s->cfg.uds, ho->cdi_attest, &in, h->payload_version,
				   ho->dice_chain, sizeof(ho->dice_chain), &chain_len))
		return refuse(s, AVF_REBOOT_SECRET_DERIVATION, "the DICE chain could not be built");
	ho->dice_chain_size = (uint32_t)chain_len;
	dst = s->pl->phys(s->pl->ctx, h->load_addr, h->mem_size);
	if (!dst)
		return refuse(s, AVF_REBOOT_INTERNAL_ERROR, "the load region is not memory");
	fill_handover(s, &in, ho);
	n = pvmfw_dt_sanitise(&s->t, s->fdt);
	if (n < 0)
		return refuse(s, AVF_REBOOT_INTERNAL_ERROR, "the DT could not be sanitised");
	s->out->nr_sanitised = n;
	move_bytes(dst, s->payload.code, h->code_size);
	zero_bytes(dst + h->code_size, h->mem_size - h->code_size);
	s->out->entry = ho->entry;
	return AVF_REBOOT_NONE;
}

enum avf_reboot_reason pvmfw_boot(const struct pvmfw_platform *platform, uint64_t fdt_addr,
				  uint8_t *cfg, size_t cfg_avail, struct avf_handover *ho,
				  struct pvmfw_boot_out *out)
{
	struct boot_state s = { .pl = platform, .out = out, .fdt_addr = fdt_addr };
	enum avf_reboot_reason r;

	*out = (struct pvmfw_boot_out){ .detail = "" };
	zero_bytes((uint8_t *)ho, sizeof(*ho));
	r = load_dt(&s);
	if (r == AVF_REBOOT_NONE)
		r = pvmfw_config_parse(cfg, cfg_avail, &s.cfg, &out->detail);
	if (r == AVF_REBOOT_NONE)
		r = verify_payload(&s);
	if (r == AVF_REBOOT_NONE)
		r = check_load_region(&s);
	if (r == AVF_REBOOT_NONE)
		r = prepare_payload(&s, ho);
	/* The device secret must not outlive this call, in the config or on our stack. */
	if (cfg_avail >= sizeof(struct avf_pvmfw_config))
		crypto_wipe(cfg + offsetof(struct avf_pvmfw_config, uds), AVF_PVMFW_UDS_SIZE);
	crypto_wipe(&s.cfg, sizeof(s.cfg));
	if (r != AVF_REBOOT_NONE)
		crypto_wipe(ho, sizeof(*ho));
	return r;
}
