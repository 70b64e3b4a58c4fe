#!/bin/bash
# 3D through virgl: the driver on virtio-gpu-gl-pci, QEMU's GL display on the host's Xvfb
# (llvmpipe behind virglrenderer). The suite line gives --display=sdl,gl=on.
#   uapi-*        tools/uapitest/build/virtgpu-uapitest: every 3D ioctl, its bad inputs,
#                 fences, WAIT, PRIME, implicit sync between processes, syncobjs (6.5+)
#   drm_virtgpu   IGT's drm_virtgpu (tests/igt/testlist-gl.txt against
#                 tests/igt/expect-<driver>-gl-<series>.txt)
#   eglinfo       Mesa on the driver: eglinfo -B -p gbm names virgl as the renderer
#   kmscube       Mesa's KMS/GBM path rendering through virgl: frames on QEMU's window,
#                 read back from the host display (xwd: QEMU 7.2's screendump cannot read a
#                 GL scanout), not blank and different from one another
#   glmark2       glmark2-es2-drm completes a short benchmark list and prints its score
#   objects-released  debugfs objects: buffer objects and contexts back where they were
#                 before the clients ran (ours only)
# Arguments: cases=C,... (default all of the above, in that order).
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

cases=uapi,igt,eglinfo,kmscube,glmark2,objects
for kv in "$@"; do
	case $kv in
	cases=*) cases=${kv#*=} ;;
	*) echo "virgl.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done
W=/tmp/virgl
mkdir -p "$W"
UAPITEST=$VIRTGPU_TREE/tools/uapitest/build/virtgpu-uapitest
PPMCOLORS=$VIRTGPU_TREE/tools/kmstest/ppmcolors.py
export LP_NATIVE_VECTOR_WIDTH=128	# llvmpipe's 256-bit code crashes under TCG (desktop.sh)

case $VIRTGPU_KVER in
6.1.* | 6.1-*) series=6.1 ;;
6.12.* | 6.12-*) series=6.12 ;;
*) series=${VIRTGPU_KVER%%-*}; series=${series%.*} ;;
esac
virgl=no
grep -Eq 'virtio-(gpu|vga)-gl' "$VIRTGPU_RESULTS/qemu-cmd.txt" && virgl=yes

if [ "$VIRTGPU_DRIVER" = ours ]; then
	echo 'install virtio_gpu /bin/false' >/etc/modprobe.d/virtgpu-no-intree.conf
fi
check load load_driver || { finish; exit 0; }
# Clients take the display over: fbcon must not restore its mode under them.
for v in /sys/class/vtconsole/vtcon*; do
	grep -q 'frame buffer' "$v/name" 2>/dev/null && echo 0 >"$v/bind"
done

objects() { cat "$(drm_debugfs_dir)/virtgpu/objects" 2>/dev/null | paste -sd' '; }
objects_before=$(objects)

case_uapi() {
	local args=(--virgl "$virgl")
	# The execbuffer syncobj arrays came with Linux 6.5.
	kernel_at_least 6.5 && args+=(--syncobj)
	if [ ! -x "$UAPITEST" ]; then
		fail uapi "$UAPITEST missing: make guest-tools"
		return
	fi
	# The in-tree driver's known differences (tools/uapitest/expect-intree.txt): expected
	# failures, and checks not run at all.
	local known=
	if [ "$VIRTGPU_DRIVER" = intree ]; then
		known=" $(grep -v '^#' "$VIRTGPU_TREE/tools/uapitest/expect-intree.txt" |
			cut -d' ' -f1 | paste -sd' ') "
		for n in $(awk '!/^#/ && $2 == "skip" { print $1 }' \
				"$VIRTGPU_TREE/tools/uapitest/expect-intree.txt"); do
			args+=(--skip "$n")
		done
	fi
	"$UAPITEST" "${args[@]}" >"$VIRTGPU_RESULTS/uapi.txt" 2>&1
	echo "uapitest exited $?"
	cat "$VIRTGPU_RESULTS/uapi.txt"
	grep -q '^uapitest: ' "$VIRTGPU_RESULTS/uapi.txt" || fail uapi-complete "the test died: $(tail -n 1 "$VIRTGPU_RESULTS/uapi.txt")"
	while read -r status name detail; do
		case $status:$known in
		PASS:*" $name "*) fail "uapi-$name" "passes now: a stale line in expect-intree.txt" ;;
		PASS:*) pass "uapi-$name" "$detail" ;;
		FAIL:*" $name "*) skip "uapi-$name" "in-tree difference (expect-intree.txt): $detail" ;;
		FAIL:*) fail "uapi-$name" "$detail" ;;
		SKIP:*" $name "*) skip "uapi-$name" "in-tree difference (expect-intree.txt): $detail" ;;
		SKIP:*) skip "uapi-$name" "$detail" ;;
		esac
	done <"$VIRTGPU_RESULTS/uapi.txt"
}

case_igt() {
	python3 tests/igt/igt_run.py --testlist tests/igt/testlist-gl.txt \
		--expect "tests/igt/expect-$VIRTGPU_DRIVER-gl-$series.txt" \
		--results "$VIRTGPU_RESULTS" --deadline 600 ||
		fail igt-runner "tests/igt/igt_run.py exited $?"
}

case_eglinfo() {
	eglinfo -B -p gbm >"$W/eglinfo.txt" 2>&1
	cat "$W/eglinfo.txt"
	local r
	r=$(grep -m1 -E 'OpenGL (core profile |ES profile )?renderer' "$W/eglinfo.txt")
	case $r in
	*virgl*) pass eglinfo "$r" ;;
	*) fail eglinfo "renderer not virgl: ${r:-none}" ;;
	esac
}

# A client on the display, two window grabs apart, not blank and different.
grab_twice() {
	local name=$1 n1 n2
	sleep 5	# Mesa compiles its shaders under TCG first
	window_grab "$name-1" >/dev/null || { echo "window grab failed"; return 1; }
	sleep 1
	window_grab "$name-2" >/dev/null || { echo "window grab failed"; return 1; }
	n1=$(python3 -S "$PPMCOLORS" --top 1 "$VIRTGPU_RESULTS/$name-1.ppm")
	n1=${n1#colours }
	n1=${n1%%:*}
	n2=$(cmp -s "$VIRTGPU_RESULTS/$name-1.ppm" "$VIRTGPU_RESULTS/$name-2.ppm" && echo same || echo different)
	echo "$name: $n1 colours, the two frames $n2"
	[ "$n1" -ge 16 ] && [ "$n2" = different ]
}

case_kmscube() {
	local pid out
	# kmscube quits on input: its stdin is a FIFO we hold open and never write.
	rm -f "$W/kmscube.in"
	mkfifo "$W/kmscube.in"
	kmscube -D /dev/dri/card0 <"$W/kmscube.in" >"$W/kmscube.log" 2>&1 &
	pid=$!
	exec 3>"$W/kmscube.in"
	if out=$(grab_twice kmscube); then pass kmscube "$out"; else fail kmscube "$out"; fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	exec 3>&-
	head -n 20 "$W/kmscube.log"
}

case_glmark2() {
	local score
	# A short list: a few scenes for two seconds each.
	# An XRGB8888 surface: glmark2 prefers one with alpha, and the in-tree driver's planes
	# have no ARGB8888 (its SETCRTC fails -EINVAL). glmark2-drm uses the largest mode.
	timeout 600 glmark2-es2-drm --visual-config a=0 -b build:duration=2 -b texture:duration=2 \
		-b shading:duration=2 >"$W/glmark2.log" 2>&1
	cat "$W/glmark2.log"
	score=$(sed -n 's/.*glmark2 Score: *\([0-9]*\).*/\1/p' "$W/glmark2.log")
	if [ -n "$score" ] && [ "$score" -gt 0 ] && ! grep -qi 'error' "$W/glmark2.log"; then
		pass glmark2 "score $score"
	else
		fail glmark2 "no score: $(tail -n 1 "$W/glmark2.log")"
	fi
}

case_objects() {
	local after
	[ "$VIRTGPU_DRIVER" = ours ] || return 0
	sleep 1	# the last answers to RESOURCE_UNREF
	after=$(objects)
	if [ "$after" = "$objects_before" ]; then
		pass objects-released "$after"
	else
		fail objects-released "before the clients: $objects_before; after: $after"
	fi
}

IFS=, read -r -a case_list <<<"$cases"
for c in "${case_list[@]}"; do
	case $c in
	uapi) case_uapi ;;
	igt) case_igt ;;
	eglinfo) case_eglinfo ;;
	kmscube) case_kmscube ;;
	glmark2) case_glmark2 ;;
	objects) case_objects ;;
	*) fail "case-$c" "unknown case $c" ;;
	esac
done
finish
