#!/usr/bin/env python3
"""Display and 3D benchmarks: boot a guest per driver and kernel, run them, print a table.

  tests/bench/run.py [--suite kms|3d|desktop] [--kernels newest|all|6.1,6.12|KVER]
                     [--drivers ours,intree] [--seconds 5] [--mode 1920x1080]
                     [--tests flip,full,...] [--outputs N] [--repeat N] [--host-cpu]
                     [--no-display] [--rate N]
                     [--out DIR]

--suite 3d (ours and intree only) boots virtio-gpu-gl-pci with QEMU's GL display on Xvfb and
runs tests/guest/bench-3d.sh: tests/bench/build/gpubench (EXECBUFFER round trips with a fence
wait, fence latency, EXECBUFFER + WAIT, resource create+destroy) and glmark2-es2-drm's score.
--suite desktop (ours and intree only) boots virtio-gpu-pci at --mode and runs
tests/guest/bench-desktop.sh: x11perf under Xorg modesetting (AccelMethod none) and the frame
rates of weston-simple-shm and weston-simple-damage under Weston (DRM backend), each client
for SECONDS (see the script for how each figure is measured).
The rest of this text is about the default, --suite kms.

Each boot: -device virtio-gpu-pci,xres=W,yres=H (ours, intree) or QEMU's std VGA / VMware
SVGA for qemuvga.ko and the in-tree bochs (see VARIANTS), and tests/guest/bench.sh, which runs
tests/bench/build/kmsbench (built here first with make -C tests/bench) for SECONDS per
benchmark. The figures ("bench <name> <value> <unit>", see kmsbench.c) are tabulated side by
side, one column per kernel/driver (with --repeat N: the median of N boots, interleaved).
Other guests share this host's CPUs: the figures move with the host load (a row shows it),
so compare columns of one invocation, and prefer --repeat 3. This is not a test: no figure passes or fails. The exit
status is 1 only if a benchmark run itself failed (kmsbench error, guest crash or timeout,
kernel warning); a driver without KMS yet shows "no KMS", one that is not built "not built".
On virtio-gpu, QEMU also traces kmsbench's host markers and the RESOURCE_FLUSH commands it
processes, host-stamped: tests/bench/hosttrace.py adds the flushes the host processed per
second of each test and, for the damage tests, the time from a call to the host's flush that
carries its damage (T_host_flushes_per_s, T_to_host_p50_ms/_p99_ms/_max_ms).
With --host-cpu QEMU gets an SDL window (on Xvfb), so its display refreshes as it would for
a user, and each benchmark also reports QEMU's own CPU use meanwhile (bench.sh hostcpu=1):
the cost of an update on the host side, where the guest figures cannot see it.
--no-display keeps --host-cpu's figures but not its window: the host's cost of the device
alone.
Results: tests/out/bench-<time>/<kernel>/<driver>/ (bench.txt, script.log, ...) and table.txt.
"""
import argparse
import datetime
import json
import signal
import statistics
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
BENCH = Path(__file__).resolve().parent
TREE = BENCH.parent.parent
sys.path.insert(0, str(TREE / 'tests/vm'))
import hosttrace  # noqa: E402
import suite  # noqa: E402  (kernel selection, shared with the guest suite)
import vmrun  # noqa: E402

# QEMU's side of kmsbench -H (hosttrace.py): its markers, the flushes and kicks, host-stamped.
HOST_TRACE = ('-msg timestamp=on -trace enable=serial_write -trace enable=virtio_queue_notify '
              '-trace enable=virtio_gpu_cmd_res_flush -trace file={results}/trace.log')


def pick_kernels(spec):
    if spec == 'newest':
        return suite.select_kernels('all')[-1:]
    return suite.select_kernels(spec)


def parse_figures(path):
    """{name: (value, unit)} in file order, from "bench NAME VALUE UNIT" lines."""
    figs = {}
    if path.exists():
        for line in path.read_text(errors='replace').splitlines():
            f = line.split()
            if len(f) == 4 and f[0] == 'bench':
                figs[f[1]] = (f[2], f[3])
    return figs


# What each --drivers name boots: QEMU display device, harness driver, module to load
# (bench.sh load=), kernel command line. The qemuvga ones keep the in-tree drivers for the
# same PCI IDs from binding first.
VARIANTS = {
    'ours': dict(vga='none', driver='ours', ko='virtgpu.ko'),
    'intree': dict(vga='none', driver='intree'),
    'qemuvga-std': dict(vga='std', driver='ours', load='qemuvga', ko='qemuvga.ko',
                        append='modprobe.blacklist=bochs'),
    'bochs-std': dict(vga='std', driver='intree', load='modprobe:bochs'),
    'qemuvga-vmware-vbe': dict(vga='vmware', driver='ours', load='qemuvga:vmware_fifo=0',
                               ko='qemuvga.ko', append='modprobe.blacklist=vmwgfx'),
    'qemuvga-vmware-fifo': dict(vga='vmware', driver='ours', load='qemuvga:vmware_fifo=1',
                                ko='qemuvga.ko', append='modprobe.blacklist=vmwgfx'),
}


def run_one(kernel, driver, a, results):
    """Returns (status, figures, detail); status: ok, no KMS, not built, error."""
    v = VARIANTS[driver]
    ko = v.get('ko')
    if ko and not (TREE / 'build' / kernel / ko).exists():
        return 'not built', {}, f'build/{kernel}/{ko} missing (make KVER={kernel})'
    w, h = a.mode.split('x')
    if a.suite == '3d':
        return run_3d(kernel, v, a, results)
    if a.suite == 'desktop':
        return run_desktop(kernel, v, a, results)
    script = f'tests/guest/bench.sh seconds={a.seconds} mode={a.mode}'
    if a.tests:
        script += f' tests={a.tests}'
    if v.get('load'):
        script += f' load={v["load"]}'
    if a.host_cpu:
        script += ' hostcpu=1'
    if a.rate:
        script += f' rate={a.rate}'
    heads = f',max_outputs={a.outputs}' if a.outputs > 1 else ''
    virtio = v['vga'] == 'none'
    devices = [f'virtio-gpu-pci,xres={w},yres={h}{heads}'] if virtio else []
    s = vmrun.run(kernel=kernel, devices=devices, vga=v['vga'], driver=v['driver'],
                  script=script, results=results, label='bench',
                  append=v.get('append', ''), timeout=180 + 10 * a.seconds,
                  display='sdl' if a.host_cpu and not a.no_display else 'none',
                  extra_qemu=([HOST_TRACE] if virtio else []) +
                  (['-global', f'VGA.vgamem_mb={a.vgamem}'] if a.vgamem and v['vga'] == 'std'
                   else []))
    return judge(s, results, host_trace=virtio)


def run_3d(kernel, v, a, results):
    s = vmrun.run(kernel=kernel, devices=['virtio-gpu-gl-pci'], vga='none',
                  driver=v['driver'], script=f'tests/guest/bench-3d.sh seconds={a.seconds}',
                  results=results, label='bench-3d', timeout=1200 + 10 * a.seconds,
                  display='sdl,gl=on')
    return judge(s, results)


def run_desktop(kernel, v, a, results):
    w, h = a.mode.split('x')
    script = f'tests/guest/bench-desktop.sh seconds={a.seconds}'
    if a.tests:
        script += f' tests={a.tests}'
    s = vmrun.run(kernel=kernel, devices=[f'virtio-gpu-pci,xres={w},yres={h}'], vga='none',
                  driver=v['driver'], script=script, results=results, label='bench-desktop',
                  timeout=900 + 10 * a.seconds, display='sdl' if a.host_cpu else 'none')
    return judge(s, results)


def judge(s, results, host_trace=False):
    tests = {t['name']: t for t in s['tests']}
    # Other guests share the host's CPUs: its load (this guest included) says how noisy
    # the figures are.
    bench_txt, trace = results / 'bench.txt', results / 'trace.log'
    figs = {'host_load_1min': (open('/proc/loadavg').read().split()[0], 'loadavg'),
            **parse_figures(bench_txt)}
    if host_trace and trace.exists() and bench_txt.exists():
        figs.update(hosttrace.figures(trace.read_text(errors='replace'),
                                      bench_txt.read_text(errors='replace')))
    bench = tests.get('bench', {'status': 'FAIL', 'detail': 'no bench result'})
    failed = [f"{t['name']}: {t['detail']}" for t in s['tests'] if t['status'] == 'FAIL']
    if failed:
        return 'error', figs, '; '.join(failed)
    if bench['status'] == 'SKIP':
        return 'no KMS', figs, bench['detail'].removeprefix('no KMS: ')
    return 'ok', figs, ''


def combine(reps):
    """Repeats of one kernel/driver [(status, figures)] -> (status, figures): the median of
    each figure over the repeats that ran ("ok"); the first bad status otherwise."""
    good = [f for st, f in reps if st == 'ok']
    if not good:
        return reps[0]
    figs = {}
    for name, (_, unit) in good[0].items():
        vals = sorted(float(f[name][0]) for f in good if name in f)
        figs[name] = (f'{statistics.median(vals):.2f}', unit)
    bad = [st for st, _ in reps if st != 'ok']
    return (bad[0] + f' ({len(bad)}/{len(reps)})') if bad else 'ok', figs


def table(runs):
    """runs: [(column, status, figures)] -> text table, one row per figure."""
    names, units = [], {}
    for _, _, figs in runs:	# every column's order, a figure after its predecessor
        prev = None
        for n, (_, unit) in figs.items():
            if n not in units:
                names.insert(names.index(prev) + 1 if prev else len(names), n)
                units[n] = unit
            prev = n
    cols = [c for c, _, _ in runs]
    rows = [['', *cols, 'unit'], ['status', *[st for _, st, _ in runs], '']]
    for n in names:
        rows.append([n, *[figs[n][0] if n in figs else '-' for _, _, figs in runs], units[n]])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [r[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(r[1:-1], widths[1:-1])]
        out.append('  '.join(cells + [r[-1]]).rstrip())
    return '\n'.join(out) + '\n'


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--suite', choices=('kms', '3d', 'desktop'), default='kms',
                   help='kms: kmsbench on the display (default); 3d: gpubench and glmark2; '
                        'desktop: x11perf under Xorg, Weston clients')
    p.add_argument('--kernels', default='newest',
                   help='newest (default), all, or a comma list of series/releases')
    p.add_argument('--drivers', default='ours,intree',
                   help='comma list of ' + ', '.join(VARIANTS) + ' (default ours,intree)')
    p.add_argument('--seconds', type=int, default=5, help='per benchmark (default 5)')
    p.add_argument('--mode', default='1920x1080', help='WxH, also the device xres/yres')
    p.add_argument('--tests', help='kmsbench -T list (default: all but multi); with --suite '
                                   'desktop the x11perf tests (default scroll500,'
                                   'copywinwin500,rect100,ftext,putimage100)')
    p.add_argument('--outputs', type=int, default=1,
                   help='virtio-gpu scanouts (max_outputs), for kmsbench -T multi')
    p.add_argument('--vgamem', type=int,
                   help='std VGA video memory in MB (QEMU default 16: bochs then has no '
                        'room for two 1920x1080 buffers)')
    p.add_argument('--repeat', type=int, default=1,
                   help='boots per kernel/driver, interleaved; the table shows medians')
    p.add_argument('--host-cpu', action='store_true',
                   help="SDL display (Xvfb) and QEMU's own CPU use per benchmark")
    p.add_argument('--no-display', action='store_true',
                   help='with --host-cpu: no SDL window (the device alone)')
    p.add_argument('--rate', type=float,
                   help='at most N updates per second in every test (kmsbench -r): the '
                        'CPU per frame of drivers at the same frame rate')
    p.add_argument('--out', type=Path, help='results dir (default tests/out/bench-<time>)')
    a = p.parse_args()
    drivers = a.drivers.split(',')
    if not set(drivers) <= set(VARIANTS):
        p.error('--drivers: a comma list of ' + ', '.join(VARIANTS))
    if a.suite in ('3d', 'desktop') and not set(drivers) <= {'ours', 'intree'}:
        p.error(f'--suite {a.suite}: drivers ours and intree only')
    if subprocess.run(['make', '--no-print-directory', '-C', str(BENCH)],
                      stdout=sys.stderr).returncode:
        sys.exit('bench: building tests/bench failed')
    out = (a.out or TREE / 'tests/out' /
           datetime.datetime.now().strftime('bench-%Y%m%d-%H%M%S')).resolve()
    cols, reps, errors = [], {}, []
    kernels = pick_kernels(a.kernels)
    for r in range(a.repeat):	# interleaved, so every column sees similar host load
        for kernel in kernels:
            for driver in drivers:
                col = f'{kernel.split("-")[0].split("+")[0]}/{driver}'
                res = out / kernel / driver / (f'run{r + 1}' if a.repeat > 1 else '')
                print(f'bench: {kernel} {driver}' + (f' run {r + 1}' if a.repeat > 1 else ''),
                      file=sys.stderr)
                status, figs, detail = run_one(kernel, driver, a, res)
                print(f'bench: {kernel} {driver}: {status}' + (f' ({detail})' if detail else ''),
                      file=sys.stderr)
                if status == 'error':
                    errors.append(f'{kernel}/{driver}: {detail}')
                if col not in reps:
                    cols.append(col)
                reps.setdefault(col, []).append((status, figs))
    runs = [(c, *combine(reps[c])) for c in cols]
    text = table(runs)
    out.mkdir(parents=True, exist_ok=True)
    (out / 'table.txt').write_text(text)
    (out / 'bench.json').write_text(json.dumps(
        [{'column': c, 'status': s, 'figures': f} for c, s, f in runs], indent=1) + '\n')
    print(text, end='')
    print(f'results: {out}', file=sys.stderr)
    for e in errors:
        print(f'bench: ERROR {e}', file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # let vmrun stop its QEMU
    main()
