#!/bin/bash
# Display benchmark (not a test: no figure passes or fails). Runs tests/bench/build/kmsbench
# -H on the driver under test and saves its "bench <name> <value> <unit>" lines (and its
# host markers' names) to $VIRTGPU_RESULTS/bench.txt; tests/bench/run.py boots this on each
# driver, adds the figures of QEMU's trace (tests/bench/hosttrace.py) and tabulates.
# Arguments (KEY=VALUE): seconds=5 (per benchmark), mode=1920x1080, tests=LIST (kmsbench -T),
# rate=N (kmsbench -r: at most N updates per second), load= (what to load; see below),
# hostcpu=1 (run each benchmark on its own and add what QEMU itself spent meanwhile:
# <test>_host_cpu_pct and _host_dev_pct, % of one host core for the whole process and for
# all but its vCPU threads, i.e. device models and display, and <test>_host_ms_per_update,
# the whole process's CPU time per update; the request round trips add up to 0.4 s of
# slack to each interval, and kmsbench's set-up counts against its updates).
# RESULT lines: bench-load, then bench PASS (ran), SKIP (the driver has no KMS output yet)
# or FAIL (the benchmark itself failed, e.g. an ioctl error or a missing page-flip event).
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

seconds=5 mode=1920x1080 tests='' load='' hostcpu=0 rate=0
for kv in "$@"; do
	case $kv in
	seconds=* | mode=* | tests=* | load=* | hostcpu=* | rate=*) eval "${kv%%=*}=\${kv#*=}" ;;
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
	# shellcheck disable=SC2046
	check bench-load load_qemuvga $(echo "${load#qemuvga}" | tr ':' ' ') &&
		wait_dri_card >/dev/null || { finish; exit 0; }
	;;
modprobe:*) check bench-load modprobe "${load#modprobe:}" && wait_dri_card >/dev/null ||
	{ finish; exit 0; } ;;
*) fail bench-load "unknown load=$load"; finish; exit 0 ;;
esac

# hostcpu_run TEST: kmsbench -T TEST between two host_cpu samples; appends its figures and
# QEMU's share of the host's CPU while it ran.
hostcpu_run() {
	local a b ups t=${1//-/_}
	a=$(host_cpu "cpu-$1-a" 2>>"$VIRTGPU_RESULTS/bench.err") || return 1
	"$tool" -H -m "$mode" -t "$seconds" -r "$rate" -T "$1" >>"$out" \
		2>>"$VIRTGPU_RESULTS/bench.err" || return
	b=$(host_cpu "cpu-$1-b" 2>>"$VIRTGPU_RESULTS/bench.err") || return 1
	# The test's own rate: T_fps, T_ups or T_rate (flips/s), whichever it printed.
	ups=$(awk -v t="$t" '$1 == "bench" && ($2 == t "_fps" || $2 == t "_ups" ||
		$2 == t "_rate") { v = $3 } END { print v + 0 }' "$out")
	echo "$a $b" | awk -v t="$t" -v ups="$ups" -v s="$seconds" '{ w = $4 - $1
		printf "bench %s_host_cpu_pct %.1f %%\n", t, 100 * ($5 - $2) / w
		printf "bench %s_host_dev_pct %.1f %%\n", t, 100 * ($6 - $3) / w
		if (ups > 0)
			printf "bench %s_host_ms_per_update %.2f ms\n", t,
				1000 * ($5 - $2) / (ups * s) }' >>"$out"
}

if [ "$hostcpu" = 1 ]; then
	: >"$out"
	rc=0
	for t in $(echo "${tests:-flip,full,full-b2b,damage,damage-b2b,damage-sync,dirtyfb}" |
		tr , ' '); do
		hostcpu_run "$t" || { rc=$?; break; }
	done
else
	"$tool" -H -m "$mode" -t "$seconds" -r "$rate" ${tests:+-T "$tests"} >"$out" \
		2>"$VIRTGPU_RESULTS/bench.err"
	rc=$?
fi
# virtgpu's damage queue (debugfs): how long damage of the damage-only tests (damage-sync,
# DIRTYFB) waited before its flush went to the host, mean per flush and longest.
if d=$(drm_debugfs_dir 2>/dev/null) && [ -r "$d/virtgpu/damage" ]; then
	awk '$1 == "scanout" && $2 == "0:" {
		printf "bench damage_queue_flushes %s flushes\n", $6
		printf "bench damage_queue_wait_mean_ms %.2f ms\n", $8 / 1000
		printf "bench damage_queue_wait_max_ms %.2f ms\n", $10 / 1000 }' \
		"$d/virtgpu/damage" >>"$out"
fi
cat "$out" "$VIRTGPU_RESULTS/bench.err"
n=$(grep -c '^bench ' "$out")
case $rc in
0) pass bench "$n figures in bench.txt" ;;
3) skip bench "no KMS: $(sed -n 's/^# no KMS: //p' "$out")" ;;
*) fail bench "kmsbench exited $rc: $(tail -n 1 "$VIRTGPU_RESULTS/bench.err")" ;;
esac
finish
