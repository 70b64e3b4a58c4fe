#!/usr/bin/env python3
"""Check where text is on a screendump of a text console.

  ppmtext.py IMAGE.ppm CELL_W CELL_H ROW:COL:LEN...

The background is the screen's most frequent colour. Each ROW:COL:LEN names a run of LEN
non-blank characters at text row ROW, column COL (0-based cells of CELL_W x CELL_H pixels).
Every cell of a run must hold at least one pixel that is not background (a glyph was drawn),
and every pixel outside the runs must be background (nothing else was). Prints one summary
line; exit status 0 if both hold, 1 if not, 2 for unreadable input or bad arguments.
"""
import re
import sys

from ppmcmp import BadImage, read_ppm
from ppmcolors import colours


def check(w, h, pix, cw, ch, runs):
    bg = colours(pix).most_common(1)[0][0]
    inside = set()
    for row, col, n in runs:
        for c in range(col, col + n):
            inside.add((row, c))
    blank_cells, stray = [], []
    for row, c in sorted(inside):
        x0, y0 = c * cw, row * ch
        if x0 + cw > w or y0 + ch > h:
            return f'cell {row},{c} is off the {w}x{h} screen', False
        ink = any(pix[((y0 + y) * w + x0) * 3:((y0 + y) * w + x0 + cw) * 3] != bg * cw
                  for y in range(ch))
        if not ink:
            blank_cells.append(f'{row},{c}')
    for y in range(h):
        line = pix[y * w * 3:(y + 1) * w * 3]
        if line == bg * w:
            continue
        for x in range(w):
            if line[x * 3:x * 3 + 3] != bg and (y // ch, x // cw) not in inside:
                stray.append(f'({x},{y})')
                break
    ok = not blank_cells and not stray
    summary = (f'{w}x{h}, {cw}x{ch} cells, background #{bg.hex()}: '
               f'{len(inside) - len(blank_cells)}/{len(inside)} text cells drawn')
    if blank_cells:
        summary += '; blank: ' + ' '.join(blank_cells[:8])
    if stray:
        summary += f'; drawn outside the text on {len(stray)} rows, first ' + ' '.join(stray[:4])
    return summary, ok


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip().split('\n')[2].strip())
        return 2
    try:
        w, h, pix = read_ppm(argv[0])
        cw, ch = int(argv[1]), int(argv[2])
        runs = [tuple(int(v) for v in re.fullmatch(r'(\d+):(\d+):(\d+)', r).groups())
                for r in argv[3:]]
    except (BadImage, ValueError, AttributeError) as e:
        print(f'ppmtext: {e or "bad ROW:COL:LEN"}')
        return 2
    summary, ok = check(w, h, pix, cw, ch, runs)
    print(summary)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
