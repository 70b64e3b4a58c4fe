#!/bin/bash
# Desktop stacks on the driver under test: Weston (DRM backend, seatd) and Xorg (modesetting).
#   Weston: a weston.ini with a known solid background and a top panel of a known colour;
#     weston-starts (socket up, output enabled, still running), weston-screenshot (head 0
#     shows exactly those colours: Weston really drew through KMS), weston-client-animates
#     (weston-simple-damage's bouncing ball: on screen, moving, flushed to QEMU),
#     weston-stops (SIGTERM ends it with status 0 and the DRM master is free again).
#   Xorg: Xorg :1 with the modesetting driver forced on /dev/dri/card0; xorg-starts,
#     xrandr-outputs (each connected sysfs connector is listed with modes and a current mode
#     equal to the sysfs preferred mode), xorg-screenshot (xsetroot -solid paints the root
#     window a known colour, head 0 shows it), xorg-client-animates (a digital xclock with
#     seconds: on screen, changing, flushed to QEMU), xorg-stops.
# Screenshots: weston.png, xorg.png and the clients' two each (weston-client-1.png, ...) in
# the results dir; logs weston.log, Xorg.1.log, xrandr.txt.
# Arguments (KEY=VALUE): renderer=pixman|gl (Weston, default pixman; gl renders with
# llvmpipe through GBM, or with virgl on virtio-gpu-gl-pci), accel=none|glamor (Xorg's
# modesetting AccelMethod, default none), xorg=0 (Weston only), limit=S (default 90: how long
# each stack may take to show its colours under TCG).
# On virtio-gpu-gl-pci the stacks must render through virgl: weston-renderer-virgl (Weston's
# log names virgl as its GL renderer) and xorg-glamor-virgl (glamor enabled on virgl); head 0
# is read from QEMU's window on the host display (QEMU 7.2's screendump cannot read a GL
# scanout).
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"
# shellcheck source=tests/guest/desktop-lib.sh
. "$VIRTGPU_TREE/tests/guest/desktop-lib.sh"

renderer=pixman accel=none limit=90 xorg=1
for kv in "$@"; do
	case $kv in
	renderer=* | accel=* | limit=* | xorg=*) eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "desktop.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

R=$VIRTGPU_RESULTS
W=/tmp/desktop
mkdir -p "$W"

virgl=no
grep -Eq 'virtio-(gpu|vga)-gl' "$R/qemu-cmd.txt" && virgl=yes

# shot NAME: head 0 to NAME.ppm (and .png).
shot() {
	if [ "$virgl" = yes ]; then window_grab "$1"; else screendump "$1" 0; fi
}

# Colours (RGB hex): Weston's background and panel, Xorg's root window.
WESTON_BG=204080 WESTON_PANEL=e08020 XORG_ROOT=c03060

# check_shot NAME SPEC...: screendump head 0 to NAME.ppm and check pixels. SPEC is
# "X,Y=RRGGBB" with X and Y as fractions of the width and height (0.5,0.5 = centre), or
# "X,Ypx=RRGGBB" with Y in pixels from the top. Prints what it saw; exit 0 if all match.
check_shot() {
	_n=$1
	shift
	shot "$_n" >/dev/null || return 2
	python3 - "$R/$_n.ppm" "$@" <<'EOF'
import re, sys
data = open(sys.argv[1], 'rb').read()
m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+255\s', data)
w, h = int(m[1]), int(m[2])
pix = data[m.end():]
ok, seen = True, []
for spec in sys.argv[2:]:
    pos, want = spec.split('=')
    xs, ys = pos.split(',')
    x = min(w - 1, int(float(xs) * w))
    y = int(ys[:-2]) if ys.endswith('px') else min(h - 1, int(float(ys) * h))
    got = pix[(y * w + x) * 3:(y * w + x) * 3 + 3].hex()
    seen.append(f'({x},{y})={got}' + ('' if got == want else f'!={want}'))
    ok &= got == want
distinct = len({pix[i:i + 3] for i in range(0, len(pix), 3 * 997)})
print(f'{w}x{h} {" ".join(seen)} ({distinct} colours sampled)')
sys.exit(0 if ok else 1)
EOF
}

# animates NAME BACKGROUND...: a client that draws and animates is on head 0. Two screendumps
# (NAME-1, NAME-2) two seconds apart must show its content and differ only where it is
# (tools/kmstest/ppmchange.py; BACKGROUND: the desktop's own colours, RRGGBB), and at least 2
# RESOURCE_FLUSH commands must have reached QEMU meanwhile (its trace: the suite line has
# -trace enable=virtio_gpu_cmd_res_flush,file={results}/trace.log).
animates() {
	_n=$1
	shift
	_f1=$(trace_count "$_n-flush1" virtio_gpu_cmd_res_flush 2>&1) || { echo "$_f1"; return 1; }
	shot "$_n-1" >/dev/null || { echo "screendump failed"; return 1; }
	sleep 2
	shot "$_n-2" >/dev/null || { echo "screendump failed"; return 1; }
	_f2=$(trace_count "$_n-flush2" virtio_gpu_cmd_res_flush 2>&1) || { echo "$_f2"; return 1; }
	echo "RESOURCE_FLUSH in QEMU's trace: $_f1 -> $_f2"
	python3 -S "$VIRTGPU_TREE/tools/kmstest/ppmchange.py" "$R/$_n-1.ppm" "$R/$_n-2.ppm" "$@" &&
		[ $((_f2 - _f1)) -ge 2 ]
}

# wait_shot NAME TIMEOUT SPEC...: check_shot until it passes or TIMEOUT seconds pass.
wait_shot() {
	_n=$1 _t=$2
	shift 2
	_end=$(($(date +%s) + _t))
	while :; do
		_out=$(check_shot "$_n" "$@") && { echo "$_out"; return 0; }
		[ "$(date +%s)" -lt "$_end" ] || { echo "$_out"; return 1; }
		sleep 2
	done
}

# stopped NAME PID: stop_pid in this shell (not through check, whose command substitution is a
# subshell that cannot wait for our children); PASS if it exited 0 within 20 s of SIGTERM.
stopped() {
	stop_pid "$2" 20 >"$W/stop.txt" 2>&1
	_st=$?
	echo "$1: $(cat "$W/stop.txt")"
	if [ "$_st" = 0 ]; then pass "$1" "$(cat "$W/stop.txt")"; else fail "$1" "$(cat "$W/stop.txt")"; fi
}

# The DRM master is free when a new client can become master: SET_MASTER on a
# fresh fd of card0 (DRM_IOCTL_SET_MASTER = 0x641e).
master_free() {
	python3 - <<'EOF'
import fcntl, os, sys
fd = os.open('/dev/dri/card0', os.O_RDWR)
try:
    fcntl.ioctl(fd, 0x641e)   # SET_MASTER: fails with EBUSY while someone else holds it
except OSError as e:
    sys.exit(f'card0 master busy: {e}')
EOF
}

check load load_driver || { finish; exit 0; }
conns=$(for c in /sys/class/drm/card0-*; do
	[ "$(cat "$c/status" 2>/dev/null)" = connected ] && echo "${c##*/card0-}"
done)
conn0=$(echo "$conns" | head -n 1)
pref=$(head -n 1 "/sys/class/drm/card0-$conn0/modes" 2>/dev/null)
echo "connected: $(echo "$conns" | tr '\n' ' '), preferred mode of $conn0: $pref"

### Weston ##########################################################################
weston_start "$conn0" "$renderer" "$WESTON_BG" "$WESTON_PANEL"

# log_names FILE REGEX: FILE has a line matching REGEX (printed).
log_names() {
	grep -m1 -E "$2" "$1" || { echo "no line matching '$2' in ${1##*/}"; return 1; }
}
if check weston-starts weston_up; then
	if [ "$virgl" = yes ] && [ "$renderer" = gl ]; then
		check weston-renderer-virgl log_names "$R/weston.log" 'GL renderer: virgl'
	fi
	# Background in the middle, panel along the top (a few pixels down, away from any
	# launcher icon at the left).
	check weston-screenshot wait_shot weston "$limit" \
		"0.5,0.5=$WESTON_BG" "0.25,0.75=$WESTON_BG" "0.5,4px=$WESTON_PANEL" "0.75,4px=$WESTON_PANEL"
	# A client that draws: weston-simple-damage bounces a ball, posting buffer damage.
	WAYLAND_DISPLAY=$sock weston-simple-damage --use-damage-buffer >"$W/client.log" 2>&1 &
	client_pid=$!
	sleep 3
	check weston-client-animates animates weston-client "$WESTON_BG" "$WESTON_PANEL"
	stop_pid "$client_pid" 10 >/dev/null
	cat "$W/client.log"
	stopped weston-stops "$weston_pid"
else
	fail weston-screenshot "not run: weston did not start"
	fail weston-client-animates "not run: weston did not start"
	kill -KILL "$weston_pid" 2>/dev/null
fi
stop_pid "$seatd_pid" 10 >/dev/null
cat "$W/weston.out" "$W/seatd.log"
check weston-master-released master_free

if [ "$xorg" != 1 ]; then
	finish
	exit 0
fi

### Xorg ############################################################################
xorg_start "$accel"

# xrandr: every connected connector is listed as connected, with modes, and the current
# mode (*) of the first one is the kernel's preferred mode.
xrandr_ok() {
	xrandr --verbose >"$R/xrandr-verbose.txt" 2>&1
	xrandr >"$R/xrandr.txt" 2>&1 || { cat "$R/xrandr.txt"; return 1; }
	cat "$R/xrandr.txt"
	for c in $conns; do
		grep -q "^$c connected" "$R/xrandr.txt" || { echo "$c not connected in xrandr"; return 1; }
	done
	# Mode lines of the first connector: indented lines until the next output line.
	modes=$(awk -v c="$conn0" '$1 == c { on = 1; next } /^[^ ]/ { on = 0 } on' "$R/xrandr.txt")
	n=$(echo "$modes" | grep -c 'x')
	cur=$(echo "$modes" | awk '/\*/ { print $1; exit }')
	echo "$conn0: $n modes, current ${cur:-none}, kernel preferred $pref"
	[ "$n" -ge 1 ] && [ -n "$cur" ] && [ "$cur" = "$pref" ]
}
if check xorg-starts xorg_up; then
	if [ "$virgl" = yes ] && [ "$accel" = glamor ]; then
		check xorg-glamor-virgl log_names "$R/Xorg.1.log" 'glamor X acceleration enabled on virgl'
	fi
	check xrandr-outputs xrandr_ok
	xsetroot -solid "#$XORG_ROOT"
	check xorg-screenshot wait_shot xorg "$limit" \
		"0.5,0.5=$XORG_ROOT" "0.1,0.1=$XORG_ROOT" "0.9,0.9=$XORG_ROOT"
	# A client that draws: a digital xclock with seconds, in large text.
	xclock -digital -update 1 -strftime '%H:%M:%S' -geometry 400x120+100+100 \
		-bg '#f0f0f0' -fg '#000080' -face 'Mono:size=48' >"$W/client.log" 2>&1 &
	client_pid=$!
	sleep 3
	check xorg-client-animates animates xorg-client "$XORG_ROOT"
	stop_pid "$client_pid" 10 >/dev/null
	cat "$W/client.log"
	stopped xorg-stops "$xorg_pid"
else
	fail xrandr-outputs "not run: Xorg did not start"
	fail xorg-screenshot "not run: Xorg did not start"
	fail xorg-client-animates "not run: Xorg did not start"
	kill -KILL "$xorg_pid" 2>/dev/null
fi
cat "$W/xorg.out"
check xorg-master-released master_free
finish
