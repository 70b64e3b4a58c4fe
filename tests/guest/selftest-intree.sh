#!/bin/bash
# Harness self-test: proves pixels come back from the guest display to the host.
# Meant for --driver intree (the in-tree virtio_gpu, so it needs nothing from our module; with
# --driver ours it runs the same checks against our driver). The driver's fbdev emulation
# sets the preferred mode; we paint a known colour band into /dev/fb0, ask the host for a
# screendump of head 0 and check its size and pixels.
set -uo pipefail	# no -e: a failed check is recorded and the script goes on
. "$VIRTGPU_TREE/tests/guest/lib.sh"

check load-driver load_driver || { finish; exit 0; }

conn=$(ls -d /sys/class/drm/card*-Virtual-1 2>/dev/null | head -n 1)
mode=$(head -n 1 "$conn/modes" 2>/dev/null)	# preferred mode is listed first
echo "connector $conn: preferred mode ${mode:-none}, fb0 $(cat /sys/class/graphics/fb0/virtual_size)"
if [ -n "$mode" ]; then pass preferred-mode "$mode"; else fail preferred-mode "no modes on $conn"; fi
[ -n "$(drm_debugfs_dir)" ] && pass debugfs-dir "$(drm_debugfs_dir)" || fail debugfs-dir "not found"

# Orange (XRGB8888 0x00ff8000) rows 64..191 of the fbdev framebuffer. Writing through
# /dev/fb0 marks the rows damaged, so the driver flushes them to the host shortly after.
python3 - <<'EOF' || fail fb-write "cannot write /dev/fb0"
stride = int(open('/sys/class/graphics/fb0/stride').read())
with open('/dev/fb0', 'r+b') as fb:
    fb.seek(64 * stride)
    fb.write(bytes([0x00, 0x80, 0xff, 0x00]) * (stride // 4) * 128)
EOF
sleep 1	# let the fbdev damage worker flush

if size=$(screendump head0 0); then
	pass screendump "$size"
	want=${mode/x/ }
	[ "$size" = "$want" ] && pass screendump-size "$size" ||
		fail screendump-size "got $size, want $want (preferred mode)"
	# Check the band in the PPM (P6 header "P6\nW H\n255\n", then RGB triplets).
	check screendump-pixels python3 - "$VIRTGPU_RESULTS/head0.ppm" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
magic, dims, maxval, pix = data.split(b'\n', 3)
w, h = map(int, dims.split())
px = lambda x, y: tuple(pix[(y * w + x) * 3:(y * w + x) * 3 + 3])
band, above = px(w // 2, 128), px(w // 2, 32)
print(f'{w}x{h}: pixel in band {band}, above band {above}')
sys.exit(0 if band == (255, 128, 0) and above != band else 1)
EOF
	[ -s "$VIRTGPU_RESULTS/head0.png" ] && pass screendump-png || fail screendump-png "no PNG"
else
	fail screendump "request failed"
fi

check unload-driver unload_driver
finish
