#!/usr/bin/env python3
"""Run the guest boots listed in tests/guest/suite.d/*.txt on each selected kernel.

  tests/vm/suite.py [--kernels all|6.1,6.12|KVER] [--driver ours|intree|both] [--only LABEL]

An arm64 KVER (tools/arm64-kernels.sh: 6.1.0-57-arm64) boots an AArch64 guest (vmrun.py).

Boots run one after another (TCG is CPU bound). Test lines are printed as each boot ends;
the last line is "N passed, N failed" (", N skipped" if any). With --driver both, a table
test -> ours / intree comes before it. Results: tests/out/<timestamp>/<kernel>/<driver>/<label>/
(tests/out/latest points at the newest). Exit status 1 if anything failed.
"""
import argparse
import datetime
import functools
import json
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
import vmrun  # noqa: E402

SUITE = vmrun.TREE / 'tests/guest/suite.d'   # every *.txt in it, in name order
OUT = vmrun.TREE / 'tests/out'


@functools.lru_cache(maxsize=None)
def series():
    """{name: regex} of the supported kernel series, from tools/kernels.sh (the one place)."""
    out = subprocess.run([str(vmrun.TREE / 'tools/kernels.sh'), 'series'], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return dict(line.split(' ', 1) for line in out.splitlines() if line)


def matches(kver, spec):
    """'6.1' matches 6.1.0-56-amd64 but not 6.12.x; an exact release matches itself.

    A series picks only Debian's own builds (tools/kernels.sh): a kernel built here (make
    debug-kernel's 6.12.x-vgpu-debug) must never be taken for the supported one.
    """
    if kver == spec:
        return True
    pattern = series().get(spec)
    return bool(pattern and re.search(pattern, kver))


def resolve_kernels(specs):
    """The kernel releases 'all', '6.1,6.12' or exact releases name; every one must be
    installed (bootable), otherwise the suite stops, saying which is missing."""
    installed = vmrun.installed_kernels()
    # Kernels of the suite chroots (trixie, sid) and Debian's arm64 kernels
    # (tools/arm64-kernels.sh) match only by their exact release.
    installed += [k for k in vmrun.suite_kernels() + vmrun.arm64_kernels()
                  if k in specs.split(',')]
    chosen = []
    for spec in specs.split(','):
        for s in (list(series()) if spec == 'all' else (spec,)):
            found = [k for k in installed if matches(k, s)]
            if not found:
                sys.exit(f'suite: FAIL: no installed kernel matches {s!r} (have: {installed}); '
                         f'run make setup')
            if found[-1] not in chosen:
                chosen.append(found[-1])
    return chosen


def select_kernels(specs):
    """resolve_kernels(), and each must have our modules built."""
    chosen = resolve_kernels(specs)
    for k in chosen:
        for ko in ('virtgpu.ko', 'qemuvga.ko'):
            if not (vmrun.TREE / 'build' / k / ko).exists():
                sys.exit(f'suite: FAIL: build/{k}/{ko} is not built (make modules-all)')
    return chosen


def suite_files(path):
    return sorted(path.glob('*.txt')) if path.is_dir() else [path]


def parse_suite(path):
    """Lines of (label, kernel specs, devices, script, qemu args, harness options)."""
    opts = argparse.ArgumentParser(prog=f'{path} options', add_help=False)
    vmrun.add_run_args(opts)
    # --also=DRIVER[@SERIES]: run the line with that driver too, whatever suite --driver says
    # (the in-tree side of a comparison that make check shows); @SERIES: on that kernel only.
    opts.add_argument('--also', action='append')
    for d in opts._actions:   # unset means "use the suite's command-line value"
        d.default = None
    boots = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        f = [x.strip() for x in line.split('|')]
        if len(f) not in (4, 5):
            sys.exit(f'{path}:{n}: want "label | kernels | devices | script [| options]"')
        words = shlex.split(f[4]) if len(f) == 5 else []
        harness = vars(opts.parse_args([w for w in words if w.startswith('--')]))
        boots.append(dict(label=f[0], kernels=f[1].split(','), devices=f[2].split(),
                          script=f[3], qemu=[w for w in words if not w.startswith('--')],
                          opts={k: v for k, v in harness.items() if v is not None}))
    return boots


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--kernels', default='all', help='all, 6.1, 6.12 or KVER, comma list')
    p.add_argument('--only', action='append', help='run only this label (repeatable)')
    p.add_argument('--suite', type=Path, action='append',
                   help='a suite file or directory (repeatable; default tests/guest/suite.d)')
    p.add_argument('--out', type=Path, help='results root (default tests/out/<timestamp>)')
    vmrun.add_run_args(p)   # defaults for every line; the line's options override them
    a = p.parse_args()
    drivers = {'both': ['ours', 'intree'], 'ours': ['ours'], 'intree': ['intree']}.get(a.driver)
    if not drivers:
        p.error('--driver must be ours, intree or both')

    out = a.out or OUT / datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    runs = []   # (kernel, driver, boot)
    for kernel in select_kernels(a.kernels):
        for boot in (b for s in (a.suite or [SUITE]) for f in suite_files(s)
                     for b in parse_suite(f)):
            if a.only and boot['label'] not in a.only:
                continue
            if not any(s == 'all' or matches(kernel, s) for s in boot['kernels']):
                continue
            pinned = boot['opts'].get('driver')
            chosen = [pinned] if pinned else list(drivers)
            for also in boot['opts'].get('also') or []:
                d, _, only_on = also.partition('@')
                if d not in chosen and (not only_on or matches(kernel, only_on)):
                    chosen.append(d)
            for driver in chosen:
                runs.append((kernel, driver, boot))
    if not runs:
        sys.exit('suite: no boots selected')
    if not a.out:
        OUT.mkdir(parents=True, exist_ok=True)
        latest = OUT / 'latest'
        latest.unlink(missing_ok=True)
        latest.symlink_to(out.name)

    summaries = []
    for i, (kernel, driver, boot) in enumerate(runs, 1):
        o = dict(vars(a), **{k: v for k, v in boot['opts'].items() if k != 'also'})
        print(f'suite: [{i}/{len(runs)}] {kernel} {driver} {boot["label"]}', file=sys.stderr)
        s = vmrun.run(kernel=kernel, devices=boot['devices'], vga=o['vga'], driver=driver,
                      script=boot['script'], results=out / kernel / driver / boot['label'],
                      timeout=o['timeout'], display=o['display'],
                      extra_qemu=list(a.extra_qemu) + [shlex.join(boot['qemu'])],
                      mem=o['mem'], smp=o['smp'], append=o['append'], label=boot['label'])
        for t in s['tests']:
            print(vmrun.format_test(s['prefix'], t['status'], t['name'], t['detail']),
                  flush=True)
        if s.get('retried'):
            print(f'note: {s["prefix"]}: booted twice, the first boot died before the test: '
                  f'{s["retried"]}', flush=True)
        summaries.append(s)
    (out / 'summary.json').write_text(json.dumps(summaries, indent=1) + '\n')

    if set(s['driver'] for s in summaries) == {'ours', 'intree'}:
        table = {}   # "kernel/label/test" -> {driver: status}
        for s in summaries:
            for t in s['tests']:
                key = f'{s["kernel"]}/{s["label"]}/{t["name"]}'
                table.setdefault(key, {})[s['driver']] = t['status']
        width = max(len(k) for k in table)
        print(f'\n{"test":<{width}}  {"ours":<6} intree')
        for k, v in table.items():
            print(f'{k:<{width}}  {v.get("ours", "-"):<6} {v.get("intree", "-")}')

    n = {st: sum(s[st] for s in summaries) for st in ('passed', 'failed', 'skipped')}
    print(f'results: {out}', file=sys.stderr)
    print(f'{n["passed"]} passed, {n["failed"]} failed' +
          (f', {n["skipped"]} skipped' if n['skipped'] else ''))
    sys.exit(1 if n['failed'] else 0)


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # let vmrun stop its QEMU
    main()
