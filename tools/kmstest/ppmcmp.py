#!/usr/bin/env python3
"""Compare a screendump with the expected image, pixel for pixel.

  ppmcmp.py [--diff OUT.png|OUT.ppm] [--max N] [--perturb X,Y] ACTUAL.ppm EXPECTED.ppm

Both are binary PPMs (P6, maxval 255). The first line of output is a one-line summary (what
a test puts in its RESULT detail); then, on a difference, the bounding box of the differing
pixels, a hint if every difference is a channel permutation, and the first N differences with
coordinates and both values. Exit status: 0 identical, 1 different (or size mismatch),
2 unreadable input.

--diff writes an image of the expected picture dimmed to a quarter, with every differing
pixel in bright red (PNG or PPM by the file name). --perturb flips one expected pixel before
comparing: a check that a single wrong pixel is caught.

Python 3 standard library only; the whole-image work runs in C (bytes, int and re), so even
a fully different 1920x1080 image takes well under a second under TCG.
"""
import re
import sys
import zlib
from itertools import permutations

HEADER = re.compile(rb'P6(?:\s+|#[^\n]*\n)+(\d+)(?:\s+|#[^\n]*\n)+(\d+)'
                    rb'(?:\s+|#[^\n]*\n)+(\d+)\s')


class BadImage(Exception):
    pass


def read_ppm(path, notes=None):
    """(width, height, RGB bytes) of a binary 8-bit PPM.

    QEMU 7.2's screendump (ui/console.c ppm_save) writes each row with the stride of its
    pixman line buffer, i.e. padded to a multiple of 4 bytes: a 1001-pixel-wide dump has
    3004 bytes per row, not 3003. Such a file is accepted, the padding dropped, and a note
    appended to `notes`.
    """
    try:
        data = open(path, 'rb').read()
    except OSError as e:
        raise BadImage(f'{path}: {e.strerror}') from None
    m = HEADER.match(data)
    if not m:
        raise BadImage(f'{path}: not a binary PPM (P6)')
    w, h, maxval = (int(g) for g in m.groups())
    if maxval != 255:
        raise BadImage(f'{path}: maxval {maxval}, want 255')
    pix = data[m.end():]
    row = w * 3
    padded = (row + 3) & ~3
    if len(pix) == row * h:
        return w, h, pix
    if padded != row and len(pix) == padded * h:
        if notes is not None:
            notes.append(f'rows padded to {padded} bytes (QEMU 7.2 screendump), '
                         'padding ignored')
        return w, h, b''.join(pix[y * padded:y * padded + row] for y in range(h))
    raise BadImage(f'{path}: {len(pix)} pixel bytes, want {row * h} for {w}x{h}')


def write_png(path, w, h, rgb):
    def chunk(kind, body):
        return (len(body).to_bytes(4, 'big') + kind + body +
                zlib.crc32(kind + body).to_bytes(4, 'big'))
    stride = w * 3
    raw = b''.join(b'\0' + rgb[y * stride:(y + 1) * stride] for y in range(h))
    ihdr = w.to_bytes(4, 'big') + h.to_bytes(4, 'big') + bytes([8, 2, 0, 0, 0])
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
                chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))


def write_image(path, w, h, rgb):
    if path.lower().endswith('.png'):
        write_png(path, w, h, rgb)
    else:
        with open(path, 'wb') as f:
            f.write(b'P6\n%d %d\n255\n' % (w, h) + rgb)


def big(b):
    return int.from_bytes(b, 'little')


def diff_mask(a, b, n):
    """One byte per pixel: non-zero where the pixels of a and b differ."""
    x = (big(a) ^ big(b)).to_bytes(3 * n, 'little')
    return (big(x[0::3]) | big(x[1::3]) | big(x[2::3])).to_bytes(n, 'little')


NONZERO = bytes([0] + [255] * 255)
QUARTER = bytes(v // 4 for v in range(256))
CHANNELS = 'RGB'


def permutation_hint(got, want, idx):
    """A channel order p with got == want[p] for every sampled differing pixel, if any."""
    for p in permutations(range(3)):
        if p == (0, 1, 2):
            continue
        if all(tuple(got[i * 3 + k] for k in range(3)) ==
               tuple(want[i * 3 + p[k]] for k in range(3)) for i in idx):
            return ''.join(CHANNELS[k] for k in p)
    return None


def compare(actual, expected, diff=None, max_report=10, perturb=None, out=print):
    """Print the report; return 0 if identical, 1 if not."""
    notes = []
    aw, ah, got = read_ppm(actual, notes)
    ew, eh, want = read_ppm(expected, notes)
    note = f' ({"; ".join(notes)})' if notes else ''
    if perturb:
        x, y = perturb
        if not (0 <= x < ew and 0 <= y < eh):
            raise BadImage(f'--perturb {x},{y} is outside {ew}x{eh}')
        i = (y * ew + x) * 3
        want = want[:i] + bytes(v ^ 0xff for v in want[i:i + 3]) + want[i + 3:]
    if (aw, ah) != (ew, eh):
        out(f'size mismatch: screen {aw}x{ah}, expected {ew}x{eh}{note}')
        return 1
    if got == want:
        out(f'{aw}x{ah}: identical{note}')
        return 0

    n = aw * ah
    mask = diff_mask(got, want, n)
    ndiff = n - mask.count(0)
    rows = [y for y in range(ah) if mask[y * aw:(y + 1) * aw].strip(b'\0')]
    x0 = min(len(r) - len(r.lstrip(b'\0')) for r in
             (mask[y * aw:(y + 1) * aw] for y in rows))
    x1 = max(len(r.rstrip(b'\0')) for r in (mask[y * aw:(y + 1) * aw] for y in rows)) - 1
    first = [m.start() for m, _ in zip(re.finditer(rb'[^\0]', mask), range(max(max_report, 1000)))]

    def px(buf, i):
        return '#%02x%02x%02x' % (buf[i * 3], buf[i * 3 + 1], buf[i * 3 + 2])
    i = first[0]
    out(f'{aw}x{ah}: {ndiff} pixels differ ({100.0 * ndiff / n:.2f}%) in '
        f'x {x0}..{x1} y {rows[0]}..{rows[-1]}; first ({i % aw},{i // aw}) '
        f'screen {px(got, i)} want {px(want, i)}{note}')
    hint = permutation_hint(got, want, first)
    if hint:
        out(f'hint: the first {len(first)} differing pixels are the expected '
            f'ones with channels in {hint} order (R,G,B shown as {hint})')
    for i in first[:max_report]:
        out(f'  ({i % aw},{i // aw}) screen {px(got, i)} want {px(want, i)}')
    if ndiff > max_report:
        out(f'  ... {ndiff - max_report} more')
    if diff:
        red = mask.translate(NONZERO)
        keep = (~big(red)) & ((1 << (8 * n)) - 1)
        img = bytearray(3 * n)
        img[0::3] = (big(want[0::3].translate(QUARTER)) | big(red)).to_bytes(n, 'little')
        img[1::3] = (big(want[1::3].translate(QUARTER)) & keep).to_bytes(n, 'little')
        img[2::3] = (big(want[2::3].translate(QUARTER)) & keep).to_bytes(n, 'little')
        write_image(diff, aw, ah, bytes(img))
        out(f'diff image: {diff}')
    return 1


def main(argv):
    # Hand-rolled parsing: argparse alone takes a noticeable time to import under TCG.
    usage = __doc__.split('\n')[2].strip()
    opts = {'--diff': None, '--max': '10', '--perturb': None}
    files = []
    args = iter(argv)
    for a in args:
        if a in ('-h', '--help'):
            print(__doc__)
            return 0
        if a in opts:
            opts[a] = next(args, None)
            if opts[a] is None:
                print(f'{a} needs a value\nusage: {usage}', file=sys.stderr)
                return 2
        elif a.startswith('-'):
            print(f'unknown option {a}\nusage: {usage}', file=sys.stderr)
            return 2
        else:
            files.append(a)
    try:
        if len(files) != 2:
            raise ValueError('want ACTUAL and EXPECTED')
        limit = int(opts['--max'])
        perturb = None
        if opts['--perturb']:
            perturb = tuple(int(v) for v in opts['--perturb'].split(','))
            if len(perturb) != 2:
                raise ValueError('--perturb wants X,Y')
    except ValueError as e:
        print(f'{e}\nusage: {usage}', file=sys.stderr)
        return 2
    try:
        return compare(files[0], files[1], opts['--diff'], limit, perturb)
    except BadImage as e:
        print(f'unreadable image: {e}')
        return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
