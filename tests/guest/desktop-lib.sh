# shellcheck shell=bash disable=SC2034,SC2154  # sets and reads the caller's variables
# Start-up of the desktop stacks, shared by desktop.sh (the checks) and bench-desktop.sh (the
# benchmark); source it after lib.sh. The caller sets W (a scratch directory), R (the results
# directory) and limit (seconds a stack may take to come up under TCG).
#   stop_pid PID TIMEOUT         SIGTERM, wait; prints and returns the exit status
#   weston_start CONNECTOR RENDERER BG PANEL [WESTON_ARGS...]
#                                seatd and Weston (DRM backend on card0); sets seatd_pid,
#                                weston_pid and sock (the WAYLAND_DISPLAY name)
#   weston_up                    until Weston's socket and desktop shell are up
#   xorg_start ACCEL             Xorg :1, modesetting forced on card0, AccelMethod ACCEL
#                                (none|glamor); sets xorg_pid, exports DISPLAY=:1
#   xorg_up                      until Xorg :1 answers

# stop_pid PID TIMEOUT: SIGTERM, wait; prints and returns the exit status (1 after SIGKILL).
stop_pid() {
	kill -TERM "$1" 2>/dev/null
	_i=0
	while kill -0 "$1" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt $(($2 * 5)) ]; then
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			echo "killed"
			return 1
		fi
		sleep 0.2
	done
	wait "$1"
	_st=$?
	echo "exit status $_st"
	return "$_st"
}

# weston_start CONNECTOR RENDERER BG PANEL [WESTON_ARGS...]: a weston.ini with a solid
# background BG and a top panel PANEL (RRGGBB), no clock, no animations, CONNECTOR in its
# preferred mode; seatd hands Weston the DRM device (root in the guest). Log: $R/weston.log,
# output $W/weston.out, seatd's $W/seatd.log.
weston_start() {
	_ws_conn=$1 _ws_renderer=$2 _ws_bg=$3 _ws_panel=$4
	shift 4
	cat >"$W/weston.ini" <<EOF
[core]
idle-time=0
require-input=false

[shell]
background-color=0xff$_ws_bg
panel-color=0xff$_ws_panel
panel-position=top
clock-format=none
locking=false
animation=none
close-animation=none
startup-animation=none
focus-animation=none

[output]
name=$_ws_conn
mode=preferred
EOF
	seatd -l info >"$W/seatd.log" 2>&1 &
	seatd_pid=$!
	for _ in $(seq 50); do [ -S /run/seatd.sock ] && break; sleep 0.2; done
	sock=wayland-virtgpu
	# renderer=gl renders with llvmpipe through GBM on card0 (kms_swrast). llvmpipe's
	# 256-bit JIT code crashes under QEMU 7.2's TCG with -cpu max (segfault in an llvmpipe
	# thread, black screen, weston exits 139); 128-bit vectors work. No effect on pixman.
	LIBSEAT_BACKEND=seatd SEATD_SOCK=/run/seatd.sock LP_NATIVE_VECTOR_WIDTH=128 \
		weston --backend=drm --renderer="$_ws_renderer" --drm-device=card0 \
		--continue-without-input --config="$W/weston.ini" --socket="$sock" --idle-time=0 \
		--log="$R/weston.log" "$@" >"$W/weston.out" 2>&1 &
	weston_pid=$!
}

weston_up() {
	for _ in $(seq $((limit * 5))); do
		kill -0 "$weston_pid" 2>/dev/null || { echo "weston exited: $(tail -n 5 "$R/weston.log" "$W/weston.out")"; return 1; }
		[ -S "$XDG_RUNTIME_DIR/$sock" ] && grep -q 'launching.*desktop-shell' "$R/weston.log" 2>/dev/null &&
			{ grep -E 'Output .* (enabled|repaint)|Output .*, \(connector|mode' "$R/weston.log" | head -n 3; return 0; }
		sleep 0.2
	done
	echo "no socket $XDG_RUNTIME_DIR/$sock after ${limit}s"
	return 1
}

# xorg_start ACCEL: no input devices, no screen saver or DPMS; log $R/Xorg.1.log, output
# $W/xorg.out.
xorg_start() {
	cat >"$W/xorg.conf" <<EOF
Section "ServerFlags"
	Option "AutoAddDevices" "false"
	Option "AutoAddGPU" "false"
	Option "BlankTime" "0"
	Option "StandbyTime" "0"
	Option "SuspendTime" "0"
	Option "OffTime" "0"
EndSection

Section "Device"
	Identifier "virtgpu"
	Driver "modesetting"
	Option "kmsdev" "/dev/dri/card0"
	Option "AccelMethod" "$1"
EndSection

Section "Screen"
	Identifier "screen"
	Device "virtgpu"
	DefaultDepth 24
EndSection

Section "ServerLayout"
	Identifier "layout"
	Screen "screen"
EndSection
EOF
	export DISPLAY=:1
	Xorg :1 -noreset -nolisten tcp -config "$W/xorg.conf" -logfile "$R/Xorg.1.log" \
		>"$W/xorg.out" 2>&1 &
	xorg_pid=$!
}

xorg_up() {
	for _ in $(seq $((limit * 2))); do
		kill -0 "$xorg_pid" 2>/dev/null || { echo "Xorg exited: $(tail -n 8 "$W/xorg.out")"; return 1; }
		xset q >/dev/null 2>&1 && { grep -E 'modeset\(0\): (Output|Driver)|EE' "$R/Xorg.1.log" | head; return 0; }
		sleep 0.5
	done
	echo "Xorg :1 did not answer in ${limit}s"
	return 1
}
