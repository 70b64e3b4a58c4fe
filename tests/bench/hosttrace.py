"""Host-side display figures from QEMU's trace of a kmsbench -H run (see kmsbench.c).

QEMU runs with -msg timestamp=on and traces serial_write (kmsbench's markers in COM1's
scratch register), virtio_gpu_cmd_res_flush (a RESOURCE_FLUSH the host processed) and
virtio_queue_notify (the guest's kicks), each line stamped with the host's clock. Per test T:
  T_host_flushes_per_s   RESOURCE_FLUSH commands the host processed per second of the test
  T_to_host_p50_ms, T_to_host_p99_ms, T_to_host_max_ms, T_to_host_samples
                         damage tests: from a sampled call (its marker) to the first flush
                         the host processed whose rectangle covers the call's square and
                         whose queue notification came after the call (a flush queued
                         before the call cannot carry its damage)
  T_to_host_lost         sampled calls that no such flush followed by the end of the trace
"""
import bisect
import itertools
import re

import vmrun  # tests/vm: its callers put it on sys.path

LINE = re.compile(r'\d+@(\d+\.\d+):(\S+) ?(.*)')
FLUSH = re.compile(r'res 0x[0-9a-f]+, w (\d+), h (\d+), x (\d+), y (\d+)')
MARK = re.compile(r'write addr 0x07 val 0x([0-9a-f]+)')
NOTIFY = re.compile(r'vdev (\S+) n (\d+)')
BENCH_MARK = re.compile(r'# mark (\d+) (\S+)')
REGION = 64		# kmsbench's damaged square
MARK_END, MARK_BEGIN, MARK_COL, MARK_ROW = 0x0e, 0x10, 0x40, 0x80


def events(text):
    """(host seconds, event, arguments) of every timestamped line."""
    for line in text.splitlines():
        m = LINE.fullmatch(line)
        if m:
            yield float(m[1]), m[2], m[3]


def gpu_queue(evs):
    """(vdev, '0'): the GPU's control queue, found by vmrun.GpuVote."""
    vote = vmrun.GpuVote()
    for _, ev, args in evs:
        m = ev == 'virtio_queue_notify' and NOTIFY.match(args)
        vote.event(ev, m[1] if m else None)
    gpu = vote.gpu()
    return gpu and (gpu, '0')


def pct(sorted_values, p):
    """Nearest-rank percentile, as kmsbench computes its own."""
    n = len(sorted_values)
    return sorted_values[min(n - 1, int(p / 100 * n))]


def figures(trace_text, bench_text):
    """{name: (value, unit)} from a trace and the kmsbench output that made it."""
    names = {int(m[1]): m[2].replace('-', '_') for m in BENCH_MARK.finditer(bench_text)}
    evs = list(events(trace_text))
    gpu = gpu_queue(evs)
    flushes, tests, calls = [], [], []   # (t, rect, kick); (name, t0, t1); (test, t, x, y)
    kick, test, col = 0.0, None, None
    for t, ev, args in evs:
        if ev == 'virtio_queue_notify':
            m = NOTIFY.match(args)
            if m and (m[1], m[2]) == gpu:
                kick = t
        elif ev == 'virtio_gpu_cmd_res_flush':
            m = FLUSH.match(args)
            if m:
                w, h, x, y = map(int, m.groups())
                flushes.append((t, (x, y, x + w, y + h), kick))
        elif ev == 'serial_write':
            m = MARK.match(args)
            v = int(m[1], 16) if m else None
            if v is None:
                continue
            if v == MARK_END and test:
                tests.append((test[0], test[1], t))
                test = None
            elif MARK_BEGIN <= v < MARK_COL:
                test = (names.get(v, f'test{v - MARK_BEGIN}'), t)
            elif MARK_COL <= v < MARK_ROW:
                col = (t, v - MARK_COL)
            elif v >= MARK_ROW and col and test:
                calls.append((test[0], col[0], col[1] * REGION, (v - MARK_ROW) * REGION))
                col = None
    flushes.sort()   # the vCPU and main-loop threads' lines can interleave slightly
    times = [f[0] for f in flushes]
    figs = {}
    for name, t0, t1 in tests:
        n = bisect.bisect_right(times, t1) - bisect.bisect_left(times, t0)
        figs[f'{name}_host_flushes_per_s'] = (f'{n / (t1 - t0):.2f}' if t1 > t0 else '0.00',
                                              'flushes/s')
        lat, lost = [], 0
        for test_name, tc, x, y in calls:
            if test_name != name:
                continue
            d = to_host(flushes, bisect.bisect_left(times, tc), tc, x, y)
            if d is None:
                lost += 1
            else:
                lat.append(d * 1000)
        if lat or lost:
            lat.sort()
            if lat:
                figs[f'{name}_to_host_p50_ms'] = (f'{pct(lat, 50):.2f}', 'ms')
                figs[f'{name}_to_host_p99_ms'] = (f'{pct(lat, 99):.2f}', 'ms')
                figs[f'{name}_to_host_max_ms'] = (f'{lat[-1]:.2f}', 'ms')
            figs[f'{name}_to_host_samples'] = (f'{len(lat)}', 'calls')
            figs[f'{name}_to_host_lost'] = (f'{lost}', 'calls')
    return figs


def to_host(flushes, first, tc, x, y):
    """Seconds from a call at tc damaging the square at x, y to the first flush (from
    flushes[first] on, the first processed after tc) that carries it, or None."""
    for t, (x0, y0, x1, y1), kick in itertools.islice(flushes, first, None):
        if kick >= tc and x0 <= x and y0 <= y and x + REGION <= x1 and y + REGION <= y1:
            return t - tc
    return None
