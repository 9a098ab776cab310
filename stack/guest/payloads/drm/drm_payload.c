// SPDX-License-Identifier: Apache-2.0
/*
 * "drm": holds a content key that only ever exists inside the VM (docs/PAYLOADS.md).
 * The core is stack/guest/usecase/drm.c; this file binds it to the payload API: the
 * two instance secrets, sector 0 of disk 0 as the sealed-key store, and the RPC server
 * on vsock port DRM_RPC_PORT. The key itself is never logged; its id (a hash) is.
 */
#include <stdint.h>

#include "stack/guest/crypto/crypto.h"
#include "stack/guest/include/avf_vm_payload.h"
#include "stack/guest/runtime/runtime.h"
#include "stack/guest/usecase/drm.h"
#include "stack/guest/usecase/uc.h"

#define DRM_RPC_PORT 5681
#define DISK 0

static struct drm drm;

static int disk_read(void *ctx, uint8_t sector[DRM_SECTOR_SIZE])
{
	(void)ctx;
	return AVmPayload_readBlocks(DISK, 0, sector, 1);
}

static int disk_write(void *ctx, const uint8_t sector[DRM_SECTOR_SIZE])
{
	int ret = AVmPayload_writeBlocks(DISK, 0, sector, 1);

	(void)ctx;
	return ret ? ret : AVmPayload_flushBlockDevice(DISK);
}

static int fail(int code, const char *why)
{
	rt_log("drm: %s\n", why);
	AVmPayload_notifyError(code, why);
	return code;
}

static void log_key_id(const char *how)
{
	const uint8_t *id = drm.key_id;

	rt_log("drm: content key %02x%02x%02x%02x%02x%02x%02x%02x %s\n", id[0], id[1], id[2],
	       id[3], id[4], id[5], id[6], id[7], how);
}

static int32_t handle(void *ctx, uint16_t method, const void *req, size_t req_len, void *resp,
		      size_t resp_cap, size_t *resp_len, bool *stop)
{
	bool had_key = drm.has_key;
	int ret = drm_handle(&drm, method, req, req_len, resp, resp_cap, resp_len);

	(void)ctx;
	(void)stop;
	if (method == DRM_METHOD_PROVISION && !ret)
		log_key_id(had_key ? "replaced and sealed to disk 0" : "provisioned and sealed to disk 0");
	else if (method == DRM_METHOD_PROVISION)
		rt_log("drm: provisioning refused (%d)\n", ret);
	else if (method == DRM_METHOD_DECRYPT && ret)
		rt_log("drm: chunk refused (%d)\n", ret);
	return ret;
}

static void ready(void *param)
{
	(void)param;
	rt_log("drm: serving on vsock port %u\n", DRM_RPC_PORT);
	AVmPayload_notifyServiceReady();
}

static int init(void)
{
	struct drm_store store = { .read = disk_read, .write = disk_write };
	uint8_t provision[32], seal[32];
	uint64_t sectors;
	bool ro;
	int ret;

	if (AVmPayload_openBlockDevice(DISK, &sectors, &ro) || ro)
		return fail(2, "needs a writable disk 0 for the sealed key");
	if (!AVmPayload_getVmInstanceSecret("drm.provision", 13, provision, 32) ||
	    !AVmPayload_getVmInstanceSecret("drm.seal", 8, seal, 32))
		return fail(3, "no instance secret");
	ret = drm_init(&drm, provision, seal, &store);
	crypto_wipe(provision, sizeof(provision));
	crypto_wipe(seal, sizeof(seal));
	if (ret == -UC_EBADMSG) {
		/* the host may re-provision: the license server decides */
		rt_log("drm: the sealed key on disk 0 does not open here\n");
		AVmPayload_notifyError(4, "the sealed key on disk 0 does not open here");
	} else if (ret) {
		rt_log("drm: disk 0 holds no sealed key of ours (%d)\n", ret);
		return fail(5, "disk 0 is not a drm key store");
	} else if (drm.has_key) {
		log_key_id("unsealed from disk 0");
	} else {
		rt_log("drm: no content key yet\n");
	}
	return 0;
}

int AVmPayload_main(void)
{
	int ret = init();

	if (ret)
		return ret;
	ret = AVmPayload_runVsockRpcServer(DRM_RPC_PORT, handle, NULL, ready, NULL);
	drm_fini(&drm);
	if (ret)
		return fail(6, "the RPC server failed");
	rt_log("drm: the host closed the connection\n");
	return 0;
}
