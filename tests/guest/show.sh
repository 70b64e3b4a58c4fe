#!/bin/bash
# `make run`: load the driver, print what it found, and screenshot head 0.
. "$VIRTGPU_TREE/tests/guest/lib.sh"

check load load_driver || { finish; exit 0; }
echo "=== driver: $(python3 "$VIRTGPU_TREE/tests/guest/drm_version.py" /dev/dri/card0)"
dmesg | grep -E 'virtgpu|virtio_gpu|\[drm\]' | grep -v 'ommand line' | sed 's/^/=== dmesg: /'
if dir=$(drm_debugfs_dir) && [ -d "$dir/virtgpu" ]; then
	for f in features scanouts capsets; do
		sed "s/^/=== $f: /" "$dir/virtgpu/$f"
	done
	grep -v ' 0 0 0 0$' "$dir/virtgpu/commands" | sed 's/^/=== commands: /'
fi
for c in /sys/class/drm/card*-*; do
	[ -e "$c/status" ] && echo "=== connector ${c##*/}: $(cat "$c/status"), $(wc -l <"$c/modes") modes, first $(head -n 1 "$c/modes")"
done
# Show the findings on the guest's own console (fbcon on our fbdev).
if [ -c /dev/tty1 ]; then
	{
		printf '\033[2J\033[H'
		echo "virtgpu on $(uname -r)"
		echo
		sed -n 's/^=== //p' "$VIRTGPU_RESULTS/script.log" 2>/dev/null
		[ -n "${dir:-}" ] && cat "$dir/virtgpu/scanouts"
	} >/dev/tty1 2>/dev/null
fi
sleep 2
if size=$(screendump display 0); then
	pass screenshot "$size"
else
	fail screenshot "screendump failed"
fi
finish
