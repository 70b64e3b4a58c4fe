#!/bin/sh
# qemuvga.ko (issue 4), the KMS fallback for QEMU's non-virtio display adapters: std VGA and
# bochs-display (1234:1111), qxl-vga (1b36:0100), VMware SVGA II (15ad:0405). The device is
# the first PCI display-class function; the driver comes from VIRTGPU_DRIVER (vmrun --driver):
#   ours     qemuvga.ko (load_qemuvga); the in-tree bochs/qxl/vmwgfx are kept out
#   intree   the in-tree driver of that device: bochs (bochs-drm), qxl, vmwgfx (which refuses
#            QEMU's device: only that is checked); the same checks, to prove the oracle
# On virtio-vga (1af4:1050) qemuvga must bind nothing and virtgpu.ko must own the device
# (intree: the in-tree bochs and virtio_gpu play the two parts).
#
# Arguments (KEY=VALUE words):
#   cases=C,...      bind (always first), handover, modes, damage, vblank, panic, fifo, igt, rebind,
#                    modeset0, reload, virtio; default bind,modes,damage,rebind,modeset0,
#                    reload, or virtio on a virtio device
#   burst=N          damage: one-tile calls of each burst (default 60)
#   modes=WxH,...    modes of the modes case (default 1024x768,800x600; must be listed by the
#                    connector); the first one is used by every other display check
#   preferred=WxH    bind: the connector's preferred mode must be this (EDID xres/yres)
#   cycles=N         reload: rmmod/insmod cycles (default 3)
#   igt=BIN,...      igt: these binaries of tests/igt/testlist.txt, judged against
#                    tests/igt/expect-<qemuvga|bochs|qxl>-<series>.txt
#   settle=N         screendumps to try before a pixel FAIL (default 4, 0.5 s apart)
#   perturb=X,Y      test the test: invert one expected pixel, so every compare must FAIL
# On vmware, bind loads qemuvga with vmware_fifo=0 (the VGA/DISPI path); the fifo case reloads
# it with vmware_fifo=1 (SVGA FIFO path: the screen changes only through SVGA_CMD_UPDATE) and
# repeats modes and damage (ours on vmware only); reload uses the module's default.
# RESULT names: device, bind, drm-name, preferred-mode, handover, show-WxH, damage-clips,
# damage-dirtyfb, damage-burst, damage-dirtyfb-burst (+ -returns), flip-paced, vblank-wait,
# damage-no-wait, panic, panic-after, fifo-show-WxH, fifo-damage-*, igt binaries + igt-total, rebind-display,
# modeset0-binds-nothing, reload-cycles, reload-display, intree-not-loaded, ppmcmp-detects-1px,
# and on virtio-vga: other-binds-nothing, forced-bind-refused, virtio-owns, virtio-display-*.
# Screens: NAME.png in the results; on a FAIL also NAME.expected.ppm, .diff.png, .cmp.txt.
set -u
. "$VIRTGPU_TREE/tests/guest/lib.sh"

PPMCMP=$VIRTGPU_TREE/tools/kmstest/ppmcmp.py
PPMCOLORS=$VIRTGPU_TREE/tools/kmstest/ppmcolors.py

cases='' modes=1024x768,800x600 preferred='' cycles=3 igt='' settle=4 perturb='' burst=60
burst_max_us=5000
for kv in "$@"; do
	case $kv in
	cases=* | modes=* | preferred=* | cycles=* | igt=* | settle=* | perturb=* | burst=*)
		eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "qemuvga.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done
mode0=${modes%%,*}
work=/tmp/qemuvga
mkdir -p "$work"
detail='' negative_done='' card='' has_damage=''

# --- the device and the drivers that play each part -----------------------------------------
bdf='' ids='' class=''
for d in /sys/bus/pci/devices/*; do
	case $(cat "$d/class") in 0x03*) ;; *) continue ;; esac
	bdf=${d##*/}
	v=$(cat "$d/vendor") dv=$(cat "$d/device")
	ids=${v#0x}:${dv#0x}
	class=$(cat "$d/class")
	break
done
case $ids in
1234:1111) kind=bochs; [ "$class" = 0x030000 ] && kind=std-vga || kind=bochs-display
	intree_mod=bochs intree_pci=bochs-drm intree_drm=bochs-drm ;;
1b36:0100) kind=qxl-vga intree_mod=qxl intree_pci=qxl intree_drm=qxl ;;
15ad:0405) kind=vmware-svga intree_mod=vmwgfx intree_pci=vmwgfx intree_drm=vmwgfx ;;
1af4:*) kind=virtio intree_mod=bochs intree_pci=bochs-drm intree_drm=bochs-drm ;;
*) kind='' ;;
esac
if [ -z "$kind" ]; then
	fail device "no QEMU display adapter found (first display function: ${bdf:-none} $ids)"
	finish
	exit 0
fi
pass device "$bdf $ids class $class: $kind"

case $VIRTGPU_DRIVER in
ours) mod=qemuvga pci_name=qemuvga drm_name=qemuvga ;;
intree) mod=$intree_mod pci_name=$intree_pci drm_name=$intree_drm ;;
*) fail driver "unknown VIRTGPU_DRIVER=$VIRTGPU_DRIVER"; finish; exit 0 ;;
esac
if [ -z "$cases" ]; then
	[ "$kind" = virtio ] && cases=virtio || cases=bind,modes,damage,rebind,modeset0,reload
fi
echo "qemuvga.sh: $kind $bdf, driver $VIRTGPU_DRIVER ($mod), cases $cases"

if [ "$VIRTGPU_DRIVER" = ours ]; then
	# No udev/coldplug runs in the guest, so nothing autoloads; IGT and explicit modprobes
	# could still load an in-tree driver for these IDs: never let one in.
	printf 'install %s /bin/false\n' bochs qxl vmwgfx virtio_gpu \
		>/etc/modprobe.d/qemuvga-no-intree.conf
fi

# load_target [PARAMS...] / unload_target: the driver under test.
load_target() {
	if [ "$VIRTGPU_DRIVER" = ours ]; then
		load_qemuvga "$@"
	else
		modprobe "$mod" "$@"
	fi
}
unload_target() {
	if [ "$VIRTGPU_DRIVER" = ours ]; then
		rmmod qemuvga
	else
		modprobe -r "$mod"
	fi
}
module_loaded() { [ -d "/sys/module/$1" ]; }

# --- vgpu-kmstest and the screen ------------------------------------------------------------
# verify NAME: screendump (QEMU's default display device) until it equals $work/exp-0.ppm,
# at most $settle screendumps 0.5 s apart; the outcome is in $detail.
verify() {
	_name=$1 _exp=$work/exp-0.ppm _try=0
	while :; do
		_try=$((_try + 1))
		if ! _size=$(screendump "$_name" 2>&1); then
			detail="screendump failed: $_size"
			return 1
		fi
		# One big read: small reads cost a 9p round trip each.
		dd if="$VIRTGPU_RESULTS/$_name.ppm" of="$work/screen.ppm" bs=4M 2>/dev/null
		if [ -z "$perturb" ] && cmp -s "$work/screen.ppm" "$_exp"; then
			break
		fi
		if python3 -S "$PPMCMP" ${perturb:+--perturb "$perturb"} "$work/screen.ppm" \
			"$_exp" >"$work/cmp.txt" 2>&1; then
			break
		fi
		if [ "$_try" -ge "$settle" ]; then
			detail="$(head -n 1 "$work/cmp.txt") (screen ${_size% *}x${_size#* }, $_try screendumps)"
			python3 -S "$PPMCMP" --max 20 ${perturb:+--perturb "$perturb"} \
				--diff "$VIRTGPU_RESULTS/$_name.diff.png" "$work/screen.ppm" "$_exp" \
				>"$VIRTGPU_RESULTS/$_name.cmp.txt" 2>&1
			sed 's/^/  /' "$VIRTGPU_RESULTS/$_name.cmp.txt" | head -n 25
			cp "$_exp" "$VIRTGPU_RESULTS/$_name.expected.ppm"
			return 1
		fi
		sleep 0.5
	done
	detail="pixel-exact ${_size% *}x${_size#* } on screendump $_try"
	# The comparison itself can fail: one inverted pixel in the last corner (once).
	if [ -z "$negative_done" ] && [ -z "$perturb" ]; then
		negative_done=1
		python3 -S "$PPMCMP" --perturb "$((${_size% *} - 1)),$((${_size#* } - 1))" \
			"$work/screen.ppm" "$_exp" >"$work/neg.txt"
		if [ $? = 1 ] && grep -q "^${_size% *}x${_size#* }: 1 pixels differ" "$work/neg.txt"; then
			pass ppmcmp-detects-1px "$(head -n 1 "$work/neg.txt")"
		else
			fail ppmcmp-detects-1px "$(head -n 1 "$work/neg.txt")"
		fi
	fi
	rm -f "$VIRTGPU_RESULTS/$_name.ppm"	# the PNG stays for a look
}

# show NAME MODE: light head 0 with MODE in XR24, compare, RESULT NAME; the tool is stopped.
show() {
	_sname=$1 _mode=$2
	tool_start -d "/dev/dri/$card" show "0:$_mode:XR24"
	if ! tool_wait 1; then
		fail "$_sname" "$tool_err"
		return 1
	fi
	if grep -q '^head 0: .* CVT-RB mode ' "$work/tool.log"; then
		fail "$_sname" "$_mode is not in the connector's mode list (vgpu-kmstest made a CVT-RB mode)"
		tool_stop
		return 1
	fi
	verify "$_sname"
	_vrc=$?
	if [ "$_vrc" = 0 ]; then
		pass "$_sname" "$_mode XR24: $detail"
	else
		fail "$_sname" "$_mode XR24: $detail"
	fi
	tool_stop
	return "$_vrc"
}

# damage NAME [--dirtyfb] [--burst N]: full frame (checked), then two rectangles repainted and
# declared with FB_DAMAGE_CLIPS or DIRTYFB. Only the damage has new content in the buffer, so
# the screen must equal the expected image whether the driver copies the damage or everything.
# Returns 0 when the damage step ran (whatever the pixels), 1 when it did not, 2 on a SKIP.
damage() {
	_dname=$1
	shift
	case " $* " in
	*" --dirtyfb "*) ;;
	*)
		if [ -z "$has_damage" ]; then
			if [ "$VIRTGPU_DRIVER" = intree ]; then
				skip "$_dname" "$drm_name's primary plane has no FB_DAMAGE_CLIPS property"
				return 2
			fi
			fail "$_dname" "the primary plane has no FB_DAMAGE_CLIPS property"
			return 1
		fi
		;;
	esac
	tool_start -d "/dev/dri/$card" damage "$@" "0:$mode0:XR24"
	if ! tool_wait 1; then
		fail "$_dname" "$tool_err"
		return 1
	fi
	if ! verify "$_dname-full"; then
		fail "$_dname" "first full frame: $detail"
		tool_stop
		return 1
	fi
	kill -USR1 "$tool_pid"
	if ! tool_wait 2; then
		if [ "$VIRTGPU_DRIVER" = intree ] && grep -q 'DIRTYFB.*(ENOSYS)' "$work/tool.log"; then
			skip "$_dname" "$drm_name has no DIRTYFB: $tool_err"
			return 2
		fi
		fail "$_dname" "$tool_err"
		return 1
	fi
	_rects=$(sed -n 's/^head 0: damage //p' "$work/tool.log" | tr '\n' ' ')
	if verify "$_dname"; then
		pass "$_dname" "damage ${_rects% }: $detail"
	else
		fail "$_dname" "damage ${_rects% }: $detail"
	fi
	tool_stop
	return 0
}

# bound_here: the PCI function's driver is the one under test, with a DRM card; sets $card.
bound_here() {
	_drv=$(pci_driver "$bdf")
	if [ "$_drv" != "$pci_name" ]; then
		detail="$bdf is bound to '${_drv:-nothing}', not $pci_name"
		return 1
	fi
	card=$(wait_dri_card "$bdf" 2>&1) || { detail=$card; card=''; return 1; }
}

# unbound_here: neither a driver nor a DRM card on the PCI function (waits up to 5 s).
unbound_here() {
	_n=0
	while [ -n "$(pci_driver "$bdf")" ] ||
		ls "/sys/bus/pci/devices/$bdf/drm" 2>/dev/null | grep -q '^card'; do
		_n=$((_n + 1))
		if [ "$_n" -ge 25 ]; then
			detail="$bdf still bound to '$(pci_driver "$bdf")'"
			return 1
		fi
		sleep 0.2
	done
}

# --- cases on QEMU's non-virtio adapters ----------------------------------------------------
case_bind() {
	if [ "$kind" = vmware-svga ] && [ "$VIRTGPU_DRIVER" = intree ]; then
		# vmwgfx needs SVGA_CAP_PITCHLOCK or the extended FIFO; QEMU has neither.
		modprobe vmwgfx
		if unbound_here && dmesg | grep -q 'Hardware has no pitchlock'; then
			pass intree-vmwgfx-refuses "vmwgfx: $(dmesg | grep -m1 'probe with driver vmwgfx failed' |
				sed 's/^\[[^]]*\] //')"
		else
			fail intree-vmwgfx-refuses "vmwgfx bound $bdf, or failed otherwise"
		fi
		skip bind "no in-tree driver drives QEMU's vmware-svga: nothing else to compare"
		return 1
	fi
	# VMware: the VGA/DISPI path first, whatever the module's default; fifo does the FIFO.
	_params=''
	[ "$kind" = vmware-svga ] && [ "$VIRTGPU_DRIVER" = ours ] && _params=vmware_fifo=0
	if ! _out=$(load_target $_params 2>&1); then
		fail bind "loading $mod $_params failed: $(printf '%s' "$_out" | tail -n 1)"
		return 1
	fi
	if ! bound_here; then
		fail bind "$detail"
		return 1
	fi
	pass bind "$bdf $ids -> $pci_name${_params:+ ($_params)}, /dev/dri/$card"
	_ver=$(python3 tests/guest/drm_version.py "/dev/dri/$card" 2>&1)
	if [ "${_ver%% *}" = "$drm_name" ]; then
		pass drm-name "$_ver"
	else
		fail drm-name "DRM_IOCTL_VERSION of /dev/dri/$card says '$_ver', want $drm_name"
	fi
	"$KMSTEST" -d "/dev/dri/$card" list >"$VIRTGPU_RESULTS/kms-list.txt" 2>&1
	sed 's/^/  | /' "$VIRTGPU_RESULTS/kms-list.txt"
	grep -q '^plane .* primary .*FB_DAMAGE_CLIPS' "$VIRTGPU_RESULTS/kms-list.txt" && has_damage=1
	if ! grep -q '^connector 0: .* connected' "$VIRTGPU_RESULTS/kms-list.txt" ||
		! grep -q '^plane .* primary .* formats .*XR24' "$VIRTGPU_RESULTS/kms-list.txt"; then
		fail kms-objects "want connector 0 connected and an XR24 primary plane (kms-list.txt)"
	fi
	if [ -n "$preferred" ]; then
		_pref=$(sed -n 's/^  mode [0-9]*: \([0-9]*x[0-9]*\)@[0-9]* preferred .*/\1/p' \
			"$VIRTGPU_RESULTS/kms-list.txt" | head -n 1)
		if [ "$_pref" = "$preferred" ]; then
			pass preferred-mode "$_pref"
		else
			fail preferred-mode "connector 0 prefers '${_pref:-no mode}', want $preferred"
		fi
	fi
}

case_modes() {
	_prefix=${1-}
	for _m in $(echo "$modes" | tr ',' ' '); do
		show "${_prefix}show-$_m" "$_m"
	done
}

case_damage() {
	damage "${1-}damage-clips"
	damage "${1-}damage-dirtyfb" --dirtyfb
	burst "${1-}damage-burst"
	burst "${1-}damage-dirtyfb-burst" --dirtyfb
}

# burst NAME [--dirtyfb]: damage with $burst one-tile calls back to back (blocking commits
# without an event, or DIRTYFB): the last pixels of every tile on screen (NAME), and the median
# call under $burst_max_us (NAME-returns): a damage-only commit must not wait for a vblank,
# which would take it a refresh period (13-17 ms) per call.
burst() {
	_bname=$1
	shift
	damage "$_bname" --burst "$burst" "$@"
	case $? in
	1) fail "$_bname-returns" "the burst did not run"; return ;;
	2) skip "$_bname-returns" "no burst: $_bname skipped"; return ;;
	esac
	_b=$(sed -n 's/^burst: //p' "$work/tool.log")
	_med=$(echo "$_b" | sed -n 's/.*median \([0-9]*\) us.*/\1/p')
	if [ -z "$_med" ]; then
		fail "$_bname-returns" "no burst figures from vgpu-kmstest"
	elif [ "$_med" -lt "$burst_max_us" ]; then
		pass "$_bname-returns" "$_b (median under $burst_max_us us)"
	else
		fail "$_bname-returns" "$_b: median not under $burst_max_us us"
	fi
}

# bench_fig NAME: one kmsbench figure of $work/kmsbench.out; bench_true NAME: it is 1.
bench_fig() { awk -v n="$1" '$1 == "bench" && $2 == n { print $3 }' "$work/kmsbench.out"; }
bench_true() { awk -v v="$(bench_fig "$1")" 'BEGIN { exit !(v != "" && v + 0 == 1) }'; }

# vblank: kmsbench (tests/bench) on the first mode. flip-paced: page-flip events at the
# mode's refresh (every interval on a multiple of the period, the rate not above the refresh);
# vblank-wait: drmWaitVBlank(relative 1) in a loop returns once per vblank with paced
# timestamps, and drmCrtcGetSequence works; damage-no-wait: DIRTYFB and blocking
# FB_DAMAGE_CLIPS commits without an event return within half a period (median). The in-tree
# bochs and qxl have no vblank before 6.19: SKIP for the first two there.
case_vblank() {
	_kb=$VIRTGPU_TREE/tests/bench/build/kmsbench
	if [ ! -x "$_kb" ]; then
		fail vblank "$_kb missing: build it with make -C tests/bench"
		return
	fi
	echo "+ kmsbench -m $mode0 -t 3 -n 90 -T flip,wait,damage-sync,dirtyfb"
	if ! "$_kb" -d "/dev/dri/$card" -m "$mode0" -t 3 -n 90 -T flip,wait,damage-sync,dirtyfb \
		>"$work/kmsbench.out" 2>"$work/kmsbench.err"; then
		fail vblank "kmsbench: $(tail -n 1 "$work/kmsbench.err")"
		return
	fi
	cp "$work/kmsbench.out" "$VIRTGPU_RESULTS/kmsbench.txt"
	_hz=$(bench_fig mode_refresh)
	_rate=$(bench_fig flip_rate) _iv=$(bench_fig flip_interval_p50_ms)
	_fd="$(bench_fig flip_paced) paced, $_rate flips/s at $_hz Hz, interval median $_iv ms"
	_wd="$(bench_fig wait_paced) paced, $(bench_fig wait_rate) waits/s, $(bench_fig wait_vblanks_per_wait) vblanks per wait, interval median $(bench_fig wait_interval_p50_ms) ms, sequence query $(bench_fig vblank)"
	if [ "$VIRTGPU_DRIVER" = intree ] && ! kernel_at_least 6.19; then
		skip flip-paced "$drm_name has no vblank before 6.19: $_fd"
		skip vblank-wait "$drm_name has no vblank before 6.19: $_wd"
	else
		if bench_true flip_paced &&
			awk -v r="$_rate" -v hz="$_hz" 'BEGIN { exit !(r > 0 && r <= hz * 1.05) }'; then
			pass flip-paced "$_fd"
		else
			fail flip-paced "$_fd: want paced and no faster than the refresh"
		fi
		if bench_true wait_paced && bench_true vblank &&
			awk -v v="$(bench_fig wait_vblanks_per_wait)" 'BEGIN { exit !(v >= 0.9 && v <= 2) }'; then
			pass vblank-wait "$_wd"
		else
			fail vblank-wait "$_wd: want paced, 1-2 vblanks per wait, a working sequence query"
		fi
	fi
	_dd="DIRTYFB median $(bench_fig dirtyfb_call_p50_ms) ms (p99 $(bench_fig dirtyfb_call_p99_ms)), FB_DAMAGE_CLIPS blocking median $(bench_fig damage_sync_call_p50_ms) ms (p99 $(bench_fig damage_sync_call_p99_ms))"
	if [ "$VIRTGPU_DRIVER" = intree ] && ! bench_true dirtyfb_supported &&
		! bench_true damage_sync_supported; then
		skip damage-no-wait "$drm_name has neither DIRTYFB nor FB_DAMAGE_CLIPS"
	elif awk -v a="$(bench_fig dirtyfb_call_p50_ms)" -v b="$(bench_fig damage_sync_call_p50_ms)" \
		-v hz="$_hz" 'BEGIN { h = 500 / hz; exit !(a != "" && b != "" && a < h && b < h) }'; then
		pass damage-no-wait "$_dd, under half a period at $_hz Hz"
	else
		fail damage-no-wait "$_dd: want both under half a period at $_hz Hz"
	fi
}

# panic: drm_panic's plane hooks through the core's own debugfs trigger (drm_panic_plane_0),
# which only kernels built with CONFIG_DRM_PANIC_DEBUG have (tools/debug-kernel.sh's 6.12);
# Debian's kernels lack CONFIG_DRM_PANIC: SKIP there, and before 6.10 (no hooks). The panic
# screen's text is not known here, so it is checked by colour as panic.sh's panic-core is: two
# colours, the rarer on at least 1000 pixels (the pattern shown before has thousands). After
# the fifo case (vmware_fifo=1) the screen changes only through SVGA_CMD_UPDATE: there this
# also proves panic_flush. Then a normal frame must land again (panic-after).
case_panic() {
	if ! kernel_at_least 6.10; then
		skip panic "kernel $(uname -r) is older than 6.10: no drm_panic plane hooks"
		return
	fi
	if [ "$(kconfig CONFIG_DRM_PANIC_DEBUG)" != y ]; then
		skip panic "kernel $(uname -r) is built without CONFIG_DRM_PANIC_DEBUG (Debian's: no CONFIG_DRM_PANIC)"
		return
	fi
	_pd=''
	for _d in /sys/kernel/debug/dri/[0-9]*; do
		case $(cat "$_d/name" 2>/dev/null) in "$drm_name"*) _pd=$_d; break ;; esac
	done
	if [ -z "$_pd" ] || [ ! -e "$_pd/drm_panic_plane_0" ]; then
		fail panic "no drm_panic_plane_0 in ${_pd:-/sys/kernel/debug/dri/*}: drm_panic did not take the plane"
		return
	fi
	tool_start -d "/dev/dri/$card" show "0:$mode0:XR24"
	if ! tool_wait 1 || ! verify panic-before; then
		fail panic "the framebuffer itself did not show: ${detail:-$tool_err}"
		tool_stop
		return
	fi
	echo 1 >"$_pd/drm_panic_plane_0"
	if ! screendump panic >/dev/null; then
		fail panic "screendump failed"
	else
		_cols=$(python3 -S "$PPMCOLORS" --top 3 "$VIRTGPU_RESULTS/panic.ppm")
		_rarer=$(echo "$_cols" | sed -n 's/^colours 2: [0-9a-f]* [0-9]*, [0-9a-f]* \([0-9]*\)$/\1/p')
		if [ -n "$_rarer" ] && [ "$_rarer" -ge 1000 ]; then
			pass panic "$mode0 XR24: $_cols"
		else
			fail panic "$mode0 XR24: want 2 colours, the rarer on >= 1000 pixels: $_cols"
		fi
	fi
	tool_stop
	show panic-after "$mode0"
}

case_fifo() {
	if [ "$kind" != vmware-svga ] || [ "$VIRTGPU_DRIVER" != ours ]; then
		skip fifo "vmware_fifo is a qemuvga parameter for vmware-svga"
		return
	fi
	if ! unload_target || ! unbound_here || ! _out=$(load_target vmware_fifo=1 2>&1) ||
		! bound_here; then
		fail fifo "reload with vmware_fifo=1: ${_out-}${detail}"
		return
	fi
	pass fifo "qemuvga reloaded with vmware_fifo=1 ($(cat /sys/module/qemuvga/parameters/vmware_fifo 2>/dev/null))"
	case_modes fifo-
	case_damage fifo-
}

case_igt() {
	case $VIRTGPU_KVER in
	6.1.* | 6.1-*) _series=6.1 ;;
	6.12.* | 6.12-*) _series=6.12 ;;
	*) _series=${VIRTGPU_KVER%%-*}; _series=${_series%.*} ;;
	esac
	[ "$VIRTGPU_DRIVER" = ours ] && _exp=qemuvga || _exp=$mod
	_exp=tests/igt/expect-$_exp-$_series.txt
	echo "qemuvga.sh: IGT $igt, IGT_FORCE_DRIVER=$drm_name, expectations $_exp"
	# fbcon would restore its mode after every subtest (as in tests/guest/igt.sh).
	for _v in /sys/class/vtconsole/vtcon*; do
		grep -q 'frame buffer' "$_v/name" 2>/dev/null && echo 0 >"$_v/bind"
	done
	python3 tests/igt/igt_run.py --testlist tests/igt/testlist.txt --expect "$_exp" \
		--results "$VIRTGPU_RESULTS" --only "$igt" --force-driver "$drm_name" \
		--deadline 600 || fail igt-runner "tests/igt/igt_run.py exited $?"
}

# The in-tree qxl never frees its IRQ: after an unbind the shared IRQ runs qxl_irq_handler on
# unmapped memory (6.12: Oops), and a reload registers the IRQ twice (6.1: WARNING in
# proc_register, then the probe fails). Not something to compare with.
qxl_irq_leak() {
	[ "$kind" = qxl-vga ] && [ "$VIRTGPU_DRIVER" = intree ] || return 1
	skip "$1" "the in-tree qxl leaks its IRQ on unbind/unload (Oops/WARNING): not run"
}

case_rebind() {
	qxl_irq_leak rebind-display && return
	_d=/sys/bus/pci/drivers/$pci_name
	if ! echo "$bdf" >"$_d/unbind" || ! unbound_here; then
		fail rebind-display "sysfs unbind from $pci_name: ${detail:-write failed}"
		return
	fi
	if ! echo "$bdf" >"$_d/bind" || ! bound_here; then
		fail rebind-display "sysfs bind to $pci_name: $detail"
		return
	fi
	show rebind-display "$mode0"
}

# handover (after bind; boot with vga=0x318 or another VESA mode): the kernel's vesafb had the
# adapter's memory at boot; the driver's probe must have removed it (aperture helpers), so
# /proc/fb lists the driver's fbdev emulation and no VESA framebuffer any more.
case_handover() {
	case $fb_at_start in
	*'VESA VGA'*) ;;
	*)
		fail handover "no VESA framebuffer at boot (/proc/fb: '${fb_at_start:-empty}'): boot with vga=0x318"
		return
		;;
	esac
	_fb_now=$(cat /proc/fb)
	case $_fb_now in
	*'VESA VGA'*) fail handover "vesafb still registered after the driver bound: /proc/fb '$_fb_now'" ;;
	*drmfb*) pass handover "/proc/fb at boot '$fb_at_start', now '$_fb_now'" ;;
	*) fail handover "no DRM fbdev emulation registered: /proc/fb '$_fb_now'" ;;
	esac
}

case_modeset0() {
	qxl_irq_leak modeset0-binds-nothing && return
	if ! unload_target || ! unbound_here; then
		fail modeset0-binds-nothing "unload $mod: $detail"
		return
	fi
	# modeset=0 may refuse the module (-ENODEV, as drm_module_pci_driver_if_modeset) or load
	# it without binding: either way the device must stay free.
	if _out=$(load_target modeset=0 2>&1); then
		_how="module loaded"
	else
		_how="module refused: $(printf '%s' "$_out" | tail -n 1)"
	fi
	sleep 1
	if unbound_here && ! ls /dev/dri 2>/dev/null | grep -q '^card'; then
		pass modeset0-binds-nothing "$_how"
	else
		fail modeset0-binds-nothing "$_how, but $detail"
	fi
	module_loaded "$mod" && unload_target
	if ! _out=$(load_target 2>&1) || ! bound_here; then
		fail modeset0-reload "${_out:-}$detail"
	fi
}

case_reload() {
	qxl_irq_leak reload-cycles && return
	_i=0
	while [ "$_i" -lt "$cycles" ]; do
		_i=$((_i + 1))
		if ! _out=$(unload_target 2>&1) || ! unbound_here; then
			fail reload-cycles "cycle $_i: unload $mod: ${_out:-}$detail"
			return
		fi
		if ! _out=$(load_target 2>&1) || ! bound_here; then
			fail reload-cycles "cycle $_i: load $mod: ${_out:-}$detail"
			return
		fi
	done
	pass reload-cycles "$cycles unload/load cycles of $mod, bound again each time"
	show reload-display "$mode0"
}

# --- virtio-vga: qemuvga must leave it to virtgpu ------------------------------------------
# ours: other = qemuvga.ko, gpu = virtgpu.ko; intree: other = bochs, gpu = virtio_gpu.
other_binds_nothing() {
	_bound=$(ls "/sys/bus/pci/drivers/$pci_name" 2>/dev/null | grep '^0000:' | tr '\n' ' ')
	[ -z "$_bound" ] || { detail="$pci_name is bound to $_bound"; return 1; }
}
load_gpu() {
	if [ "$VIRTGPU_DRIVER" = ours ]; then load_driver; else modprobe virtio_gpu; fi
}
unload_gpu() {
	if [ "$VIRTGPU_DRIVER" = ours ]; then commands_snapshot; rmmod virtgpu; else modprobe -r virtio_gpu; fi
}
load_other() {
	if [ "$VIRTGPU_DRIVER" = ours ]; then load_qemuvga; else modprobe bochs; fi
}
unload_other() { if [ "$VIRTGPU_DRIVER" = ours ]; then rmmod qemuvga; else modprobe -r bochs; fi; }
# virtio_owns NAME: virtio-pci has the function, the virtio GPU driver its virtio device, and
# the DRM card is virtio_gpu's; sets $card.
virtio_owns() {
	[ "$VIRTGPU_DRIVER" = ours ] && _want=virtgpu || _want=virtio_gpu
	_vdrv=$(basename "$(readlink /sys/bus/pci/devices/"$bdf"/virtio*/driver 2>/dev/null)" 2>/dev/null)
	card=$(wait_dri_card 2>&1) || { fail "$1" "$card"; card=''; return 1; }
	_ver=$(python3 tests/guest/drm_version.py "/dev/dri/$card" 2>&1)
	if [ "$(pci_driver "$bdf")" = virtio-pci ] && [ "$_vdrv" = "$_want" ] &&
		[ "${_ver%% *}" = virtio_gpu ]; then
		pass "$1" "$bdf: virtio-pci, virtio device: $_vdrv, /dev/dri/$card: $_ver"
	else
		fail "$1" "$bdf: '$(pci_driver "$bdf")', virtio device: '$_vdrv', /dev/dri/$card: '$_ver'"
		return 1
	fi
}

case_virtio() {
	if [ "$kind" != virtio ]; then
		skip virtio "not a virtio device"
		return
	fi
	# Order 1: the other driver first, with the function free (virtio-pci owns it from boot,
	# which would hide a wrong ID table), then forced onto it with driver_override.
	echo "$bdf" >/sys/bus/pci/drivers/virtio-pci/unbind
	if ! _out=$(load_other 2>&1); then
		fail other-binds-nothing "loading $mod failed: $_out"
		return
	fi
	sleep 1
	if other_binds_nothing && [ -z "$(pci_driver "$bdf")" ]; then
		pass other-binds-nothing "$mod loaded with $bdf ($ids) free: it took nothing"
	else
		fail other-binds-nothing "$detail"
	fi
	echo "$pci_name" >"/sys/bus/pci/devices/$bdf/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers_probe 2>/dev/null
	sleep 1
	_forced=$(pci_driver "$bdf")
	if [ -z "$_forced" ]; then
		pass forced-bind-refused "driver_override=$pci_name: probe refused $ids"
	elif [ "$VIRTGPU_DRIVER" = intree ]; then
		# The in-tree bochs has no vendor check: this shows the check can fail.
		skip forced-bind-refused "negative control: $_forced bound $ids when forced (no vendor check)"
	else
		fail forced-bind-refused "driver_override=$pci_name: $_forced bound $bdf ($ids)"
	fi
	[ -z "$_forced" ] || echo "$bdf" >"/sys/bus/pci/drivers/$_forced/unbind"
	echo >"/sys/bus/pci/devices/$bdf/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers/virtio-pci/bind
	if ! _out=$(load_gpu 2>&1); then
		fail virtio-owns "loading the virtio GPU driver failed: $_out"
		return
	fi
	virtio_owns virtio-owns || return
	other_binds_nothing || fail other-binds-nothing-after "$detail"
	show virtio-display-other-first "$mode0"
	unload_gpu && unload_other || fail virtio-unload "unloading both drivers failed"

	# Order 2: the virtio GPU driver first, showing a pattern; then the other driver: the
	# device and the picture must stay as they are.
	if ! _out=$(load_gpu 2>&1); then
		fail virtio-owns-gpu-first "loading the virtio GPU driver failed: $_out"
		return
	fi
	virtio_owns virtio-owns-gpu-first || return
	tool_start -d "/dev/dri/$card" show "0:$mode0:XR24"
	if ! tool_wait 1; then
		fail virtio-display-gpu-first "$tool_err"
		return
	fi
	verify virtio-display-gpu-first &&
		pass virtio-display-gpu-first "$mode0: $detail" ||
		fail virtio-display-gpu-first "$mode0: $detail"
	if ! _out=$(load_other 2>&1); then
		fail other-binds-nothing-gpu-first "loading $mod failed: $_out"
	else
		sleep 1
		if other_binds_nothing && [ "$(pci_driver "$bdf")" = virtio-pci ]; then
			pass other-binds-nothing-gpu-first "$mod loaded after the virtio GPU driver"
		else
			fail other-binds-nothing-gpu-first "${detail:-$bdf: $(pci_driver "$bdf")}"
		fi
		verify virtio-display-other-loaded &&
			pass virtio-display-other-loaded "$mode0 still shown: $detail" ||
			fail virtio-display-other-loaded "$mode0: $detail"
	fi
	tool_stop
	# From here on, display cases (damage, modes) run on the virtio GPU driver.
	has_damage=1
}

fb_at_start=$(tr '\n' ' ' </proc/fb)
fb_at_start=${fb_at_start% }
if [ ! -x "$KMSTEST" ]; then
	fail kmstest-built "$KMSTEST missing: build it with make -C tools/kmstest"
	finish
	exit 0
fi
for c in $(echo "$cases" | tr ',' ' '); do
	case $c in
	bind) case_bind || break ;;
	handover) case_handover ;;
	modes) case_modes ;;
	damage) case_damage ;;
	vblank) case_vblank ;;
	panic) case_panic ;;
	fifo) case_fifo ;;
	igt) case_igt ;;
	rebind) case_rebind ;;
	modeset0) case_modeset0 ;;
	reload) case_reload ;;
	virtio) case_virtio ;;
	*) fail "case-$c" "unknown case $c" ;;
	esac
done
tool_stop

if [ "$VIRTGPU_DRIVER" = ours ]; then
	_in=''
	for m in bochs qxl vmwgfx virtio_gpu; do module_loaded "$m" && _in="$_in $m"; done
	if [ -z "$_in" ]; then
		pass intree-not-loaded "bochs, qxl, vmwgfx, virtio_gpu stayed out"
	else
		fail intree-not-loaded "in-tree modules got loaded:$_in"
	fi
fi
finish
