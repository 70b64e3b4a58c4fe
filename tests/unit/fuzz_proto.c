// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer harness over every response decoder. The first 5 input bytes
 * pick the caller-side arguments (scanout count, expected capset size); the
 * rest is the response, copied to an exact-size aligned heap buffer as the
 * driver would receive it. Any violated invariant aborts.
 */
#include <stdlib.h>

#include "virtgpu_proto.h"

static void require(bool cond)
{
	if (!cond)
		abort();
}

static bool ret_allowed(int ret)
{
	return ret == 0 || ret == -EIO || ret == -EPROTO || ret == -ENODATA ||
	       ret == -EINVAL;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct virtgpu_scanout_info out[VIRTGPU_MAX_SCANOUTS + 4];
	struct virtgpu_capset_info ci;
	const u8 *edid, *capset;
	u32 num_scanouts, expect_size, edid_len, i;
	size_t len;
	u8 *resp;
	int ret;

	if (size < 5)
		return 0;
	num_scanouts = data[0] % (VIRTGPU_MAX_SCANOUTS + 4);
	expect_size = data[1] | data[2] << 8 | data[3] << 16 | (u32)data[4] << 24;
	len = size - 5;
	resp = malloc(len ? len : 1);
	require(resp);
	memcpy(resp, data + 5, len);

	for (i = VIRTIO_GPU_RESP_OK_NODATA; i <= VIRTIO_GPU_RESP_OK_MAP_INFO; i++) {
		ret = virtgpu_resp_check(resp, len, i);
		require(!ret || ret == -EIO || ret == -EPROTO);
	}

	ret = virtgpu_decode_display_info(resp, len, num_scanouts, out);
	require(ret_allowed(ret) && ret != -ENODATA);
	for (i = 0; !ret && i < num_scanouts; i++) {
		const struct virtgpu_scanout_info *s = &out[i];

		/* Heads may sit side by side: only the size is bounded by MAX_DIM. */
		if (s->enabled)
			require(s->width && s->height &&
				s->width <= VIRTGPU_MAX_DIM &&
				s->height <= VIRTGPU_MAX_DIM &&
				s->x <= VIRTGPU_MAX_LAYOUT &&
				s->y <= VIRTGPU_MAX_LAYOUT);
		else
			require(!s->x && !s->y && !s->width && !s->height);
	}

	ret = virtgpu_decode_edid(resp, len, &edid, &edid_len);
	require(ret_allowed(ret) && ret != -EINVAL);
	if (!ret)
		require(edid == resp + 32 && edid_len && edid_len <= len - 32 &&
			edid_len <= VIRTGPU_EDID_MAX &&
			edid_len % VIRTGPU_EDID_BLOCK == 0);

	ret = virtgpu_decode_capset_info(resp, len, &ci);
	require(ret_allowed(ret) && ret != -EINVAL && ret != -ENODATA);
	if (!ret)
		require(ci.id && ci.max_size &&
			ci.max_size <= VIRTGPU_CAPSET_MAX_SIZE);

	ret = virtgpu_decode_capset(resp, len, expect_size, &capset);
	require(ret_allowed(ret) && ret != -EINVAL && ret != -ENODATA);
	if (!ret)
		require(capset == resp + 24 && expect_size <= len - 24);

	free(resp);
	return 0;
}
