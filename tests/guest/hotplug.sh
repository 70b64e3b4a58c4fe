#!/bin/bash
# Display hotplug: the host resizes QEMU's SDL window (as a user would; needs --display=sdl),
# QEMU sends a display-change event with the new size, and the driver must tell userspace:
#   hotplug-uevent-WxH           a "change" uevent with HOTPLUG=1 from a drm card device
#                                within $timeout s of the resize (read from the kernel's
#                                netlink uevent socket: nothing like udev runs in the guest)
#   hotplug-preferred-mode-WxH   the connector's mode list (/sys/class/drm/cardN-Virtual-1/
#                                modes) then starts with WxH, and modetest (a real probe,
#                                as a compositor does on the uevent) flags WxH as preferred
#   hotplug-connected-WxH        the connector is still connected
# Arguments: the sizes to resize to, in order, e.g. 1000x700 1200x900 (default those two).
# Details report how long each step took after the resize request returned.
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

timeout=10			# seconds for each step after a resize
sizes=${*:-1000x700 1200x900}
log=/tmp/uevents.log
listener=

cleanup() { [ -z "$listener" ] || kill "$listener" 2>/dev/null; }
trap cleanup EXIT

# The listener logs one line per uevent: "<unix time> <action>@<devpath> KEY=VALUE ...".
cat >/tmp/uevent-listen.py <<'EOF'
import socket, sys, time
NETLINK_KOBJECT_UEVENT = 15
s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_KOBJECT_UEVENT)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind((0, 1))				# multicast group 1: uevents from the kernel
out = open(sys.argv[1], 'a', buffering=1)
print(f'{time.time():.3f} READY', file=out)
while True:
    fields = s.recv(1 << 16).split(b'\0')
    head = fields[0].decode(errors='replace')
    kv = [f.decode(errors='replace') for f in fields[1:] if b'=' in f]
    print(f'{time.time():.3f} {head} ' + ' '.join(kv), file=out)
EOF

# wait_uevent T0: wait for a drm HOTPLUG=1 uevent logged after T0; prints "DELAY LINE".
wait_uevent() {
	python3 - "$log" "$1" "$timeout" <<'EOF'
import sys, time
log, t0, timeout = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
end = time.time() + timeout
while time.time() < end:
    for line in open(log):
        f = line.split()
        if len(f) > 1 and f[1] != 'READY' and float(f[0]) >= t0 and \
                'SUBSYSTEM=drm' in f and 'HOTPLUG=1' in f:
            print(f'{float(f[0]) - t0:.2f} {" ".join(f[1:])}')
            sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
EOF
}

# preferred_by_modetest: the modes modetest flags as preferred on the connector (probing it).
preferred_by_modetest() {
	modetest -D /dev/dri/card0 -c 2>/dev/null |
		sed -nE 's/^ *#[0-9]+ ([0-9]+x[0-9]+)[^ ]* .*type: .*preferred.*/\1/p'
}

elapsed() { echo "$(date +%s.%N) $1" | awk '{ printf "%.2f", $1 - $2 }'; }

check load-driver load_driver || { finish; exit 0; }
conn=$(ls -d /sys/class/drm/card*-Virtual-1 2>/dev/null | head -n 1)
if [ -z "$conn" ]; then
	fail hotplug-connector "no /sys/class/drm/card*-Virtual-1"
	finish
	exit 0
fi
echo "connector $conn: $(cat "$conn/status"), first mode $(head -n 1 "$conn/modes")"

python3 /tmp/uevent-listen.py "$log" &
listener=$!
for _ in $(seq 50); do grep -q READY "$log" 2>/dev/null && break; sleep 0.1; done
if ! grep -q READY "$log" 2>/dev/null; then
	fail hotplug-listener "the netlink uevent listener did not start"
	finish
	exit 0
fi

n=0
for size in $sizes; do
	n=$((n + 1))
	w=${size%x*} h=${size#*x}
	t0=$(date +%s.%N)
	if ! answer=$(host_resize "resize$n" "$w" "$h" 2>&1); then
		fail "hotplug-resize-$size" "$answer"
		continue
	fi
	echo "resize to $size requested ($(elapsed "$t0") s for the host to answer)"

	if ev=$(wait_uevent "$t0"); then
		pass "hotplug-uevent-$size" "after ${ev%% *} s: ${ev#* }"
	else
		fail "hotplug-uevent-$size" "no drm HOTPLUG=1 uevent within ${timeout} s"
	fi

	# The driver's own reprobe (e.g. fbdev emulation) may already have updated the list;
	# otherwise probe as a compositor would, and look again.
	how= first= pref=
	end=$(($(date +%s) + timeout))
	while [ "$(date +%s)" -le "$end" ]; do
		first=$(head -n 1 "$conn/modes")
		if [ "$first" = "$size" ]; then
			how=${how:-"without a userspace probe"}
			pref=$(preferred_by_modetest)
			break
		fi
		pref=$(preferred_by_modetest)
		how="after a modetest probe"
		first=$(head -n 1 "$conn/modes")
		[ "$first" = "$size" ] && break
		sleep 0.2
	done
	delay=$(elapsed "$t0")
	if [ "$first" = "$size" ] && [ "$pref" = "$size" ]; then
		pass "hotplug-preferred-mode-$size" "first and preferred ${delay} s after the resize, $how"
	else
		fail "hotplug-preferred-mode-$size" \
			"after ${delay} s: first mode '${first}', modetest preferred '$(echo $pref)', want $size"
	fi
	st=$(cat "$conn/status")
	[ "$st" = connected ] && pass "hotplug-connected-$size" ||
		fail "hotplug-connected-$size" "status $st"
done

echo "uevents seen:"
cat "$log"
finish
