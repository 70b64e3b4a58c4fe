#!/usr/bin/env python3
"""Count the colours of a screendump.

  ppmcolors.py [--top N] IMAGE.ppm

Prints one line: "colours K: RRGGBB COUNT, ..." with the N (default 8) most frequent colours,
most frequent first. For screens whose exact content is not known in advance (drm_panic's
message), a test can still check which colours appear and how much of each. Exit status:
0, or 2 for unreadable input.
"""
import re
import sys
from collections import Counter

from ppmcmp import BadImage, read_ppm

PIXEL = re.compile(rb'(?s)...')


def colours(rgb):
    """Counter of 3-byte pixels; the splitting and counting run in C."""
    return Counter(PIXEL.findall(rgb))


def main(argv):
    top = 8
    if len(argv) == 3 and argv[0] == '--top':
        top = int(argv[1])
        argv = argv[2:]
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        _, _, rgb = read_ppm(argv[0])
    except (OSError, BadImage) as e:
        print(f'unreadable: {e}')
        return 2
    hist = colours(rgb)
    most = ', '.join(f'{c.hex()} {n}' for c, n in hist.most_common(top))
    print(f'colours {len(hist)}: {most}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
