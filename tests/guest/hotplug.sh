#!/bin/bash
# Display hotplug: the host resizes QEMU's SDL window (as a user would; needs --display=sdl),
# QEMU sends a display-change event with the new size, and the driver must tell userspace.
# A helper acting as a compositor holds DRM master, listens to the kernel's netlink uevents
# (nothing like udev runs in the guest) and probes the connector on each drm HOTPLUG uevent.
#   hotplug-uevent-WxH           a "change" uevent with HOTPLUG=1 from a drm card device
#                                within $timeout s of the resize request
#   hotplug-preferred-mode-WxH   the probe done on such a uevent lists WxH first and as the
#                                (only) preferred mode, the connector connected
#   hotplug-sysfs-modes-WxH      /sys/class/drm/cardN-Virtual-1/modes then starts with WxH
#   hotplug-connected-WxH        the connector is still connected
# Arguments: the sizes to resize to, in order (default 1000x700 1200x900).
# Details give the time from the resize request; the host's answer to that request (after
# xdotool returned) is logged, it may come after the uevent.
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

timeout=10			# seconds for each step after a resize request
sizes=${*:-1000x700 1200x900}
log=/tmp/uevents.log
listener=

cleanup() { [ -z "$listener" ] || kill "$listener" 2>/dev/null; }
trap cleanup EXIT

# The listener acts as a compositor would: it holds DRM master on card0, so the kernel's
# fbdev emulation keeps its hands off the display (otherwise fbdev sets the new preferred mode
# on its boot-time buffer, cannot for a larger size, sets a smaller one, QEMU resizes its
# window to that and sends another display change that undoes the resize). On every drm
# HOTPLUG uevent it probes the connectors (DRM_IOCTL_MODE_GETCONNECTOR with no mode buffer,
# then again to read the modes); a line on stdin asks for one more probe. Log lines:
#   <unix time> READY | ERROR ...
#   <time> UEVENT <action@devpath> KEY=VALUE...
#   <time> PROBE <why> <status> <first mode> <preferred mode(s)|-> <number of modes>
cat >/tmp/uevent-listen.py <<'PYEOF'
import ctypes, fcntl, os, select, socket, struct, sys, time

def iowr(nr, size):
    return (3 << 30) | (size << 16) | (ord('d') << 8) | nr

GETRESOURCES = iowr(0xA0, 64)	# struct drm_mode_card_res
GETCONNECTOR = iowr(0xA7, 80)	# struct drm_mode_get_connector
SET_MASTER = (ord('d') << 8) | 0x1e
MODEINFO = 68			# sizeof(struct drm_mode_modeinfo)
TYPE_PREFERRED = 1 << 3
STATUS = {1: 'connected', 2: 'disconnected', 3: 'unknown'}

log = open(sys.argv[1], 'a', buffering=1)

def say(*a):
    print(f'{time.time():.3f}', *a, file=log)

card = os.open('/dev/dri/card0', os.O_RDWR)
try:
    fcntl.ioctl(card, SET_MASTER)
except OSError as e:
    say('ERROR cannot become DRM master:', e)
    sys.exit(1)

def connectors():
    res = bytearray(64)
    fcntl.ioctl(card, GETRESOURCES, res, True)
    n = struct.unpack_from('<I', res, 40)[0]
    ids = (ctypes.c_uint32 * max(n, 1))()
    res = bytearray(64)
    struct.pack_into('<Q', res, 16, ctypes.addressof(ids))
    struct.pack_into('<I', res, 40, n)
    fcntl.ioctl(card, GETRESOURCES, res, True)
    return list(ids)[:n]

def probe(why):
    for cid in connectors():
        req = bytearray(80)
        struct.pack_into('<I', req, 48, cid)
        fcntl.ioctl(card, GETCONNECTOR, req, True)	# count_modes 0: a full probe
        n = struct.unpack_from('<I', req, 32)[0]
        buf = ctypes.create_string_buffer(MODEINFO * max(n, 1))
        req = bytearray(80)
        struct.pack_into('<Q', req, 8, ctypes.addressof(buf))
        struct.pack_into('<I', req, 32, n)
        struct.pack_into('<I', req, 48, cid)
        fcntl.ioctl(card, GETCONNECTOR, req, True)
        n = min(n, struct.unpack_from('<I', req, 32)[0])
        status = STATUS.get(struct.unpack_from('<I', req, 60)[0], '?')
        modes = []
        for i in range(n):
            m = buf.raw[i * MODEINFO:(i + 1) * MODEINFO]
            w, h = struct.unpack_from('<H', m, 4)[0], struct.unpack_from('<H', m, 14)[0]
            modes.append((f'{w}x{h}', struct.unpack_from('<I', m, 32)[0] & TYPE_PREFERRED))
        pref = ','.join(name for name, p in modes if p) or '-'
        say('PROBE', why, status, modes[0][0] if modes else '-', pref, len(modes))

s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 15)	# NETLINK_KOBJECT_UEVENT
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind((0, 1))			# multicast group 1: uevents from the kernel
probe('initial')
say('READY')
while True:
    ready = select.select([s, sys.stdin], [], [])[0]
    if sys.stdin in ready:
        line = sys.stdin.readline()
        if not line:
            break
        probe(line.strip() or 'request')
    if s in ready:
        fields = s.recv(1 << 16).split(b'\0')
        kv = [f.decode(errors='replace') for f in fields[1:] if b'=' in f]
        say('UEVENT', fields[0].decode(errors='replace'), *kv)
        if 'SUBSYSTEM=drm' in kv and 'HOTPLUG=1' in kv:
            probe('uevent')
PYEOF

# find_line T0 REGEX: the first log line after T0 whose text (after the time) matches the
# Python regex; prints "DELAY TEXT". Waits up to $timeout s.
find_line() {
	python3 - "$log" "$1" "$2" "$timeout" <<'PYEOF'
import re, sys, time
log, t0, rx, timeout = sys.argv[1], float(sys.argv[2]), re.compile(sys.argv[3]), float(sys.argv[4])
end = time.time() + timeout
while True:
    for line in open(log):
        t, _, text = line.rstrip('\n').partition(' ')
        if float(t) >= t0 and rx.search(text):
            print(f'{float(t) - t0:.2f} {text}')
            sys.exit(0)
    if time.time() > end:
        sys.exit(1)
    time.sleep(0.05)
PYEOF
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

# The listener's stdin is a FIFO held open on fd 3: writing a line asks for one more probe.
mkfifo /tmp/uevent-ctl
python3 /tmp/uevent-listen.py "$log" </tmp/uevent-ctl &
listener=$!
exec 3>/tmp/uevent-ctl
for _ in $(seq 100); do grep -q -e READY -e ERROR "$log" 2>/dev/null && break; sleep 0.1; done
cat "$log" 2>/dev/null
if ! grep -q READY "$log" 2>/dev/null; then
	fail hotplug-listener "the uevent listener did not start: $(grep ERROR "$log" 2>/dev/null)"
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
	echo "resize to $size: the host answered after $(elapsed "$t0") s"

	if ev=$(find_line "$t0" '^UEVENT .*SUBSYSTEM=drm .*HOTPLUG=1'); then
		pass "hotplug-uevent-$size" "${ev%% *} s after the resize request: ${ev#* UEVENT }"
	else
		fail "hotplug-uevent-$size" "no drm HOTPLUG=1 uevent within ${timeout} s"
	fi

	# A compositor probes once per uevent: one of those probes must show the new size.
	if pr=$(find_line "$t0" "^PROBE uevent connected $size $size "); then
		pass "hotplug-preferred-mode-$size" \
			"probe on a uevent ${pr%% *} s after the request: ${pr#* PROBE uevent }"
	else
		echo late >&3	# did the driver get there without telling userspace?
		sleep 1
		late=$(grep ' PROBE late ' "$log" | tail -n 1 | cut -d' ' -f4-)
		last=$(grep ' PROBE uevent ' "$log" | tail -n 1 | cut -d' ' -f4-)
		fail "hotplug-preferred-mode-$size" "want $size first and preferred; on the last uevent: ${last:-no probe}; ${timeout} s after the request: ${late:-no probe}"
	fi
	first=$(head -n 1 "$conn/modes")
	if [ "$first" = "$size" ]; then
		pass "hotplug-sysfs-modes-$size" "first in $conn/modes"
	else
		fail "hotplug-sysfs-modes-$size" "first mode in $conn/modes is $first, want $size"
	fi
	st=$(cat "$conn/status")
	if [ "$st" = connected ]; then
		pass "hotplug-connected-$size"
	else
		fail "hotplug-connected-$size" "status $st"
	fi
done

echo "listener log:"
cat "$log"
exec 3>&-
finish
