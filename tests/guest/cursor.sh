#!/bin/bash
# Hardware cursor, checked from the device's side. tests/bench/build/kmscursor sets a mode on
# head 0, then a 64x64 ARGB8888 cursor through the legacy uAPI (drmModeSetCursor2 with
# hotspot 5,7, drmModeMoveCursor, a second SetCursor2 with hotspot 20,3) and through the
# atomic cursor plane (FB_ID, CRTC_X/CRTC_Y, and HOTSPOT_X/HOTSPOT_Y where the kernel has
# them: Linux 6.8+, so 6.12 but not 6.1), and prints each command QEMU should receive.
# Two views of what QEMU received, both readable from the guest:
#   - QEMU's trace of the cursor queue (-trace enable=virtio_gpu_update_cursor,
#     file={results}/trace.log on the suite line): "virtio_gpu_update_cursor scanout S,
#     x X, y Y, update|move, res 0xR", one line per command, in order. QEMU 7.2 writes
#     each trace line through to the file, and the results directory is shared uncached
#     over 9p, so the guest reads it while QEMU runs. The trace does not show the hotspot.
#   - QEMU's VNC server, which sends each cursor image with its hotspot to clients
#     (AlphaCursor pseudo-encoding: rectangle x,y = hotspot, w,h = size, then the BGRA
#     pixels). The suite line points a virtio-serial port at QEMU's own VNC socket
#     (-vnc unix:{results}/vnc.sock, -chardev socket,path=...,reconnect=1 and
#     virtserialport,name=org.virtgpu.vnc); a minimal RFB client below reads it.
#     QEMU calls the UI's cursor_define once per UPDATE_CURSOR, so the k-th "update" in
#     the trace is the k-th cursor the VNC client receives.
#
# Position semantics (the driver-independent truth this test asserts): the x,y of
# VIRTIO_GPU_CMD_UPDATE_CURSOR/MOVE_CURSOR is where the TOP-LEFT CORNER of the cursor image
# goes on the scanout, i.e. the cursor plane's CRTC_X/CRTC_Y (and drmModeMoveCursor's x,y),
# NOT the pointer position; hot_x/hot_y is the pointer position inside the image, so the
# pointer is at (x + hot_x, y + hot_y). That is what Linux's in-tree driver sends (crtc_x,
# crtc_y and, separately, the fb/plane hotspot) and how QEMU reads it: its SPICE display
# puts the pointer at ptr_x + hot_x (ui/spice-display.c), SDL/GTK draw the image with
# its hotspot at the host pointer. A driver that sent x + hot_x would be off by the hotspot.
# A MOVE_CURSOR must carry the cursor's resource_id too: QEMU reads resource_id != 0 as
# "pointer visible" for moves as well (update_cursor(): dpy_mouse_set(con, x, y,
# resource_id ? 1 : 0)), so a move with 0 hides the pointer (SPICE sends CURSOR_HIDE).
# Linux's in-tree driver resends its whole cursor struct, resource_id included, on moves.
#
# RESULT lines:
#   cursor-trace           the trace file is there and shows cursor commands
#   cursor-vnc             the VNC client got the server's cursors (FAIL without the port)
#   cursor-update          each SetCursor2: an UPDATE_CURSOR with a resource, at the cursor's
#                          position (the first at 32,48, set beforehand with MoveCursor)
#   cursor-image           every cursor shown through VNC is the 64x64 image we drew
#   cursor-hotspot         the hotspots 5,7 and 20,3 of the two SetCursor2 calls (VNC)
#   cursor-move            three MoveCursor positions, in order, each a MOVE_CURSOR (or an
#                          UPDATE_CURSOR) carrying the cursor's resource_id
#   cursor-atomic-update   a cursor-plane commit with a new FB: UPDATE at CRTC_X/CRTC_Y
#   cursor-atomic-move     two CRTC_X/CRTC_Y-only commits, as cursor-move
#   cursor-atomic-hotspot  HOTSPOT_X/HOTSPOT_Y 10,12 committed with the FB reach the device
#                          (the properties need Linux 6.8+: SKIP on 6.1, decided from the
#                          kernel's version; a check the tool could not run is a FAIL)
#   cursor-atomic-hotspot-change
#                          HOTSPOT_X/HOTSPOT_Y 30,40 alone (same FB and position) must reach
#                          the device too, as an UPDATE_CURSOR. Linux's in-tree driver fails
#                          this (6.12): it sends UPDATE_CURSOR only when the FB changes, so
#                          it sends MOVE_CURSOR and the new hotspot is lost.
#   cursor-disable         SetCursor(0): an UPDATE_CURSOR without resource
# The VNC socket lives in the results directory: its path must stay under 108 bytes (QEMU
# refuses longer unix socket paths), as it does for tests/out/<time>/<kernel>/<driver>/cursor.
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

tool=$VIRTGPU_TREE/tests/bench/build/kmscursor
trace=$VIRTGPU_RESULTS/trace.log
vnclog=/tmp/vnc.log
vncpid=

cleanup() { [ -z "$vncpid" ] || kill "$vncpid" 2>/dev/null; }
trap cleanup EXIT

# Minimal RFB 3.8 client: no authentication, asks only for cursor pseudo-encodings, logs
# "<time> CURSOR n hot_x hot_y w h kind sha256" and saves the pixels to /tmp/vnc-cursor-n.
cat >/tmp/vnc-cursors.py <<'EOF'
import hashlib, os, select, struct, sys, time
port, logpath = sys.argv[1], sys.argv[2]
fd = os.open(port, os.O_RDWR)
log = open(logpath, 'a', buffering=1)
buf = b''

def say(*a):
    print(f'{time.time():.3f}', *a, file=log)

def read(n, timeout=30.0):
    global buf
    end = time.time() + timeout
    while len(buf) < n:
        if time.time() > end:
            say('ERROR timeout waiting for the VNC server')
            sys.exit(1)
        select.select([fd], [], [], 0.5)
        data = os.read(fd, 1 << 16)
        if not data:		# the host side is not connected yet
            time.sleep(0.1)
            continue
        buf += data
    out, buf = buf[:n], buf[n:]
    return out

version = read(12)
os.write(fd, b'RFB 003.008\n')
types = read(read(1)[0])
if 1 not in types:
    say('ERROR no "None" security type offered:', list(types))
    sys.exit(1)
os.write(fd, b'\x01')
if struct.unpack('>I', read(4))[0] != 0:
    say('ERROR security handshake failed')
    sys.exit(1)
os.write(fd, b'\x01')		# ClientInit: shared
w, h = struct.unpack('>HH', read(4))
bpp = read(16)[0] // 8
name = read(struct.unpack('>I', read(4))[0]).decode(errors='replace')
# SetEncodings: Raw, AlphaCursor (-314), RichCursor (-239) and, last, QEMU's extended key
# event (-258), which QEMU acknowledges at once with an empty pseudo-rectangle: once that
# arrives, the cursor encodings are on. No framebuffer update is ever requested (a full
# screen would crawl through the serial port).
encodings = [0, -314, -239, -258]
os.write(fd, struct.pack('>BxH', 2, len(encodings)) +
         b''.join(struct.pack('>i', e) for e in encodings))
say('CONNECTED', version.decode().strip(), f'{w}x{h}', bpp * 8, 'bpp', repr(name))
ready = False
ncur = 0
while True:
    kind = read(1, timeout=1e9)[0]
    if kind == 0:			# FramebufferUpdate
        nrects = struct.unpack('>xH', read(3))[0]
        for _ in range(nrects):
            x, y, rw, rh, enc = struct.unpack('>HHHHi', read(12))
            if enc == -258:
                if not ready:
                    ready = True
                    say('READY')
            elif enc == 0:
                read(rw * rh * bpp)
            elif enc in (-314, -239):
                if enc == -314:
                    sub = struct.unpack('>i', read(4))[0]
                    if sub != 0:
                        say('ERROR alpha cursor in encoding', sub)
                        sys.exit(1)
                    data = read(rw * rh * 4)
                else:
                    data = read(rw * rh * bpp)
                    read((rw + 7) // 8 * rh)	# the mask
                ncur += 1
                open(f'/tmp/vnc-cursor-{ncur}', 'wb').write(data)
                say('CURSOR', ncur, x, y, rw, rh, 'alpha' if enc == -314 else 'rich',
                    hashlib.sha256(data).hexdigest()[:16])
            elif enc == -223:		# DesktopSize: no data
                pass
            else:
                say('ERROR unexpected encoding', enc)
                sys.exit(1)
    elif kind == 1:			# SetColourMapEntries
        read(6 * struct.unpack('>xHH', read(5))[1])
    elif kind == 2:			# Bell
        pass
    elif kind == 3:			# ServerCutText
        read(struct.unpack('>3xI', read(7))[0])
    else:
        say('ERROR unexpected server message', kind)
        sys.exit(1)
EOF

# find_vnc_port: the /dev node of the virtio-serial port named org.virtgpu.vnc
find_vnc_port() {
	for p in /sys/class/virtio-ports/*; do
		[ "$(cat "$p/name" 2>/dev/null)" = org.virtgpu.vnc ] && { echo "/dev/${p##*/}"; return 0; }
	done
	return 1
}

if [ ! -x "$tool" ]; then
	fail cursor-tool "$tool not built (run make -C tests/bench on the host)"
	finish
	exit 0
fi
check load-driver load_driver || { finish; exit 0; }

# virtio_console is a module on 6.1, built in on 6.12.
modprobe virtio_console 2>/dev/null
sleep 0.5
vnc=no
if port=$(find_vnc_port); then
	python3 /tmp/vnc-cursors.py "$port" "$vnclog" &
	vncpid=$!
	for _ in $(seq 150); do
		grep -q -e READY -e ERROR "$vnclog" 2>/dev/null && break
		kill -0 "$vncpid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$vnclog" 2>/dev/null
	grep -q READY "$vnclog" 2>/dev/null && vnc=yes
	[ "$vnc" = yes ] || fail cursor-vnc "no answer from QEMU's VNC server on $port: $(grep ERROR "$vnclog" 2>/dev/null)"
else
	fail cursor-vnc "no virtio-serial port org.virtgpu.vnc (see the suite line): hotspots and images cannot be checked"
fi

"$tool" -o /tmp/cursor.bgra >/tmp/kmscursor.out 2>/tmp/kmscursor.err
rc=$?
cat /tmp/kmscursor.out /tmp/kmscursor.err
case $rc in
0) ;;
3) fail cursor "no KMS output to put a cursor on: $(sed -n 's/^info no KMS: //p' /tmp/kmscursor.out)"; finish; exit 0 ;;
*) fail cursor-tool "kmscursor exited $rc: $(tail -n 1 /tmp/kmscursor.err)" ;;
esac

# Compare; prints "PASS|FAIL|SKIP name detail" lines. Waits (up to 15 s) for QEMU's trace
# and VNC output to catch up with what kmscursor did.
python3 - /tmp/kmscursor.out "$trace" "$vnclog" "$vnc" /tmp/cursor.bgra >/tmp/cursor-check.out <<'EOF'
import os, re, sys, time
expfile, tracefile, vnclog, vnc, image = sys.argv[1:6]
vnc = vnc == 'yes'
TRACE = re.compile(r'virtio_gpu_update_cursor scanout (\d+), x (-?\d+), y (-?\d+), '
                   r'(update|move), res 0x([0-9a-f]+)')

expects, skips = [], []
for line in open(expfile):
    f = line.split()
    if f and f[0] == 'expect':
        name, typ, x, y, res, hname, hx, hy = f[1:9]
        num = lambda v: None if v == '-' else int(v)
        expects.append(dict(name=name, type=typ, x=num(x), y=num(y), res=res,
                            hname=None if hname == '-' else hname, hot=(num(hx), num(hy))))
    elif f and f[0] == 'skip':
        skips.append((f[1], ' '.join(f[2:])))

def load():
    cmds = []
    if os.path.exists(tracefile):
        for line in open(tracefile, errors='replace'):
            m = TRACE.search(line)
            if m and m[1] == '0':
                cmds.append(dict(x=int(m[2]), y=int(m[3]), type=m[4], res=int(m[5], 16)))
    cursors = []
    if vnc and os.path.exists(vnclog):
        for line in open(vnclog):
            f = line.split()
            if len(f) > 2 and f[1] == 'CURSOR':
                cursors.append(dict(n=int(f[2]), hot=(int(f[3]), int(f[4])),
                                    size=(int(f[5]), int(f[6])), kind=f[7]))
    # The k-th UPDATE_CURSOR is the k-th cursor defined on the UI (VNC).
    k = 0
    for c in cmds:
        if c['type'] == 'update':
            c['vnc'] = cursors[k] if k < len(cursors) else None
            k += 1
    return cmds, cursors

def show(c):
    s = f"{c['type']} {c['x']},{c['y']} res {c['res']}"
    if c.get('vnc'):
        s += f" hot {c['vnc']['hot'][0]},{c['vnc']['hot'][1]}"
    return s

def fits(e, c):
    return ((e['type'] == 'any' or c['type'] == e['type']) and
            (e['x'] is None or (c['x'], c['y']) == (e['x'], e['y'])) and
            (c['res'] != 0) == (e['res'] == 'set'))

def match(cmds):
    """Each expectation to the next command that fits it (in order). -> list of index|None.
    A move ("any") never takes an UPDATE that the next expectation, an update at the same
    place, would take: one failure must not shift every later match."""
    out, i = [], 0
    for k, e in enumerate(expects):
        nxt = expects[k + 1] if k + 1 < len(expects) else None
        j = i
        while j < len(cmds):
            c = cmds[j]
            if fits(e, c) and not (e['type'] == 'any' and c['type'] == 'update' and nxt and
                                   nxt['type'] == 'update' and fits(nxt, c)):
                break
            j += 1
        if j < len(cmds):
            out.append(j)
            i = j + 1
        else:
            out.append(None)
    return out

start = time.time()
seen = (-1, 0)   # (commands in the trace, when that count was first seen)
while True:
    cmds, cursors = load()
    m = match(cmds)
    updates = sum(1 for c in cmds if c['type'] == 'update')
    if len(cmds) != seen[0]:
        seen = (len(cmds), time.time() - start)
    if (None not in m and (not vnc or len(cursors) >= updates)) or time.time() > start + 15:
        break
    time.sleep(0.3)
print(f'{seen[0]} trace lines, the last one read {seen[1]:.1f} s after kmscursor exited',
      file=sys.stderr)

print('TRACE', '; '.join(show(c) for c in cmds) or 'none', file=sys.stderr)
results = {}      # name -> [ok, [details]]
unchecked = set() # hotspot checks that need the VNC view

def note(name, ok, detail):
    r = results.setdefault(name, [True, []])
    r[0] = r[0] and ok
    r[1].append(detail)

if not os.path.exists(tracefile):
    print('FAIL cursor-trace no', tracefile, '(run QEMU with -trace enable='
          'virtio_gpu_update_cursor,file={results}/trace.log)')
elif not cmds:
    print('FAIL cursor-trace no virtio_gpu_update_cursor lines for scanout 0 in', tracefile)
else:
    print(f'PASS cursor-trace {len(cmds)} cursor commands ({updates} update)')
if vnc:
    ok = len(cursors) == updates
    print(f"{'PASS' if ok else 'FAIL'} cursor-vnc {len(cursors)} cursors received for "
          f"{updates} UPDATE_CURSOR commands")

prev = None
for e, j in zip(expects, m):
    pos = 'anywhere' if e['x'] is None else f"at {e['x']},{e['y']}"
    if j is None:
        after = cmds[prev + 1:prev + 4] if prev is not None else cmds[:3]
        kind = {'any': 'MOVE/UPDATE', 'update': 'UPDATE', 'move': 'MOVE'}[e['type']]
        res = 'with a resource' if e['res'] == 'set' else 'without resource'
        why = ''
        first = e['name'] not in results	# explain once per result
        if first and e['res'] == 'set' and any(
                c['res'] == 0 and (e['x'] is None or (c['x'], c['y']) == (e['x'], e['y']))
                for c in after):
            why = (' - a MOVE_CURSOR needs the resource_id too: QEMU takes resource_id 0 '
                   'as "pointer hidden" for moves as well (dpy_mouse_set(..., res ? 1 : 0))')
        note(e['name'], False, f"no {kind} {pos} {res} (next commands: "
             f"{'; '.join(show(c) for c in after) or 'none'}){why}")
        continue
    prev = j
    c = cmds[j]
    note(e['name'], True, show(c))
    if not e['hname']:
        continue
    v = c.get('vnc')
    if not vnc:
        unchecked.add(e['hname'])
    elif v is None:
        note(e['hname'], False, f"no VNC cursor for the update at {c['x']},{c['y']}")
    else:
        note(e['hname'], v['hot'] == e['hot'],
             f"hotspot {v['hot'][0]},{v['hot'][1]} (want {e['hot'][0]},{e['hot'][1]})")

# Every cursor with a resource that reached the UI shows our image (fully opaque or fully
# transparent pixels, so QEMU's alpha handling cannot change them).
if vnc:
    want = open(image, 'rb').read() if os.path.exists(image) else b''
    shown = [c for c in cmds if c['type'] == 'update' and c['res'] and c.get('vnc')]
    bad = []
    for c in shown:
        v = c['vnc']
        got = open(f"/tmp/vnc-cursor-{v['n']}", 'rb').read()
        if v['kind'] != 'alpha' or v['size'] != (64, 64) or got != want:
            # Keep both images in the results (raw 64x64 BGRA) and name the first difference.
            res_dir = os.path.dirname(tracefile)
            open(f"{res_dir}/cursor-{v['n']}-got.bgra", 'wb').write(got)
            open(f'{res_dir}/cursor-want.bgra', 'wb').write(want)
            diff = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]),
                        min(len(got), len(want)))
            px = diff // 4
            bad.append(f"#{v['n']} (update at {c['x']},{c['y']}): {v['kind']} "
                       f"{v['size'][0]}x{v['size'][1]}, first difference at pixel "
                       f"({px % 64},{px // 64}): got {got[px * 4:px * 4 + 4].hex()} want "
                       f"{want[px * 4:px * 4 + 4].hex()} (BGRA)")
    if not shown:
        print('FAIL cursor-image no cursor image came through VNC')
    elif bad:
        print(f"FAIL cursor-image {len(bad)} of {len(shown)} cursors differ from the image "
              f"drawn (saved as cursor-N-got.bgra, cursor-want.bgra): {'; '.join(bad)}")
    else:
        print(f'PASS cursor-image {len(shown)} cursors, 64x64 alpha, pixels identical')

order = ['cursor-update', 'cursor-hotspot', 'cursor-move', 'cursor-atomic-update',
         'cursor-atomic-move', 'cursor-atomic-hotspot', 'cursor-atomic-hotspot-change',
         'cursor-disable']
for name in order + sorted((set(results) | unchecked) - set(order)):
    note_nv = ' (hotspot not checked: no VNC port)' if name in unchecked else ''
    if name in results:
        ok, details = results[name]
        print(f"{'PASS' if ok else 'FAIL'} {name} {'; '.join(details)}{note_nv}")
    elif name in unchecked:
        print(f'SKIP {name} needs the VNC port to see hotspots')
for name, why in skips:
    if name not in results:
        print(f'SKIP {name} {why}')
EOF
cat /tmp/cursor-check.out
while read -r status name detail; do
	case $status in
	PASS) pass "$name" "$detail" ;;
	FAIL) fail "$name" "$detail" ;;
	SKIP)
		# Only the kernel may excuse a check: the hotspot properties came with Linux 6.8.
		case $name in
		cursor-atomic-hotspot*)
			if kernel_at_least 6.8; then
				fail "$name" "Linux 6.8+ has HOTSPOT_X/HOTSPOT_Y: $detail"
			else
				skip "$name" "Linux $(uname -r) is older than 6.8: no HOTSPOT_X/HOTSPOT_Y"
			fi
			;;
		*) fail "$name" "not checked: $detail" ;;
		esac
		;;
	esac
done </tmp/cursor-check.out
grep -q . /tmp/cursor-check.out || fail cursor-check "the checker printed nothing"
echo "VNC log:"
cat "$vnclog" 2>/dev/null
finish
