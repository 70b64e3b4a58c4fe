#!/usr/bin/env python3
"""Host tests of vgpu-kmstest (its `selftest`: encoders, CVT, pattern) and of ppmcmp.py
against images made by vgpu-kmstest's `pattern` command. No DRM device needed.

  test_kmstest.py build/vgpu-kmstest

Prints PASS/FAIL lines and "N passed, N failed"; exit status 1 if anything failed.
"""
import io
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ppmcmp  # noqa: E402

results = []


def check(name, ok, detail=''):
    results.append(ok)
    print(f'{"PASS" if ok else "FAIL"} ppmcmp/{name}' + (f': {detail}' if detail and not ok
                                                          else ''))


def run(*args, **kw):
    buf = io.StringIO()
    with redirect_stdout(buf):
        try:
            rc = ppmcmp.compare(*args, **kw)
        except ppmcmp.BadImage as e:
            print(e)
            rc = 2
    return rc, buf.getvalue()


def main():
    tool = sys.argv[1]
    tmp = Path(tempfile.mkdtemp(prefix='ppmcmp-'))

    p = subprocess.run([tool, 'selftest'], stdout=subprocess.PIPE, text=True)
    for line in p.stdout.splitlines():
        if line.startswith(('PASS ', 'FAIL ')):
            results.append(line.startswith('PASS '))
            print(line.replace(' ', ' kmstest/', 1))
    check('selftest-exit-status', p.returncode == 0, f'exit {p.returncode}')

    def pattern(size, seed):
        out = tmp / f'p-{size}-{seed}.ppm'
        subprocess.run([tool, 'pattern', size, str(seed), str(out)], check=True)
        return str(out)

    a = pattern('1001x701', 0)
    rc, out = run(a, pattern('1001x701', 0))
    check('identical', rc == 0 and 'identical' in out, out)

    rc, out = run(a, a, perturb=(1000, 700))
    check('one-pixel-corner', rc == 1 and out.startswith('1001x701: 1 pixels differ') and
          'x 1000..1000 y 700..700' in out and '(1000,700)' in out, out)

    rc, out = run(a, a, perturb=(0, 0))
    check('one-pixel-origin', rc == 1 and '(0,0) screen #ffff00 want #0000ff' in out, out)

    t0 = time.monotonic()
    b = pattern('1001x701', 1)
    rc, out = run(a, b, diff=str(tmp / 'diff.png'))
    dt = time.monotonic() - t0
    check('other-seed', rc == 1 and 'x 1..999 y 1..699' in out, out)
    check('diff-png', (tmp / 'diff.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n')
    print(f'     (full-image difference with PNG diff: {dt:.2f} s on the host)')

    rc, out = run(a, pattern('1000x701', 0))
    check('size-mismatch', rc == 1 and 'size mismatch: screen 1001x701, expected 1000x701'
          in out, out)

    # R and B swapped everywhere: the hint names the order.
    w, h, pix = ppmcmp.read_ppm(a)
    swapped = bytearray(pix)
    swapped[0::3], swapped[2::3] = pix[2::3], pix[0::3]
    sw = tmp / 'swapped.ppm'
    sw.write_bytes(b'P6\n%d %d\n255\n' % (w, h) + bytes(swapped))
    rc, out = run(str(sw), a, diff=str(tmp / 'diff.ppm'))
    check('channel-swap-hint', rc == 1 and 'channels in BGR order' in out, out)
    dw, dh, dpix = ppmcmp.read_ppm(str(tmp / 'diff.ppm'))
    check('diff-ppm', (dw, dh) == (w, h) and dpix[3 * (w * 1 + 1):3 * (w * 1 + 1) + 3] ==
          bytes([255, 0, 0]))

    # Comments in the header, as some tools write them.
    c = tmp / 'comment.ppm'
    c.write_bytes(b'P6\n# made by hand\n%d %d\n255\n' % (w, h) + pix)
    rc, out = run(str(c), a)
    check('header-comment', rc == 0, out)

    # QEMU 7.2 pads screendump rows to 4 bytes: 1001 * 3 = 3003 -> 3004.
    q = tmp / 'qemu-padded.ppm'
    q.write_bytes(b'P6\n%d %d\n255\n' % (w, h) +
                  b''.join(pix[y * w * 3:(y + 1) * w * 3] + b'\x99' for y in range(h)))
    rc, out = run(str(q), a)
    check('qemu-row-padding', rc == 0 and 'rows padded to 3004 bytes' in out, out)

    bad = tmp / 'bad.ppm'
    bad.write_bytes(b'P3\n1 1\n255\n0 0 0\n')
    rc, out = run(str(bad), a)
    check('not-p6', rc == 2 and 'not a binary PPM' in out, out)
    bad.write_bytes(b'P6\n2 2\n255\n\0\0\0')
    rc, out = run(str(bad), a)
    check('truncated', rc == 2 and 'pixel bytes' in out, out)

    # The command line: exit status and first line.
    p = subprocess.run([sys.executable, str(HERE / 'ppmcmp.py'), '--perturb', '5,6', a, a],
                       stdout=subprocess.PIPE, text=True)
    check('cli-exit-status', p.returncode == 1 and
          p.stdout.splitlines()[0].startswith('1001x701: 1 pixels differ'), p.stdout)

    # ppmcolors.py: a two-colour image with a known split, counted exactly.
    two = tmp / 'two.ppm'
    two.write_bytes(b'P6\n4 3\n255\n' + b'\xff\xff\xff' * 5 + b'\0\0\0' * 7)
    p = subprocess.run([sys.executable, '-S', str(HERE / 'ppmcolors.py'), str(two)],
                       stdout=subprocess.PIPE, text=True)
    check('colours-count', p.returncode == 0 and
          p.stdout.strip() == 'colours 2: 000000 7, ffffff 5', p.stdout)
    p = subprocess.run([sys.executable, '-S', str(HERE / 'ppmcolors.py'), '--top', '1', a],
                       stdout=subprocess.PIPE, text=True)
    check('colours-top', p.returncode == 0 and p.stdout.count(',') == 0 and
          int(p.stdout.split()[1].rstrip(':')) > 2, p.stdout)

    # ppmtext.py: a 4x2-cell "console" (8x4 cells) with ink in cells (0,1) and (0,2).
    def console(ink_cells):
        cw, ch, w, h = 8, 4, 32, 8
        pix = bytearray(b'\x10\x10\x10' * w * h)
        for row, col in ink_cells:
            o = ((row * ch + 1) * w + col * cw + 2) * 3
            pix[o:o + 3] = b'\xaa\xaa\xaa'
        f = tmp / 'console.ppm'
        f.write_bytes(b'P6\n%d %d\n255\n' % (w, h) + bytes(pix))
        return subprocess.run([sys.executable, '-S', str(HERE / 'ppmtext.py'), str(f), '8',
                               '4', '0:1:2'], stdout=subprocess.PIPE, text=True)
    p = console([(0, 1), (0, 2)])
    check('text-where-expected', p.returncode == 0 and '2/2 text cells drawn' in p.stdout,
          p.stdout)
    p = console([(0, 1)])
    check('text-blank-cell', p.returncode == 1 and 'blank: 0,2' in p.stdout, p.stdout)
    p = console([(0, 1), (0, 2), (1, 3)])
    check('text-stray-ink', p.returncode == 1 and 'drawn outside the text' in p.stdout,
          p.stdout)

    # ppmchange.py: a 200x200 "client" on a 400x300 desktop, moved or redrawn between shots.
    def desktop(name, client_at, ball_at):
        w, h = 400, 300
        pix = bytearray(b'\x20\x40\x80' * w * h)
        for y in range(client_at[1], client_at[1] + 200):
            o = (y * w + client_at[0]) * 3
            pix[o:o + 600] = b'\xf0\xf0\xf0' * 200
        for y in range(ball_at[1], ball_at[1] + 20):
            o = (y * w + ball_at[0]) * 3
            pix[o:o + 60] = b'\xc0\x00\x00' * 20
        f = tmp / f'{name}.ppm'
        f.write_bytes(b'P6\n%d %d\n255\n' % (w, h) + bytes(pix))
        return str(f)

    def change(a, b, *extra):
        return subprocess.run([sys.executable, '-S', str(HERE / 'ppmchange.py'), *extra, a, b,
                               '204080'], stdout=subprocess.PIPE, text=True)
    d1 = desktop('d1', (50, 50), (60, 60))
    p = change(d1, desktop('d2', (50, 50), (150, 150)))
    check('client-animates', p.returncode == 0 and '0 of them outside' in p.stdout, p.stdout)
    p = change(d1, d1)
    check('client-frozen', p.returncode == 1 and '0 px changed' in p.stdout, p.stdout)
    p = change(d1, desktop('d3', (50, 50), (60, 60)), '--min-content', '50000')
    check('client-too-small', p.returncode == 1, p.stdout)

    passed = sum(results)
    print(f'{passed} passed, {len(results) - passed} failed')
    shutil.rmtree(tmp)
    sys.exit(0 if passed == len(results) else 1)


if __name__ == '__main__':
    main()
