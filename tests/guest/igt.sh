#!/bin/bash
# IGT (igt-gpu-tools 2.5 from Debian sid) against the driver under test: the curated list
# tests/igt/testlist.txt, each subtest in its own process under a timeout, judged against
# tests/igt/expect-<ours|intree>-<6.1|6.12>.txt (drm-ci style; unlisted subtests must pass).
# The work is done by tests/igt/igt_run.py; see it for the files it writes.
# Arguments (KEY=VALUE, for measuring and debugging; the suite passes none or few):
#   only=BIN,BIN    run only these binaries of the list
#   all=1           every subtest of the selected binaries, ignoring the list's filters
#   timeout=S       per-subtest timeout for every subtest (default: the list's)
#   deadline=S      start no subtest after S seconds (default 1800); the rest are "notrun"
#   list=FILE       another test list (path in the tree)
#   expect=FILE     another expectation file (path in the tree)
#   fbcon=keep      leave fbcon bound to the DRM device's fbdev (default: unbind it)
#   udev=0          do not run systemd-udevd (default: run it, started after the driver is
#                   loaded and never asked to coldplug: IGT's uevent monitors (kms_lease
#                   lease-uevent, hotplug waits) listen to udevd's netlink group, not the
#                   kernel's, and see nothing without it)
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

only='' all='' timeout='' deadline=1800 list=tests/igt/testlist.txt expect='' fbcon=unbind udev=1
for kv in "$@"; do
	case $kv in
	only=* | all=* | timeout=* | deadline=* | list=* | expect=* | fbcon=* | udev=*)
		eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "igt.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

case $VIRTGPU_KVER in
6.1.* | 6.1-*) series=6.1 ;;
6.12.* | 6.12-*) series=6.12 ;;
*) series=${VIRTGPU_KVER%%-*}; series=${series%.*} ;;
esac
[ -n "$expect" ] || expect=tests/igt/expect-$VIRTGPU_DRIVER-$series.txt
echo "igt.sh: driver $VIRTGPU_DRIVER, kernel $VIRTGPU_KVER, list $list, expectations $expect"

if [ "$VIRTGPU_DRIVER" = ours ]; then
	# IGT modprobes virtio_gpu when it finds no device: never let the in-tree driver in.
	echo 'install virtio_gpu /bin/false' >/etc/modprobe.d/virtgpu-no-intree.conf
fi
check load load_driver || { finish; exit 0; }

# fbcon restores its own mode whenever the last DRM client closes (after every subtest);
# unbinding it leaves the display to IGT alone, like a CI machine without a console.
if [ "$fbcon" = unbind ]; then
	for v in /sys/class/vtconsole/vtcon*; do
		grep -q 'frame buffer' "$v/name" 2>/dev/null && echo 0 >"$v/bind"
	done
fi
udevd_pid=''
if [ "$udev" = 1 ]; then
	/usr/lib/systemd/systemd-udevd --resolve-names=never </dev/null >/tmp/udevd.log 2>&1 &
	udevd_pid=$!
	udevadm settle -t 10 || echo "igt.sh: udevd not settled"
	echo "igt.sh: systemd-udevd running (pid $udevd_pid)"
fi
grep -H . /sys/class/vtconsole/vtcon*/name /sys/class/vtconsole/vtcon*/bind 2>/dev/null
for c in /sys/class/drm/card*-*; do
	[ -e "$c/status" ] && echo "connector ${c##*/}: $(cat "$c/status"), $(wc -l <"$c/modes") modes"
done

set -- --testlist "$list" --expect "$expect" --results "$VIRTGPU_RESULTS" --deadline "$deadline"
[ -z "$only" ] || set -- "$@" --only "$only"
[ -z "$all" ] || set -- "$@" --all
[ -z "$timeout" ] || set -- "$@" --timeout "$timeout"
python3 tests/igt/igt_run.py "$@" || fail igt-runner "tests/igt/igt_run.py exited $?"

if [ -n "$udevd_pid" ]; then	# SIGTERM, then SIGKILL after 10 s: never hang the boot here
	kill "$udevd_pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$udevd_pid" 2>/dev/null || break; sleep 0.2; done
	kill -KILL "$udevd_pid" 2>/dev/null
	cat /tmp/udevd.log
fi
if [ "$VIRTGPU_DRIVER" = ours ]; then
	if [ ! -e /sys/module/virtio_gpu ]; then
		pass intree-not-loaded
	else
		fail intree-not-loaded "the in-tree virtio_gpu module got loaded during the run"
	fi
fi
finish
