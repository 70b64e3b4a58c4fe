#!/bin/bash
# Display benchmark (not a test: no figure passes or fails). Runs tests/bench/build/kmsbench
# on the driver under test and saves its "bench <name> <value> <unit>" lines to
# $VIRTGPU_RESULTS/bench.txt; tests/bench/run.py boots this on each driver and tabulates.
# Arguments (KEY=VALUE): seconds=5 (per benchmark), mode=1920x1080, tests=LIST (kmsbench -T),
# load= (what to load; see below).
# RESULT lines: bench-load, then bench PASS (ran), SKIP (the driver has no KMS output yet)
# or FAIL (the benchmark itself failed, e.g. an ioctl error or a missing page-flip event).
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

seconds=5 mode=1920x1080 tests= load=
for kv in "$@"; do
	case $kv in
	seconds=* | mode=* | tests=* | load=*) eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "bench.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

tool=$VIRTGPU_TREE/tests/bench/build/kmsbench
out=$VIRTGPU_RESULTS/bench.txt
if [ ! -x "$tool" ]; then
	fail bench "$tool not built (run make -C tests/bench on the host)"
	finish
	exit 0
fi
# load=qemuvga[:PARAM=V]: qemuvga.ko; load=modprobe:MODULE: an in-tree module; default: the
# virtio-gpu driver under test (load_driver).
case $load in
'') check bench-load load_driver || { finish; exit 0; } ;;
qemuvga*)
	# shellcheck disable=SC2086
	check bench-load load_qemuvga $(echo "${load#qemuvga}" | tr ':' ' ') &&
		wait_dri_card >/dev/null || { finish; exit 0; }
	;;
modprobe:*) check bench-load modprobe "${load#modprobe:}" && wait_dri_card >/dev/null ||
	{ finish; exit 0; } ;;
*) fail bench-load "unknown load=$load"; finish; exit 0 ;;
esac

"$tool" -m "$mode" -t "$seconds" ${tests:+-T "$tests"} >"$out" 2>"$VIRTGPU_RESULTS/bench.err"
rc=$?
cat "$out" "$VIRTGPU_RESULTS/bench.err"
n=$(grep -c '^bench ' "$out")
case $rc in
0) pass bench "$n figures in bench.txt" ;;
3) skip bench "no KMS: $(sed -n 's/^# no KMS: //p' "$out")" ;;
*) fail bench "kmsbench exited $rc: $(tail -n 1 "$VIRTGPU_RESULTS/bench.err")" ;;
esac
finish
