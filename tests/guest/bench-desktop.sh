#!/bin/bash
# Desktop benchmark with real clients (not a test: no figure passes or fails), for
# tests/bench/run.py --suite desktop. Saves "bench <name> <value> <unit>" lines to
# $VIRTGPU_RESULTS/bench.txt:
#   Xorg :1, modesetting with AccelMethod none (desktop-lib.sh's xorg_start): x11perf's rate
#     for each test (x11perf -repeat 1 -time XTIME -TEST, one process per test; the rate of
#     its "N reps @ T msec (R/sec)" line) as x11perf_<test> in ops/s. x11perf's -ftext font
#     "6x13" is an alias of xfonts-base, which the root filesystem lacks: a font directory
#     with only a fonts.alias ("6x13" -> the server's built-in "fixed", also 6x13 pixels) is
#     appended to the font path, so the test draws the same glyph size.
#   Weston (DRM backend, pixman renderer, desktop-lib.sh's weston_start) with its "timeline"
#     log scope written to weston.log (--logger-scopes=log,timeline): each client runs alone
#     for 2 s, then for SECONDS, and the timeline points stamped in that window give
#     weston_<client>_fps (the busiest surface's commits, core_commit_damage: the client's
#     frames) and weston_<client>_output_fps (core_repaint_finished: frames Weston presented
#     on the output, i.e. page flips completed), and weston_<client>_cpu_ms (guest CPU,
#     all CPUs, /proc/stat, per presented frame). weston-simple-shm and weston-simple-damage
#     print no rate of their own.
# Arguments (KEY=VALUE): seconds=5 (per Weston client), xtime=2 (x11perf -time), tests=LIST
# (x11perf tests, default scroll500,copywinwin500,rect100,ftext,putimage100),
# clients=LIST (default simple-shm,simple-damage; weston- is prepended).
# RESULT lines: bench-load, xorg-starts, x11perf-<test> (printed a rate), weston-starts,
# weston-<client> (ran through the window and was seen committing frames); a FAIL means a
# client could not run, never a slow figure.
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"
# shellcheck source=tests/guest/desktop-lib.sh
. "$VIRTGPU_TREE/tests/guest/desktop-lib.sh"

seconds=5 xtime=2 tests=scroll500,copywinwin500,rect100,ftext,putimage100
clients=simple-shm,simple-damage
for kv in "$@"; do
	case $kv in
	seconds=* | xtime=* | tests=* | clients=*) eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "bench-desktop.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

R=$VIRTGPU_RESULTS
W=/tmp/bench-desktop
limit=120
out=$R/bench.txt
mkdir -p "$W"
: >"$out"

check bench-load load_driver || { finish; exit 0; }
conn0=$(for c in /sys/class/drm/card0-*; do
	[ "$(cat "$c/status" 2>/dev/null)" = connected ] && echo "${c##*/card0-}"
done | head -n 1)
echo "connector $conn0, preferred mode $(head -n 1 "/sys/class/drm/card0-$conn0/modes" 2>/dev/null)"

### Xorg, x11perf #####################################################################
xorg_start none
if check xorg-starts xorg_up; then
	grep -E 'modeset\(0\).*(mode|Shadow|shadow|DIRTYFB|Dirty)' "$R/Xorg.1.log" | head -n 8
	mkdir -p "$W/fonts"
	echo 0 >"$W/fonts/fonts.dir"
	echo '6x13 fixed' >"$W/fonts/fonts.alias"
	xset +fp "$W/fonts/" || echo "xset +fp $W/fonts/ failed: -ftext may be omitted"
	for t in $(echo "$tests" | tr , ' '); do
		log=$R/x11perf-$t.log
		timeout 300 x11perf -repeat 1 -time "$xtime" "-$t" >"$log" 2>&1
		rc=$?
		cat "$log"
		rate=$(sed -n 's/.*reps @ .*( *\([0-9.]*\)\/sec): .*/\1/p' "$log" | tail -n 1)
		if [ -n "$rate" ]; then
			echo "bench x11perf_$t $rate ops/s" >>"$out"
			pass "x11perf-$t" "$rate/s"
		else
			fail "x11perf-$t" "no rate (exit $rc): $(tail -n 1 "$log")"
		fi
	done
	stop_pid "$xorg_pid" 20
else
	kill -KILL "$xorg_pid" 2>/dev/null
fi
cat "$W/xorg.out"

### Weston, clients ###################################################################
# busy: the guest's busy CPU time so far, in jiffies of all CPUs (/proc/stat: everything but
# idle and iowait).
busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
# now: CLOCK_MONOTONIC in seconds, the clock of Weston's timeline stamps.
now() { python3 -S -c 'import time; print(f"{time.monotonic():.3f}")'; }

# timeline_rates LOG T0 T1: "COMMITS REPAINTS" stamped in [T0, T1): the busiest surface's
# core_commit_damage points and every core_repaint_finished.
timeline_rates() {
	python3 -S - "$@" <<'EOF'
import collections, re, sys
log, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
commits, repaints = collections.Counter(), 0
for line in open(log, errors='replace'):
    n = re.search(r'"N":\s*"(core_commit_damage|core_repaint_finished)"', line)
    t = re.search(r'"T":\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]', line)
    if not n or not t or not t0 <= int(t[1]) + int(t[2]) / 1e9 < t1:
        continue
    if n[1] == 'core_repaint_finished':
        repaints += 1
    else:
        s = re.search(r'"ws":\s*(\d+)', line)
        commits[s[1] if s else '?'] += 1
print(max(commits.values(), default=0), repaints)
EOF
}

weston_start "$conn0" pixman 204080 e08020 --logger-scopes=log,timeline
if check weston-starts weston_up; then
	for c in $(echo "$clients" | tr , ' '); do
		args=''
		[ "$c" = simple-damage ] && args=--use-damage-buffer
		# shellcheck disable=SC2086
		WAYLAND_DISPLAY=$sock "weston-$c" $args >"$W/$c.log" 2>&1 &
		cpid=$!
		sleep 2
		t0=$(now) b0=$(busy)
		sleep "$seconds"
		t1=$(now) b1=$(busy)
		if ! kill -0 "$cpid" 2>/dev/null; then
			wait "$cpid"
			fail "weston-$c" "exited $? before the end: $(tail -n 1 "$W/$c.log")"
			continue
		fi
		stop_pid "$cpid" 10 >/dev/null
		cat "$W/$c.log"
		read -r commits repaints <<<"$(timeline_rates "$R/weston.log" "$t0" "$t1")"
		echo "weston-$c: $commits commits, $repaints repaints in [$t0, $t1)"
		if [ "${repaints:-0}" -gt 0 ] && [ "${commits:-0}" -gt 0 ]; then
			awk -v c="${c//-/_}" -v n="$commits" -v r="$repaints" -v t0="$t0" -v t1="$t1" \
				-v b="$((b1 - b0))" -v hz="$(getconf CLK_TCK)" 'BEGIN {
				printf "bench weston_%s_fps %.1f frames/s\n", c, n / (t1 - t0)
				printf "bench weston_%s_output_fps %.1f frames/s\n", c, r / (t1 - t0)
				printf "bench weston_%s_cpu_ms %.2f ms/frame\n", c, 1000 * b / hz / r }' >>"$out"
			pass "weston-$c" "$commits frames, $repaints repaints in $(echo "$t0 $t1" |
				awk '{ printf "%.1f", $2 - $1 }') s"
		else
			fail "weston-$c" "no frames in Weston's timeline ($commits commits, $repaints repaints)"
		fi
	done
	stop_pid "$weston_pid" 20
else
	kill -KILL "$weston_pid" 2>/dev/null
fi
stop_pid "$seatd_pid" 10 >/dev/null
cat "$W/weston.out"
cat "$out"
finish
