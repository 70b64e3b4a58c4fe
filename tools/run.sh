#!/bin/bash
# `make run`: build for the newest supported kernel, boot a guest with the
# module on a virtio-gpu device, print what the driver found and save a
# screenshot of the guest display. The default device is virtio-gpu-gl-pci
# (virgl on the host's llvmpipe, QEMU's GL display on Xvfb): the guest runs
# kmscube through Mesa's virgl driver and the screenshot shows its frame.
# RUN_DEVICE=virtio-gpu-pci,... boots a 2D device instead.
set -euo pipefail
cd "$(dirname "$0")/.."

kver=${KVER:-$(tools/kernels.sh | tail -n 1)}
device=${RUN_DEVICE:-virtio-gpu-gl-pci,xres=1280,yres=800}
display=none
case $device in *-gl*) display=sdl,gl=on ;; esac
out=tests/out/run
make --no-print-directory modules KVER="$kver" KDIR="/lib/modules/$kver/build"
make --no-print-directory guest-tools >/dev/null
rc=0
python3 tests/vm/vmrun.py --kernel "$kver" --device "$device" \
	--script tests/guest/show.sh --results "$out" --timeout 600 --display "$display" || rc=$?
echo
echo "What the driver found (kernel $kver, -device $device):"
sed -n 's/^=== //p' "$out/script.log" || true
if [ -f "$out/display.png" ]; then
	echo "Screenshot: $(pwd)/$out/display.png"
else
	echo "No screenshot was taken." >&2
	rc=1
fi
exit "$rc"
