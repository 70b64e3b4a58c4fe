#!/usr/bin/env python3
"""Check that a client drew and animates between two screendumps.

  ppmchange.py [--min-content N] [--min-changed N] FIRST.ppm SECOND.ppm BACKGROUND...

BACKGROUND colours (RRGGBB) are the desktop's own. The client's content is every pixel of
FIRST that is none of them: there must be at least --min-content (default 20000). Between the
two screendumps at least --min-changed pixels (default 100) must differ, all inside the
bounding box of the non-background pixels of either (the client moved or redrew; nothing
else did). Prints one summary line; exit status 0 if all holds, 1 if not, 2 for bad input.
"""
import argparse
import re
import sys

from ppmcmp import BadImage, read_ppm

PIXEL = re.compile(rb'(?s)...')


def content_box(w, h, pix, bg):
    """(pixels that are not background, bounding box (x0, y0, x1, y1) or None)."""
    count, box = 0, None
    for y in range(h):
        row = PIXEL.findall(pix[y * w * 3:(y + 1) * w * 3])
        xs = [x for x, p in enumerate(row) if p not in bg]
        if xs:
            count += len(xs)
            box = (min(xs), y, max(xs), y) if box is None else \
                (min(box[0], xs[0]), box[1], max(box[2], xs[-1]), y)
    return count, box


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--min-content', type=int, default=20000)
    ap.add_argument('--min-changed', type=int, default=100)
    ap.add_argument('first')
    ap.add_argument('second')
    ap.add_argument('background', nargs='+')
    a = ap.parse_args(argv)
    try:
        w, h, pa = read_ppm(a.first)
        w2, h2, pb = read_ppm(a.second)
        bg = {bytes.fromhex(c) for c in a.background}
    except (BadImage, ValueError) as e:
        print(f'ppmchange: {e}')
        return 2
    if (w, h) != (w2, h2):
        print(f'size changed: {w}x{h} then {w2}x{h2}')
        return 1
    content, box_a = content_box(w, h, pa, bg)
    _, box_b = content_box(w, h, pb, bg)
    boxes = [b for b in (box_a, box_b) if b]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
           max(b[3] for b in boxes)) if boxes else None
    changed = outside = 0
    for y in range(h):
        ra, rb = pa[y * w * 3:(y + 1) * w * 3], pb[y * w * 3:(y + 1) * w * 3]
        if ra == rb:
            continue
        for x, (p, q) in enumerate(zip(PIXEL.findall(ra), PIXEL.findall(rb))):
            if p != q:
                changed += 1
                outside += not (box and box[0] <= x <= box[2] and box[1] <= y <= box[3])
    ok = content >= a.min_content and changed >= a.min_changed and not outside
    where = f'({box[0]},{box[1]})-({box[2]},{box[3]})' if box else 'nowhere'
    print(f'{w}x{h}: client content {content} px in {where}, {changed} px changed between '
          f'the screendumps, {outside} of them outside the client'
          + ('' if ok else f' (want >= {a.min_content} content, >= {a.min_changed} changed, '
                           f'0 outside)'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
