#!/bin/bash
# drm_panic's plane hooks, through dri/N/virtgpu/panic_test: a write runs what the panic
# handler runs (local interrupts off, get_scanout_buffer, draw, panic_flush), drawing a known
# pattern. Debian's kernels are built without CONFIG_DRM_PANIC, so there the drm_panic core
# itself never runs and only our hooks are checked; a kernel with CONFIG_DRM_PANIC_DEBUG
# (tools/debug-kernel.sh) runs the core too (panic-core-*, below). On kernels without the
# hooks (< 6.10, decided from the version) the file must not exist: one SKIP.
#
# For each format of formats= (default XR24,RG16,C8): vgpu-kmstest shows a framebuffer, the
# write must succeed, the screendump must be the panic pattern pixel for pixel
# (vgpu-kmstest panic-pattern), and TRANSFER_TO_HOST_2D and RESOURCE_FLUSH must each have one
# more OK answer and no new invalid one. Then a normal frame must still land (the control
# queue survived the polling). dmesg-clean checks the rest.
set -u
. "$VIRTGPU_TREE/tests/guest/lib.sh"

PPMCMP=$VIRTGPU_TREE/tools/kmstest/ppmcmp.py
PPMCOLORS=$VIRTGPU_TREE/tools/kmstest/ppmcolors.py
MODE=1024x768
formats=XR24,RG16,C8
for kv in "$@"; do
	case $kv in
	formats=*) formats=${kv#*=} ;;
	*) echo "panic.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done
work=/tmp/panic
mkdir -p "$work"

# start_show FORMAT: vgpu-kmstest holds MODE in FORMAT on head 0; 0 once committed.
start_show() {
	tool_start show "0:$MODE:$1" && tool_wait 1 && return 0
	tool_stop
	return 1
}

# counts NAME: "ok invalid" of one command in debugfs' commands file.
counts() { awk -v n="$1" '$1 == n { print $3, $5 }' "$dir/commands"; }

# screen_is NAME EXPECTED: screendump head 0 as NAME; ppmcmp's first line in $cmp_out.
screen_is() {
	local n
	for n in 1 2 3; do
		screendump "$1" 0 >/dev/null || { cmp_out="screendump failed"; return 1; }
		cmp_out=$(python3 -S "$PPMCMP" --max 5 "$VIRTGPU_RESULTS/$1.ppm" "$2" | head -n 1)
		case $cmp_out in *identical*) rm -f "$VIRTGPU_RESULTS/$1.ppm"; return 0 ;; esac
		sleep 1
	done
	return 1
}

check load load_driver || { finish; exit 0; }
dir=$(drm_debugfs_dir)/virtgpu
# drm_panic's plane hooks came with Linux 6.10: from the kernel's version, not the driver's files.
if ! kernel_at_least 6.10; then
	[ ! -e "$dir/panic_test" ] || fail panic-hooks "$dir/panic_test exists on $(uname -r) (< 6.10)"
	skip panic-hooks "kernel $(uname -r) is older than 6.10: no drm_panic plane hooks"
	finish
	exit 0
fi
if [ ! -e "$dir/panic_test" ]; then
	fail panic-hooks "no $dir/panic_test on $(uname -r): the drm_panic hooks are missing (HAVE_DRM_PANIC probe?)"
	finish
	exit 0
fi
"$KMSTEST" panic-pattern "$MODE" "$work/panic.ppm" || { fail panic-pattern "oracle failed"; finish; exit 0; }

IFS=, read -r -a format_list <<<"$formats"
for fmt in "${format_list[@]}"; do
	name=panic-${fmt,,}
	if ! start_show "$fmt"; then
		fail "$name" "vgpu-kmstest show $fmt: $(tail -n 1 "$work/tool.log")"
		continue
	fi
	if ! screen_is "$name-before" "$work/exp-0.ppm"; then
		fail "$name" "the framebuffer itself did not show: $cmp_out"
		tool_stop
		continue
	fi
	xfer0=$(counts TRANSFER_TO_HOST_2D)
	flush0=$(counts RESOURCE_FLUSH)
	if ! err=$( { echo 1 >"$dir/panic_test"; } 2>&1); then
		fail "$name" "write to panic_test failed: $err"
		tool_stop
		continue
	fi
	xfer1=$(counts TRANSFER_TO_HOST_2D)
	flush1=$(counts RESOURCE_FLUSH)
	# One more OK each (the panic flush polled for both answers), no new invalid.
	read -r xo xi <<<"$xfer0"
	read -r xo1 xi1 <<<"$xfer1"
	read -r fo fi_ <<<"$flush0"
	read -r fo1 fi1 <<<"$flush1"
	stats="TRANSFER_TO_HOST_2D ok $xo->$xo1 invalid $xi->$xi1, RESOURCE_FLUSH ok $fo->$fo1 invalid $fi_->$fi1"
	if [ "$((xo1 - xo))" != 1 ] || [ "$((fo1 - fo))" != 1 ] || [ "$xi1" != "$xi" ] ||
		[ "$fi1" != "$fi_" ]; then
		fail "$name" "commands: $stats"
	elif screen_is "$name" "$work/panic.ppm"; then
		pass "$name" "$fmt $MODE: panic pattern $cmp_out; $stats"
	else
		fail "$name" "$fmt $MODE: $cmp_out; $stats"
	fi
	tool_stop
done

# drm_panic itself, on kernels built with CONFIG_DRM_PANIC_DEBUG (tools/debug-kernel.sh): its
# debugfs trigger draws the panic screen through our hooks. Its text and logo are not known
# here, so the screen is checked by colour: exactly two (the configured background and
# foreground, black and white by default), the rarer one on at least 1000 pixels.
core=$(drm_debugfs_dir)/drm_panic_plane_0
if [ "$(kconfig CONFIG_DRM_PANIC_DEBUG)" != y ]; then
	skip panic-core "kernel $(uname -r) is built without CONFIG_DRM_PANIC_DEBUG"
elif [ ! -e "$core" ]; then
	fail panic-core "CONFIG_DRM_PANIC_DEBUG=y but no $core: drm_panic did not take our planes"
else
	for fmt in "${format_list[@]}"; do
		name=panic-core-${fmt,,}
		if ! start_show "$fmt" || ! screen_is "$name-before" "$work/exp-0.ppm"; then
			fail "$name" "the framebuffer itself did not show: ${cmp_out:-$tool_err}"
			tool_stop
			continue
		fi
		xfer0=$(counts TRANSFER_TO_HOST_2D)
		echo 1 >"$core"
		xfer1=$(counts TRANSFER_TO_HOST_2D)
		if ! screendump "$name" 0 >/dev/null; then
			fail "$name" "screendump failed"
		else
			cols=$(python3 -S "$PPMCOLORS" --top 3 "$VIRTGPU_RESULTS/$name.ppm")
			rarer=$(echo "$cols" | sed -n 's/^colours 2: [0-9a-f]* [0-9]*, [0-9a-f]* \([0-9]*\)$/\1/p')
			if [ -n "$rarer" ] && [ "$rarer" -ge 1000 ]; then
				pass "$name" "$fmt $MODE: $cols; TRANSFER_TO_HOST_2D ok ${xfer0%% *}->${xfer1%% *}"
			else
				fail "$name" "$fmt $MODE: want 2 colours, the rarer on >= 1000 pixels: $cols"
			fi
		fi
		tool_stop
	done
fi

# The control queue still works: a new frame lands exactly.
if start_show XR24 && screen_is panic-after "$work/exp-0.ppm"; then
	pass panic-queue-alive "a normal frame after the panic flushes: $cmp_out"
else
	fail panic-queue-alive "${cmp_out:-vgpu-kmstest failed}"
fi
tool_stop
finish
