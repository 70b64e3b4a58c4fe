#!/usr/bin/env python3
"""Boot the test disk image once and collect its report (tests/deb/test-diskimage.sh).

  diskboot.py IMAGE VMLINUZ INITRD OUT_DIR [--timeout S]

QEMU (TCG) boots the kernel and initramfs given (taken from the image's own /boot) with
root=/dev/vda on the writable raw IMAGE, one virtio-gpu-pci (1024x768) and no VGA. The
image's virtgpu-report.service prints "@@vgpu KEY VALUE" lines on the serial port; on
"@@vgpu screen W H" we take a QMP screendump of the virtio-gpu's head 0, compare it with
the pattern the guest painted, and answer on the serial port so the guest goes on to
power off. OUT_DIR gets serial.log, screen.ppm/.png, qemu-cmd.txt and report.txt: the
guest's lines without the prefix, then "pixels ...", "boot-seconds N" and "exit ..."
(ok: the guest powered off by itself; else timeout or QEMU's exit status).
"""
import argparse
import select
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
TREE = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TREE / 'tests/vm'))
sys.path.insert(0, str(TREE / 'tools/kmstest'))
from vmrun import Qmp, ppm_to_png   # noqa: E402
from ppmcmp import BadImage, read_ppm   # noqa: E402

XRES, YRES = 1024, 768


def pattern_pixel(x, y):
    """The guest's pattern (virtgpu-report) as (R, G, B)."""
    return x & 255, y & 255, (x ^ y) >> 2 & 255


def check_pattern(ppm, want_w, want_h, pixel=pattern_pixel):
    """(ok, description) of a screendump against the pattern over a want_w x want_h screen."""
    try:
        w, h, pix = read_ppm(ppm)
    except BadImage as e:
        return False, str(e)
    if (w, h) != (want_w, want_h):
        return False, f'screen is {w}x{h}, want {want_w}x{want_h}'
    bad, first = 0, None
    for y in range(h):
        row = bytes(c for x in range(w) for c in pixel(x, y))
        got = pix[y * w * 3:(y + 1) * w * 3]
        if got != row:
            for x in range(w):
                if got[x * 3:x * 3 + 3] != row[x * 3:x * 3 + 3]:
                    bad += 1
                    if first is None:
                        first = (f'({x},{y}) is {tuple(got[x * 3:x * 3 + 3])}, '
                                 f'want {tuple(row[x * 3:x * 3 + 3])}')
    if bad:
        return False, f'{bad} of {w * h} pixels differ, first {first}'
    return True, f'{w}x{h} pattern exact'


def boot(image, vmlinuz, initrd, out, timeout):
    out.mkdir(parents=True, exist_ok=True)
    rundir = Path(tempfile.mkdtemp(prefix='virtgpu-disk-'))
    qmp_path, ser_path = rundir / 'qmp.sock', rundir / 'serial.sock'
    cmd = ['qemu-system-x86_64', '-accel', 'tcg', '-cpu', 'max', '-m', '1024', '-smp', '2',
           '-nodefaults', '-vga', 'none', '-display', 'none', '-no-reboot',
           '-device', f'virtio-gpu-pci,xres={XRES},yres={YRES},id=video0',
           '-drive', f'file={image},format=raw,if=virtio',
           '-chardev', f'socket,id=ser0,path={ser_path},server=on,wait=on',
           '-serial', 'chardev:ser0',
           '-qmp', f'unix:{qmp_path},server=on,wait=off',
           '-kernel', str(vmlinuz), '-initrd', str(initrd),
           '-append', 'root=/dev/vda rw console=ttyS0 loglevel=5 panic=-1 '
                      'vt.global_cursor_default=0']
    (out / 'qemu-cmd.txt').write_text(shlex.join(cmd) + '\n')
    t0 = time.monotonic()
    qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    ser = socket.socket(socket.AF_UNIX)
    end = time.monotonic() + 20
    while True:
        try:
            ser.connect(str(ser_path))
            break
        except OSError:
            if time.monotonic() > end or qemu.poll() is not None:
                qemu.kill()
                (out / 'report.txt').write_text('exit no serial port\n')
                return
            time.sleep(0.1)
    report, buf, status = [], b'', None
    with open(out / 'serial.log', 'wb') as log:
        while True:
            left = t0 + timeout - time.monotonic()
            if left <= 0:
                status = 'timeout'
                break
            ready, _, _ = select.select([ser], [], [], min(left, 1))
            if not ready:
                if qemu.poll() is not None:
                    break
                continue
            data = ser.recv(65536)
            if not data:
                break
            log.write(data)
            log.flush()
            buf += data
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                text = line.decode(errors='replace').strip('\r')
                if not text.startswith('@@vgpu '):
                    continue
                report.append(text[7:])
                f = text.split()
                if f[1] == 'screen' and len(f) == 4:
                    ppm = out / 'screen.ppm'
                    qmp = Qmp(qmp_path)
                    _, err = qmp.cmd('screendump',
                                     {'filename': str(ppm), 'device': 'video0', 'head': 0})
                    qmp.close()
                    if err:
                        report.append(f'pixels FAIL screendump: {err}')
                    else:
                        ppm_to_png(ppm, out / 'screen.png')
                        ok, why = check_pattern(ppm, XRES, YRES)
                        report.append(f'pixels {"ok" if ok else "FAIL"} {why}')
                    ser.sendall(b'go\n')
    if status is None:
        try:
            rc = qemu.wait(60)
            status = 'ok' if rc == 0 else f'qemu exit status {rc}'
        except subprocess.TimeoutExpired:
            status = 'timeout'
    if qemu.poll() is None:
        qemu.kill()
        qemu.wait()
    ser.close()
    for p in (qmp_path, ser_path):
        p.unlink(missing_ok=True)
    rundir.rmdir()
    report += [f'boot-seconds {time.monotonic() - t0:.0f}', f'exit {status}']
    (out / 'report.txt').write_text(''.join(r + '\n' for r in report))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('image')
    ap.add_argument('vmlinuz')
    ap.add_argument('initrd')
    ap.add_argument('out', type=Path)
    ap.add_argument('--timeout', type=int, default=600)
    a = ap.parse_args()
    boot(a.image, a.vmlinuz, a.initrd, a.out, a.timeout)


if __name__ == '__main__':
    main()
