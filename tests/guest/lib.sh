# Helpers for guest test scripts; source it: . "$VIRTGPU_TREE/tests/guest/lib.sh"
# POSIX sh (the guest is a Debian sid chroot started by tests/vm/init; bash is there too).
#
# Environment set by tests/vm/init:
#   VIRTGPU_DRIVER   ours | intree   which driver load_driver loads
#   VIRTGPU_KO       /mnt/virtgpu/build/$(uname -r)/virtgpu.ko   (our module)
#   VIRTGPU_KVER     uname -r
#   VIRTGPU_TREE     /mnt/virtgpu      the project tree (read-only, also the cwd)
#   VIRTGPU_RESULTS  /mnt/results      shared with the host (read-write)
# Result protocol: one line "RESULT <PASS|FAIL|SKIP> <name> [detail]" per test in
# $VIRTGPU_RESULTS/results.txt, then `finish` once at the end; the host counts a run without
# the end marker (crash, hang, early exit) as a failure.

: "${VIRTGPU_RESULTS:=/mnt/results}"
: "${VIRTGPU_DRIVER:=ours}"
: "${VIRTGPU_REQUEST_TIMEOUT:=30}"

_result() {
	_status=$1
	_name=$(printf '%s' "$2" | tr -s ' \t\n' '---')	# names are one word
	shift 2
	_line="RESULT $_status $_name $(printf '%s' "$*" | tr -s '\n' ' ')"
	_line=${_line% }
	echo "$_line" >>"$VIRTGPU_RESULTS/results.txt"
	echo "$_line"
}

pass() { _result PASS "$1" "${2-}"; }
fail() { _result FAIL "$1" "${2:-failed}"; }
skip() { _result SKIP "$1" "${2:-skipped}"; }

# check NAME CMD...: run CMD (its output still goes to the log); PASS if it exits 0.
# Returns CMD's exit status so scripts can stop early: check load load_driver || ...
check() {
	_cname=$1
	shift
	_cout=$("$@" 2>&1)
	_crc=$?
	[ -z "$_cout" ] || printf '%s\n' "$_cout"
	if [ "$_crc" = 0 ]; then
		pass "$_cname"
	else
		fail "$_cname" "'$*' exited $_crc: $(printf '%s' "$_cout" | tail -n 1)"
	fi
	return "$_crc"
}

# host_request NAME KIND TEXT: ask tests/vm/vmrun.py for something, wait for its answer.
# Prints the answer; returns non-zero (message on stderr) on error or timeout. KIND is
#   req     "HEAD [QEMU_DEVICE_ID]"  screendump to $VIRTGPU_RESULTS/NAME.ppm and .png
#   resize  "W H"                    resize QEMU's window (vmrun --display sdl...)
#   qmp     '{"execute": ...}'       any QMP command; prints the JSON "return" value
#   cpu     ""                       prints "WALL ALL DEVICE" (seconds): the host clock and
#                                    QEMU's CPU time, all threads and all but the vCPUs
#   notify  ""                       prints how often the GPU's control queue was notified
#                                    so far (QEMU's trace: see vmrun.py)
#   trace   "EVENT"                  prints how many EVENT lines QEMU's trace has so far
#   lines   "EVENT FIRST"            prints the arguments of EVENT lines, from the FIRST-th on
#   xwd     ""                       QEMU's window on the host display to NAME.ppm and .png
host_request() {
	_req=$VIRTGPU_RESULTS/requests
	mkdir -p "$_req"
	rm -f "$_req/$1.done" "$_req/$1.err"
	# Write then rename: the host polls for requests and must never read a partial file.
	echo "$3" >"$_req/.$1.tmp" && mv "$_req/.$1.tmp" "$_req/$1.$2" || return 1
	_end=$(($(date +%s) + VIRTGPU_REQUEST_TIMEOUT))
	while [ "$(date +%s)" -le "$_end" ]; do
		if [ -e "$_req/$1.done" ]; then
			cat "$_req/$1.done"
			return 0
		fi
		if [ -e "$_req/$1.err" ]; then
			echo "$2 $1: $(cat "$_req/$1.err")" >&2
			return 1
		fi
		sleep 0.2
	done
	echo "$2 $1: no answer from the host in ${VIRTGPU_REQUEST_TIMEOUT}s" >&2
	return 1
}

# screendump NAME [HEAD [QEMU_DEVICE_ID]]: save the display (default: head 0 of the first
# virtio-gpu device) to $VIRTGPU_RESULTS/NAME.ppm and NAME.png; prints "WIDTH HEIGHT".
screendump() { host_request "$1" req "${2:-0} ${3-}"; }

# host_resize NAME W H: resize the QEMU window, as a user would (needs an SDL display).
host_resize() { host_request "$1" resize "$2 $3"; }

# host_qmp NAME JSON: run a QMP command on the host.
host_qmp() { host_request "$1" qmp "$2"; }

# host_cpu NAME: the host's clock and QEMU's CPU time (see host_request).
host_cpu() { host_request "$1" cpu ""; }

# gpu_notifies NAME: the GPU's control-queue notifications so far (see host_request).
gpu_notifies() { host_request "$1" notify ""; }

# trace_count NAME EVENT: how often QEMU traced EVENT so far (see host_request).
trace_count() { host_request "$1" trace "$2"; }

# trace_lines NAME EVENT [FIRST]: QEMU's EVENT lines (their arguments), from the FIRST-th on.
trace_lines() { host_request "$1" lines "$2 ${3:-0}"; }

# window_grab NAME: QEMU's window on the host display to NAME.ppm/.png; prints "W H".
# For GL scanouts (virgl), which QEMU 7.2's screendump cannot read.
window_grab() { host_request "$1" xwd ""; }

# load_driver [MODULE_PARAMS...]: load the driver under test, then wait for its DRM device.
load_driver() {
	case $VIRTGPU_DRIVER in
	intree)
		# modprobe.blacklist=virtio_gpu only stops alias autoloading, not this.
		modprobe virtio_gpu "$@" || return 1
		;;
	ours)
		[ -f "$VIRTGPU_KO" ] || { echo "load_driver: $VIRTGPU_KO not built" >&2; return 1; }
		# insmod does not resolve dependencies (drm, drm_kms_helper, ...): modprobe them.
		_deps=$(modinfo -F depends "$VIRTGPU_KO" | tr ',' ' ')
		[ -z "$_deps" ] || modprobe -a $_deps || return 1
		insmod "$VIRTGPU_KO" "$@" || return 1
		;;
	*)
		echo "load_driver: unknown VIRTGPU_DRIVER=$VIRTGPU_DRIVER" >&2
		return 1
		;;
	esac
	# Nothing like udev runs; devtmpfs creates the node when the device registers.
	_i=0
	while ! ls /dev/dri/card* >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ "$_i" -le 50 ] || { echo "load_driver: no /dev/dri/card*" >&2; return 1; }
		sleep 0.2
	done
}

unload_driver() {
	case $VIRTGPU_DRIVER in
	intree) modprobe -r virtio_gpu ;;
	*)
		commands_snapshot	# the counters go with the device
		rmmod "$(basename "$VIRTGPU_KO" .ko)"
		;;
	esac
}

# --- host command errors (virtgpu.ko's debugfs "commands": command sent ok err invalid) ---
# Every boot that loads virtgpu.ko ends with a host-commands RESULT: no command the host
# refused (err) or answered malformed or never (invalid), summed over every device instance
# the boot had (unload_driver and finish read the counters). A script that provokes errors on
# purpose names the commands first: allow_command_errors "WHY" COMMAND...
# State lives in files: check runs its command in a subshell.
_CMD_ERRORS=/tmp/virtgpu-command-errors _CMD_READS=/tmp/virtgpu-command-reads
_CMD_ALLOWED=''

allow_command_errors() {
	_ae_why=$1
	shift
	echo "allowing host errors of $*: $_ae_why"
	_CMD_ALLOWED="$_CMD_ALLOWED $* "
}

commands_snapshot() {
	[ "$VIRTGPU_DRIVER" = ours ] || return 0
	_cs_dir=$(drm_debugfs_dir) || return 0
	[ -r "$_cs_dir/virtgpu/commands" ] || return 0
	_cs_answered=0
	while read -r _cs_name _cs_sent _cs_ok _cs_err _cs_inv; do
		[ "$_cs_name" != command ] || continue
		_cs_answered=$((_cs_answered + _cs_ok + _cs_err + _cs_inv))
		[ $((_cs_err + _cs_inv)) -gt 0 ] || continue
		case $_CMD_ALLOWED in *" $_cs_name "*) continue ;; esac
		echo "$_cs_name sent $_cs_sent ok $_cs_ok err $_cs_err invalid $_cs_inv" >>"$_CMD_ERRORS"
	done <"$_cs_dir/virtgpu/commands"
	echo "$_cs_answered" >>"$_CMD_READS"
}

_commands_result() {
	commands_snapshot
	[ -s "$_CMD_READS" ] || return 0
	_cr_n=$(wc -l <"$_CMD_READS")
	_cr_sum=$(awk '{ s += $1 } END { print s }' "$_CMD_READS")
	if [ -s "$_CMD_ERRORS" ]; then
		fail host-commands "host errors: $(paste -sd';' "$_CMD_ERRORS")"
	else
		pass host-commands "$_cr_sum answers in $_cr_n reads of debugfs commands, none err or invalid${_CMD_ALLOWED:+ (allowed:$_CMD_ALLOWED)}"
	fi
}

# --- what the kernel has: skips are decided here, never from the driver's own output ---
# kconfig CONFIG_NAME: its value in the guest kernel's config (y, m, a string; empty: unset).
kconfig() {
	sed -n "s/^$1=//p" "$VIRTGPU_RESULTS/kernel-config" 2>/dev/null
}

# kernel_at_least MAJOR.MINOR: the running kernel is that version or newer.
kernel_at_least() {
	_ka=$(uname -r)
	_ka_maj=${_ka%%.*} _ka_min=${_ka#*.}
	_ka_min=${_ka_min%%[.-]*}
	[ "$_ka_maj" -gt "${1%%.*}" ] ||
		{ [ "$_ka_maj" = "${1%%.*}" ] && [ "$_ka_min" -ge "${1#*.}" ]; }
}

# drm_debugfs_dir: print /sys/kernel/debug/dri/<N> of the virtio-gpu device (lowest N).
drm_debugfs_dir() {
	for _d in $(ls -d /sys/kernel/debug/dri/[0-9]* 2>/dev/null | sort -t/ -k6 -n); do
		case $(cat "$_d/name" 2>/dev/null) in
		virtio_gpu* | virtgpu*)
			echo "$_d"
			return 0
			;;
		esac
	done
	return 1
}

# finish: the end marker; call it last. Without it the host reports the run as failed.
# On a kernel with kmemleak (make check-debug): leaks that name a driver under test fail.
_kmemleak_result() {
	_kl=/sys/kernel/debug/kmemleak
	[ -w "$_kl" ] || return 0
	echo scan >"$_kl" 2>/dev/null
	sleep 1
	echo scan >"$_kl" 2>/dev/null	# a second scan: leaks must survive two to be reported
	cat "$_kl" >/tmp/kmemleak.txt
	if grep -Eq '\[(virtgpu|qemuvga|virtio_gpu|drm|drm_kms_helper)\]' /tmp/kmemleak.txt; then
		fail kmemleak "$(grep -c 'unreferenced object' /tmp/kmemleak.txt) suspected leaks, one in a DRM/driver module: $(grep -Em1 '\[(virtgpu|qemuvga|virtio_gpu|drm|drm_kms_helper)\]' /tmp/kmemleak.txt)"
		cat /tmp/kmemleak.txt
	else
		pass kmemleak "$(grep -c 'unreferenced object' /tmp/kmemleak.txt) suspected leaks, none in a DRM/driver module"
	fi
}

finish() {
	_commands_result
	_kmemleak_result
	date +%s >"$VIRTGPU_RESULTS/finished"
	echo "VIRTGPU-FINISHED"
}

# --- qemuvga.ko: the KMS fallback for QEMU's non-virtio display adapters (issue 4) ---
# QEMUVGA_KO   /mnt/virtgpu/build/$(uname -r)/qemuvga.ko   (built by make next to virtgpu.ko)
: "${QEMUVGA_KO:=${VIRTGPU_TREE:-/mnt/virtgpu}/build/${VIRTGPU_KVER:-$(uname -r)}/qemuvga.ko}"

# load_qemuvga [MODULE_PARAMS...]: insmod qemuvga.ko, its dependencies through modprobe.
# Unlike load_driver it does not wait for a DRM device (on virtio-vga it must bind nothing):
# wait_dri_card does.
load_qemuvga() {
	[ -f "$QEMUVGA_KO" ] || { echo "load_qemuvga: $QEMUVGA_KO not built" >&2; return 1; }
	_deps=$(modinfo -F depends "$QEMUVGA_KO" | tr ',' ' ')
	[ -z "$_deps" ] || modprobe -a $_deps || return 1
	insmod "$QEMUVGA_KO" "$@"
}

# wait_dri_card [PCI_ADDRESS]: wait up to 10 s for a DRM card node (of that PCI function);
# prints its name (card0). Nothing like udev runs: devtmpfs makes the node.
wait_dri_card() {
	_i=0
	while :; do
		if [ -n "${1-}" ]; then
			_c=$(ls "/sys/bus/pci/devices/$1/drm" 2>/dev/null | grep '^card' | head -n 1)
		else
			_c=$(ls /dev/dri 2>/dev/null | grep '^card' | head -n 1)
		fi
		[ -n "$_c" ] && [ -e "/dev/dri/$_c" ] && { echo "$_c"; return 0; }
		_i=$((_i + 1))
		[ "$_i" -le 50 ] || { echo "wait_dri_card: no DRM card${1:+ for $1}" >&2; return 1; }
		sleep 0.2
	done
}

# pci_driver PCI_ADDRESS: the name of the driver bound to that PCI function (empty: none).
pci_driver() {
	_l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && basename "$_l"
	return 0
}

# --- vgpu-kmstest in the background ---------------------------------------------------------
# The script sets $work, a scratch directory. The tool writes the expected image of head i to
# $work/exp-i.ppm and the number of each step it has committed to $work/ready; SIGUSR1 makes it
# take the next step, SIGTERM makes it drop its framebuffers and exit.
# An arm64 guest runs the cross-built one (make guest-tools-arm64).
case $(uname -m) in aarch64) _kmstest_dir=build-arm64 ;; *) _kmstest_dir=build ;; esac
KMSTEST=${VIRTGPU_TREE:-/mnt/virtgpu}/tools/kmstest/$_kmstest_dir/vgpu-kmstest
tool_pid='' tool_err='' _tool_t0=0

# Centiseconds since boot.
_uptime_cs() {
	read -r _up _ </proc/uptime
	_up_f=${_up#*.}
	echo $((${_up%.*} * 100 + ${_up_f#0}))
}

# tool_start [-d DEVICE] COMMAND [OPTIONS...] HEAD...: it holds its framebuffers for at most
# 120 s; its output goes to $work/tool.log.
tool_start() {
	rm -f "$work/ready" "$work"/exp-*.ppm
	echo "+ vgpu-kmstest $*"
	"$KMSTEST" --expect "$work/exp" --ready "$work/ready" --hold 120 "$@" \
		>"$work/tool.log" 2>&1 &
	tool_pid=$!
	_tool_t0=$(_uptime_cs)
}

# tool_wait N: until the tool has committed step N (60 s); else $tool_err says why.
tool_wait() {
	_tw_end=$(($(date +%s) + 60))
	while [ "$(cat "$work/ready" 2>/dev/null)" != "$1" ]; do
		if ! kill -0 "$tool_pid" 2>/dev/null; then
			wait "$tool_pid"
			_tw_rc=$?
			tool_pid=''
			sed 's/^/  | /' "$work/tool.log"
			tool_err="vgpu-kmstest exited $_tw_rc: $(tail -n 1 "$work/tool.log")"
			return 1
		fi
		if [ "$(date +%s)" -ge "$_tw_end" ]; then
			tool_err="vgpu-kmstest did not reach step $1 in 60 s"
			return 1
		fi
		sleep 0.1
	done
	_tw_cs=$(($(_uptime_cs) - _tool_t0))
	echo "  step $1 committed [$((_tw_cs / 100)).$((_tw_cs % 100 / 10)) s after start]"
}

# tool_stop: SIGTERM, wait for it, show its output.
tool_stop() {
	[ -n "$tool_pid" ] || return 0
	kill -TERM "$tool_pid" 2>/dev/null
	wait "$tool_pid"
	tool_pid=''
	sed 's/^/  | /' "$work/tool.log"
}
