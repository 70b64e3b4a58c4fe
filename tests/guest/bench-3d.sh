#!/bin/bash
# 3D benchmark (not a test: no figure passes or fails) on virtio-gpu-gl-pci. Runs
# tests/bench/build/gpubench (EXECBUFFER round trips with a fence wait, fence latency,
# EXECBUFFER + WAIT, resource create+destroy), kmscube's frame rate (300 frames through
# virgl, page-flipped on the display) and glmark2-es2-drm's score on a short scene list,
# and saves "bench <name> <value> <unit>" lines to $VIRTGPU_RESULTS/bench.txt for
# tests/bench/run.py --suite 3d.
# Arguments (KEY=VALUE): seconds=5 (per gpubench benchmark), glmark2=1 (0: skip it).
# RESULT lines: bench-load, bench (gpubench ran), kmscube (it printed its rate), glmark2 (it
# printed a score).
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

seconds=5 glmark2=1
for kv in "$@"; do
	case $kv in
	seconds=* | glmark2=*) eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "bench-3d.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done
tool=$VIRTGPU_TREE/tests/bench/build/gpubench
out=$VIRTGPU_RESULTS/bench.txt
export LP_NATIVE_VECTOR_WIDTH=128	# as in virgl.sh

if [ "$VIRTGPU_DRIVER" = ours ]; then
	echo 'install virtio_gpu /bin/false' >/etc/modprobe.d/virtgpu-no-intree.conf
fi
check bench-load load_driver || { finish; exit 0; }
for v in /sys/class/vtconsole/vtcon*; do
	grep -q 'frame buffer' "$v/name" 2>/dev/null && echo 0 >"$v/bind"
done
if [ ! -x "$tool" ]; then
	fail bench "$tool not built (make -C tests/bench)"
	finish
	exit 0
fi
"$tool" -t "$seconds" >"$out" 2>"$VIRTGPU_RESULTS/bench.err"
rc=$?
cat "$out" "$VIRTGPU_RESULTS/bench.err"
if [ "$rc" = 0 ]; then
	pass bench "$(grep -c '^bench ' "$out") figures in bench.txt"
else
	fail bench "gpubench exited $rc: $(tail -n 1 "$VIRTGPU_RESULTS/bench.err")"
fi

# kmscube quits on input: its stdin is a FIFO held open and never written (as in virgl.sh).
mkfifo /tmp/kmscube.in
exec 3<>/tmp/kmscube.in
timeout 300 kmscube -D /dev/dri/card0 -c 300 <&3 >"$VIRTGPU_RESULTS/kmscube.log" 2>&1
exec 3>&-
rm -f /tmp/kmscube.in
cat "$VIRTGPU_RESULTS/kmscube.log"
# It prints a running rate every 2 s; the last line covers all 300 frames.
fps=$(sed -n 's/^Rendered [0-9]* frames in .* sec (\([0-9.]*\) fps).*/\1/p' \
	"$VIRTGPU_RESULTS/kmscube.log" | tail -n 1)
if [ -n "$fps" ]; then
	echo "bench kmscube_fps $fps frames/s" >>"$out"
	pass kmscube "$fps frames/s"
else
	fail kmscube "no frame rate: $(tail -n 1 "$VIRTGPU_RESULTS/kmscube.log")"
fi

if [ "$glmark2" = 1 ]; then
	# XRGB8888, as in virgl.sh (the in-tree driver has no ARGB8888 plane).
	timeout 900 glmark2-es2-drm --visual-config a=0 -b build:duration=5 -b texture:duration=5 \
		-b shading:duration=5 >"$VIRTGPU_RESULTS/glmark2.log" 2>&1
	cat "$VIRTGPU_RESULTS/glmark2.log"
	score=$(sed -n 's/.*glmark2 Score: *\([0-9]*\).*/\1/p' "$VIRTGPU_RESULTS/glmark2.log")
	if [ -n "$score" ]; then
		echo "bench glmark2_score $score score" >>"$out"
		pass glmark2 "score $score"
	else
		fail glmark2 "no score: $(tail -n 1 "$VIRTGPU_RESULTS/glmark2.log")"
	fi
fi
finish
