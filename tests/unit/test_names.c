// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Command slots, type names, expected response types and config clamping. */
#include <stdint.h>

#include "virtgpu_proto.h"
#include "test.h"

#define CMD(name) { VIRTIO_GPU_CMD_##name, VIRTGPU_SLOT_##name, #name }

/* Every command in the uapi header. */
static const struct { u32 type; int slot; const char *name; } cmds[] = {
	CMD(GET_DISPLAY_INFO),
	CMD(RESOURCE_CREATE_2D),
	CMD(RESOURCE_UNREF),
	CMD(SET_SCANOUT),
	CMD(RESOURCE_FLUSH),
	CMD(TRANSFER_TO_HOST_2D),
	CMD(RESOURCE_ATTACH_BACKING),
	CMD(RESOURCE_DETACH_BACKING),
	CMD(GET_CAPSET_INFO),
	CMD(GET_CAPSET),
	CMD(GET_EDID),
	CMD(RESOURCE_ASSIGN_UUID),
	CMD(RESOURCE_CREATE_BLOB),
	CMD(SET_SCANOUT_BLOB),
	CMD(CTX_CREATE),
	CMD(CTX_DESTROY),
	CMD(CTX_ATTACH_RESOURCE),
	CMD(CTX_DETACH_RESOURCE),
	CMD(RESOURCE_CREATE_3D),
	CMD(TRANSFER_TO_HOST_3D),
	CMD(TRANSFER_FROM_HOST_3D),
	CMD(SUBMIT_3D),
	CMD(RESOURCE_MAP_BLOB),
	CMD(RESOURCE_UNMAP_BLOB),
	CMD(UPDATE_CURSOR),
	CMD(MOVE_CURSOR),
};

_Static_assert(ARRAY_SIZE(cmds) == VIRTGPU_CMD_SLOTS, "a command is missing");

static const struct { u32 type; const char *name; } resps[] = {
	{ VIRTIO_GPU_RESP_OK_NODATA, "OK_NODATA" },
	{ VIRTIO_GPU_RESP_OK_DISPLAY_INFO, "OK_DISPLAY_INFO" },
	{ VIRTIO_GPU_RESP_OK_CAPSET_INFO, "OK_CAPSET_INFO" },
	{ VIRTIO_GPU_RESP_OK_CAPSET, "OK_CAPSET" },
	{ VIRTIO_GPU_RESP_OK_EDID, "OK_EDID" },
	{ VIRTIO_GPU_RESP_OK_RESOURCE_UUID, "OK_RESOURCE_UUID" },
	{ VIRTIO_GPU_RESP_OK_MAP_INFO, "OK_MAP_INFO" },
	{ VIRTIO_GPU_RESP_ERR_UNSPEC, "ERR_UNSPEC" },
	{ VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY, "ERR_OUT_OF_MEMORY" },
	{ VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID, "ERR_INVALID_SCANOUT_ID" },
	{ VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID, "ERR_INVALID_RESOURCE_ID" },
	{ VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID, "ERR_INVALID_CONTEXT_ID" },
	{ VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER, "ERR_INVALID_PARAMETER" },
};

static int cmd_index(u32 type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].type == type)
			return (int)i;
	return -1;
}

TEST(names, cmd_slot_every_command)
{
	bool seen[VIRTGPU_CMD_SLOTS] = { false };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		int slot = virtgpu_cmd_slot(cmds[i].type);

		test_ctx("%s", cmds[i].name);
		CHECK_EQ(slot, cmds[i].slot);
		CHECK(slot >= 0 && slot < VIRTGPU_CMD_SLOTS);
		CHECK(!seen[slot]);
		seen[slot] = true;
	}
}

TEST(names, cmd_slot_rejects_the_rest)
{
	static const u32 others[] = {
		0, 0x0ff, 0x10e, 0x1ff, 0x20a, 0x2ff, 0x302, 0x1100, 0x1106,
		0x1200, 0x1205, 0x10100, 0x80000100, UINT32_MAX,
	};
	size_t i;
	u32 t;

	for (i = 0; i < ARRAY_SIZE(others); i++) {
		test_ctx("type 0x%x", others[i]);
		CHECK(virtgpu_cmd_slot(others[i]) < 0);
	}
	/* Exactly the listed commands get a slot. */
	for (t = 0; t < 0x10000; t++) {
		test_ctx("type 0x%x", t);
		CHECK_EQ(virtgpu_cmd_slot(t) >= 0, cmd_index(t) >= 0);
	}
}

TEST(names, type_name)
{
	static const u32 unknown[] = {
		0, 0x0ff, 0x10e, 0x20a, 0x302, 0x10ff, 0x1107, 0x11ff, 0x1206,
		0x12ff, 0x1300, 0x10100, UINT32_MAX,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		CHECK_STR(virtgpu_type_name(cmds[i].type), cmds[i].name);
	for (i = 0; i < ARRAY_SIZE(resps); i++)
		CHECK_STR(virtgpu_type_name(resps[i].type), resps[i].name);
	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		test_ctx("type 0x%x", unknown[i]);
		CHECK_STR(virtgpu_type_name(unknown[i]), "UNKNOWN");
	}
}

TEST(names, cmd_resp_type)
{
	static const struct { u32 cmd, resp; } special[] = {
		{ VIRTIO_GPU_CMD_GET_DISPLAY_INFO, VIRTIO_GPU_RESP_OK_DISPLAY_INFO },
		{ VIRTIO_GPU_CMD_GET_EDID, VIRTIO_GPU_RESP_OK_EDID },
		{ VIRTIO_GPU_CMD_GET_CAPSET_INFO, VIRTIO_GPU_RESP_OK_CAPSET_INFO },
		{ VIRTIO_GPU_CMD_GET_CAPSET, VIRTIO_GPU_RESP_OK_CAPSET },
		{ VIRTIO_GPU_CMD_RESOURCE_ASSIGN_UUID,
		  VIRTIO_GPU_RESP_OK_RESOURCE_UUID },
		{ VIRTIO_GPU_CMD_RESOURCE_MAP_BLOB, VIRTIO_GPU_RESP_OK_MAP_INFO },
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		u32 want = VIRTIO_GPU_RESP_OK_NODATA;

		for (j = 0; j < ARRAY_SIZE(special); j++)
			if (special[j].cmd == cmds[i].type)
				want = special[j].resp;
		test_ctx("%s", cmds[i].name);
		CHECK_EQ(virtgpu_cmd_resp_type(cmds[i].type), want);
	}
}

TEST(names, resp_is_error)
{
	u32 t;

	for (t = 0x1000; t < 0x1400; t++) {
		test_ctx("type 0x%x", t);
		CHECK_EQ(virtgpu_resp_is_error(t), t >= 0x1200 && t <= 0x12ff);
	}
	CHECK(!virtgpu_resp_is_error(0));
	CHECK(!virtgpu_resp_is_error(UINT32_MAX));
}

static void config_expect(u32 scanouts, u32 capsets, u32 want_scanouts,
			  u32 want_capsets, int ret)
{
	u32 s = scanouts, c = capsets;

	test_ctx("%u scanouts, %u capsets", scanouts, capsets);
	CHECK_EQ(virtgpu_config_check(&s, &c), ret);
	CHECK_EQ(s, want_scanouts);
	CHECK_EQ(c, want_capsets);
}

TEST(config, check)
{
	config_expect(1, 0, 1, 0, 0);
	config_expect(0, 0, 0, 0, 0);
	config_expect(4, 2, 4, 2, 0);
	config_expect(16, 64, 16, 64, 0);
	config_expect(17, 0, 16, 0, -ERANGE);
	config_expect(1, 65, 1, 64, -ERANGE);
	config_expect(2, 1000, 2, 64, -ERANGE);
	config_expect(17, 1000, 16, 64, -ERANGE);
	config_expect(UINT32_MAX, 1, 16, 1, -ERANGE);
	config_expect(1, UINT32_MAX, 1, 64, -ERANGE);
	config_expect(UINT32_MAX, UINT32_MAX, 16, 64, -ERANGE);
}
