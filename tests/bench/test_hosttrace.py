#!/usr/bin/env python3
"""Host-only checks of hosttrace.py (the benchmark's figures from QEMU's trace): a flush
covering a call's square counts from the call, one queued before the call or not covering
it does not, a call never flushed is lost, and flushes are counted per test.
Run: python3 tests/bench/test_hosttrace.py"""
import sys
import unittest
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'vm'))
import hosttrace  # noqa: E402
from test_vmrun import run_tests  # noqa: E402

BENCH = 'bench dirtyfb_ups 10.00 updates/s\n# mark 22 dirtyfb\n'
GPU, NINEP = '0x5600', '0x5700'


def line(t, event, args):
    return f'4242@{1000 + t:.6f}:{event} {args}'


def mark(t, v):
    return line(t, 'serial_write', f'write addr 0x07 val 0x{v:02x}')


def kick(t, vdev=GPU):
    return line(t, 'virtio_queue_notify', f'vdev {vdev} n 0 vq 0x7f00')


def flush(t, x, y, w, h):
    return line(t, 'virtio_gpu_cmd_res_flush', f'res 0x2, w {w}, h {h}, x {x}, y {y}')


def call(t, col, row):
    return [mark(t, 0x40 + col), mark(t, 0x80 + row)]


def figures(lines):
    return hosttrace.figures('\n'.join(lines) + '\n', BENCH)


class Figures(unittest.TestCase):
    def test_latency_to_covering_flush(self):
        figs = figures([mark(0, 0x16), *call(0.010, 1, 2), kick(0.012),
                        flush(0.013, 0, 0, 64, 64),        # does not cover (64, 128)
                        kick(0.014), flush(0.015, 0, 0, 256, 256),
                        mark(1.0, 0x0e)])
        self.assertEqual(figs['dirtyfb_to_host_p50_ms'], ('5.00', 'ms'))
        self.assertEqual(figs['dirtyfb_to_host_samples'][0], '1')
        self.assertEqual(figs['dirtyfb_to_host_lost'][0], '0')
        self.assertEqual(figs['dirtyfb_host_flushes_per_s'], ('2.00', 'flushes/s'))

    def test_flush_queued_before_the_call_does_not_count(self):
        figs = figures([mark(0, 0x16), kick(0.005), *call(0.010, 0, 0),
                        flush(0.011, 0, 0, 1920, 1080),     # kicked before the call
                        kick(0.020, NINEP),                 # another device's kick
                        flush(0.021, 0, 0, 1920, 1080),
                        kick(0.030), flush(0.031, 0, 0, 1920, 1080), mark(1.0, 0x0e)])
        self.assertEqual(figs['dirtyfb_to_host_p50_ms'], ('21.00', 'ms'))

    def test_call_never_flushed_is_lost(self):
        figs = figures([mark(0, 0x16), kick(0.001), flush(0.002, 0, 0, 64, 64),
                        *call(0.010, 3, 0), mark(1.0, 0x0e)])
        self.assertEqual(figs['dirtyfb_to_host_lost'][0], '1')
        self.assertNotIn('dirtyfb_to_host_p50_ms', figs)

    def test_flushes_outside_the_test_not_counted(self):
        figs = figures([kick(0), flush(0.001, 0, 0, 8, 8), mark(1, 0x16),
                        kick(1.1), flush(1.2, 0, 0, 8, 8), mark(2, 0x0e),
                        kick(2.1), flush(2.2, 0, 0, 8, 8)])
        self.assertEqual(figs['dirtyfb_host_flushes_per_s'], ('1.00', 'flushes/s'))
        self.assertNotIn('dirtyfb_to_host_samples', figs)

    def test_console_bytes_and_untimed_lines_ignored(self):
        figs = figures(['virtio_gpu_cmd_res_flush res 0x2, w 8, h 8, x 0, y 0',
                        line(0, 'serial_write', 'write addr 0x00 val 0x41'),
                        mark(0.5, 0x16), mark(1.0, 0x0e)])
        self.assertEqual(figs, {'dirtyfb_host_flushes_per_s': ('0.00', 'flushes/s')})


if __name__ == '__main__':
    run_tests(__name__, 'hosttrace')
