#!/bin/bash
# Removal with work in flight: the guest removes the GPU's PCI function (as a hot-unplug
# would) while a 3D client submits EXECBUFFERs and waits on their fences and a KMS client
# page-flips with its buffers mmapped (tools/uapitest/build/virtgpu-clients submit, flip).
#   unplug-clients-ready   both clients are working
#   unplug-remove          the sysfs remove returns within 60 s
#   unplug-submit-ends     the submitter ends with ENODEV, every fence signalled (with an
#                          error where the device went away), none left waiting
#   unplug-flip-ends       the flipper (page flips, DIRTYFB after each) ends with ENODEV,
#                          no flip event lost, its mappings still writable
#   unplug-no-hung-task    no task blocked (hung_task_timeout_secs lowered to 20)
#   unplug-module-unloads  the module unloads once the clients have exited
#   rebind                 a PCI rescan and a new load bind the device again
#   rebind-displays        a client's colour is on the screen, read back from the host
#   rebind-3d              (VIRGL) eglinfo on the new device names virgl
# Works on virtio-gpu-pci and virtio-gpu-gl-pci (then the screen is read from QEMU's window).
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

CLIENTS=$VIRTGPU_TREE/tools/uapitest/build/virtgpu-clients
W=/tmp/unplug
mkdir -p "$W"
export LP_NATIVE_VECTOR_WIDTH=128	# llvmpipe under TCG (virgl.sh)
virgl=no
grep -Eq 'virtio-(gpu|vga)-gl' "$VIRTGPU_RESULTS/qemu-cmd.txt" && virgl=yes
module=virtio_gpu
[ "$VIRTGPU_DRIVER" = ours ] && module=$(basename "$VIRTGPU_KO" .ko)

if [ "$VIRTGPU_DRIVER" = ours ]; then
	echo 'install virtio_gpu /bin/false' >/etc/modprobe.d/virtgpu-no-intree.conf
fi
echo 20 >/proc/sys/kernel/hung_task_timeout_secs
check load load_driver || { finish; exit 0; }
[ -x "$CLIENTS" ] || { fail unplug "$CLIENTS missing: make guest-tools"; finish; exit 0; }
for v in /sys/class/vtconsole/vtcon*; do
	grep -q 'frame buffer' "$v/name" 2>/dev/null && echo 0 >"$v/bind"
done
# The PCI function above card0 (ours hangs from the virtio device, the in-tree driver from
# the function itself).
pci=$(readlink -f /sys/class/drm/card0/device)
until [[ ${pci##*/} =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]] || [ "$pci" = / ]; do
	pci=${pci%/*}
done
echo "GPU PCI function: $pci"

# wait_line FILE REGEX SECONDS: FILE gets a line matching REGEX in time.
wait_line() {
	local end=$(($(date +%s) + $3))
	until grep -Eq "$2" "$1" 2>/dev/null; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# reap NAME PID: wait at most 60 s for a client; its END line and exit status.
reap() {
	local i=0
	while kill -0 "$2" 2>/dev/null; do
		i=$((i + 1))
		if [ "$i" -gt 300 ]; then
			kill -KILL "$2"
			wait "$2" 2>/dev/null
			fail "$1" "still running 60 s after the removal: $(tail -n 1 "$W/$1.log")"
			return
		fi
		sleep 0.2
	done
	wait "$2"
	local rc=$? end
	end=$(grep -m1 '^END' "$W/$1.log")
	if [ "$rc" = 0 ]; then
		pass "$1" "$end"
	else
		fail "$1" "exit $rc: ${end:-$(tail -n 1 "$W/$1.log")}"
	fi
}

clients=(flip)
[ "$virgl" = yes ] && clients+=(submit)
declare -A pid
for c in "${clients[@]}"; do
	"$CLIENTS" "$c" >"$W/unplug-$c-ends.log" 2>&1 &
	pid[$c]=$!
done
ready=yes
for c in "${clients[@]}"; do
	wait_line "$W/unplug-$c-ends.log" "^READY|^ERROR" 120 &&
		grep -q '^READY' "$W/unplug-$c-ends.log" || ready="$c: $(tail -n 1 "$W/unplug-$c-ends.log")"
done
if [ "$ready" = yes ]; then
	pass unplug-clients-ready "${clients[*]}"
else
	fail unplug-clients-ready "$ready"
fi
sleep 3	# work in flight

start=$(date +%s)
timeout 60 sh -c "echo 1 >$pci/remove"
rc=$?
if [ "$rc" = 0 ]; then
	pass unplug-remove "$(($(date +%s) - start)) s"
else
	fail unplug-remove "the remove exited $rc after $(($(date +%s) - start)) s"
fi
for c in "${clients[@]}"; do
	reap "unplug-$c-ends" "${pid[$c]}"
	cat "$W/unplug-$c-ends.log"
done
if dmesg | grep -q 'blocked for more than'; then
	fail unplug-no-hung-task "$(dmesg | grep -m1 'blocked for more than')"
else
	pass unplug-no-hung-task
fi
check unplug-module-unloads rmmod "$module"

echo 1 >/sys/bus/pci/rescan
if check rebind load_driver; then
	"$CLIENTS" show 3080c0 -t 60 >"$W/show.log" 2>&1 &
	show_pid=$!
	shown() {
		wait_line "$W/show.log" '^READY|^ERROR' 60 && grep -q '^READY' "$W/show.log" ||
			{ tail -n 1 "$W/show.log"; return 1; }
		sleep 2
		if [ "$virgl" = yes ]; then
			window_grab rebind >/dev/null || return 1
		else
			screendump rebind 0 >/dev/null || return 1
		fi
		python3 -S "$VIRTGPU_TREE/tools/kmstest/ppmcolors.py" --top 1 "$VIRTGPU_RESULTS/rebind.ppm" |
			tee /dev/stderr | grep -q '3080c0'
	}
	check rebind-displays shown
	kill "$show_pid" 2>/dev/null
	wait "$show_pid" 2>/dev/null
	if [ "$virgl" = yes ]; then
		rebind_3d() {
			local r
			r=$(eglinfo -B -p gbm 2>&1 | grep -m1 -E 'OpenGL (core profile |ES profile )?renderer')
			echo "$r"
			case $r in *virgl*) return 0 ;; esac
			return 1
		}
		check rebind-3d rebind_3d
	fi
fi
finish
