#!/usr/bin/env python3
"""Host-only checks of diskboot.py's pixel judgement (tests/deb/test-diskimage.sh): the
guest's pattern passes exactly, also from QEMU 7.2's padded rows, and a black screen, one
wrong pixel or another size fail. Run: python3 tests/deb/test_diskboot.py"""
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'vm'))
import diskboot  # noqa: E402
from test_vmrun import run_tests  # noqa: E402


def ppm(w, h, pixel, pad=0):
    rows = (bytes(c for x in range(w) for c in pixel(x, y)) + bytes(pad) for y in range(h))
    return f'P6\n{w} {h}\n255\n'.encode() + b''.join(rows)


class Pattern(unittest.TestCase):
    def judge(self, data, w, h):
        with tempfile.NamedTemporaryFile(suffix='.ppm') as f:
            f.write(data)
            f.flush()
            return diskboot.check_pattern(f.name, w, h)

    def test_pattern_passes(self):
        ok, why = self.judge(ppm(300, 260, diskboot.pattern_pixel), 300, 260)
        self.assertTrue(ok, why)

    def test_padded_rows_pass(self):
        # 301 * 3 = 903 bytes a row, QEMU 7.2 pads them to 904
        ok, why = self.judge(ppm(301, 20, diskboot.pattern_pixel, pad=1), 301, 20)
        self.assertTrue(ok, why)

    def test_black_fails(self):
        ok, why = self.judge(ppm(300, 260, lambda x, y: (0, 0, 0)), 300, 260)
        self.assertFalse(ok)
        self.assertIn('pixels differ', why)

    def test_one_pixel_fails(self):
        def pixel(x, y):
            r, g, b = diskboot.pattern_pixel(x, y)
            return (r, g, b ^ 1) if (x, y) == (299, 259) else (r, g, b)
        ok, why = self.judge(ppm(300, 260, pixel), 300, 260)
        self.assertFalse(ok)
        self.assertIn('1 of 78000 pixels differ, first (299,259)', why)

    def test_other_size_fails(self):
        ok, why = self.judge(ppm(300, 260, diskboot.pattern_pixel), 1024, 768)
        self.assertFalse(ok)
        self.assertIn('want 1024x768', why)


if __name__ == '__main__':
    run_tests(__name__, 'diskboot')
