#!/bin/bash
# 3D stress: tools/uapitest/build/virtgpu-clients stress: PROCS processes creating, writing
# (MAP + mmap), transferring, submitting with fences, waiting, sharing through PRIME and
# closing, one killed and replaced every 2 s, for SECONDS.
#   stress            no call failed unexpectedly, every worker exited cleanly
#   objects-released  debugfs objects (buffer objects, contexts) back where they were
#   fences-idle       no timeline has a pending fence left
# Arguments (KEY=VALUE): seconds=60, procs=4.
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

seconds=60 procs=4
for kv in "$@"; do
	case $kv in
	seconds=* | procs=*) eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "stress.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done
CLIENTS=$VIRTGPU_TREE/tools/uapitest/build/virtgpu-clients

if [ "$VIRTGPU_DRIVER" = ours ]; then
	echo 'install virtio_gpu /bin/false' >/etc/modprobe.d/virtgpu-no-intree.conf
fi
check load load_driver || { finish; exit 0; }
[ -x "$CLIENTS" ] || { fail stress "$CLIENTS missing: make guest-tools"; finish; exit 0; }
objects() { cat "$(drm_debugfs_dir)/virtgpu/objects" 2>/dev/null | paste -sd' '; }
before=$(objects)

"$CLIENTS" stress -t "$seconds" -p "$procs" >/tmp/stress.log 2>&1
rc=$?
grep -m 20 '^ERROR' /tmp/stress.log
end=$(grep -m1 '^END' /tmp/stress.log)
if [ "$rc" = 0 ]; then
	pass stress "$end"
else
	fail stress "exit $rc: $(grep -m1 '^ERROR' /tmp/stress.log) $end"
fi

if [ "$VIRTGPU_DRIVER" = ours ]; then
	# Closing files with work in flight: the last answers may still be on their way.
	for _ in $(seq 50); do
		[ "$(objects)" = "$before" ] && break
		sleep 0.2
	done
	after=$(objects)
	if [ "$after" = "$before" ]; then
		pass objects-released "$after"
	else
		fail objects-released "before: $before; after: $after"
	fi
	fences=$(cat "$(drm_debugfs_dir)/virtgpu/fences")
	echo "$fences"
	if echo "$fences" | grep -Eq 'pending [1-9]'; then
		fail fences-idle "$(echo "$fences" | grep -E 'pending [1-9]' | head -n 3 | paste -sd';')"
	else
		pass fences-idle "$(echo "$fences" | grep -c '^timeline') timelines, none pending"
	fi
fi
finish
