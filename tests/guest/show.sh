#!/bin/bash
# `make run`: load the driver, print what it found, and screenshot head 0. On a VIRGL device,
# also Mesa's renderer string and kmscube rendering through virgl in the screenshot.
. "$VIRTGPU_TREE/tests/guest/lib.sh"

virgl=no
grep -Eq 'virtio-(gpu|vga)-gl' "$VIRTGPU_RESULTS/qemu-cmd.txt" && virgl=yes
export LP_NATIVE_VECTOR_WIDTH=128	# llvmpipe under TCG (virgl.sh)
if [ "$VIRTGPU_DRIVER" = ours ]; then
	echo 'install virtio_gpu /bin/false' >/etc/modprobe.d/virtgpu-no-intree.conf
fi

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
if [ "$virgl" = no ]; then
	sleep 2
	if size=$(screendump display 0); then
		pass screenshot "$size"
	else
		fail screenshot "screendump failed"
	fi
	finish
	exit 0
fi

# 3D: Mesa's renderer on this device, then kmscube on the display (QEMU 7.2 cannot screendump
# a GL scanout: the screenshot is QEMU's window on the host display).
renderer=$(eglinfo -B -p gbm 2>&1 | grep -m1 -E 'OpenGL (core profile |ES profile )?renderer')
echo "=== renderer: ${renderer#*: }"
case $renderer in
*virgl*) pass renderer "$renderer" ;;
*) fail renderer "not virgl: ${renderer:-none}" ;;
esac
for v in /sys/class/vtconsole/vtcon*; do
	grep -q 'frame buffer' "$v/name" 2>/dev/null && echo 0 >"$v/bind"
done
# kmscube quits on input: its stdin is a FIFO we hold open and never write.
mkfifo /tmp/kmscube.in
kmscube -D /dev/dri/card0 </tmp/kmscube.in >/tmp/kmscube.log 2>&1 &
kmscube_pid=$!
exec 3>/tmp/kmscube.in
sleep 8
if size=$(window_grab display); then
	colours=$(python3 -S "$VIRTGPU_TREE/tools/kmstest/ppmcolors.py" --top 1 "$VIRTGPU_RESULTS/display.ppm")
	echo "=== screenshot: kmscube through virgl, ${colours%%:*}"
	pass screenshot "$size, ${colours%%:*}"
else
	fail screenshot "window grab failed"
fi
kill "$kmscube_pid" 2>/dev/null
finish
