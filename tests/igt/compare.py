#!/usr/bin/env python3
"""Compare IGT outcomes of two guest runs (ours vs in-tree), side by side.

  tests/igt/compare.py OURS INTREE          each an igt-results.txt or a directory holding one
  tests/igt/compare.py RUN_DIR [--label L]  tests/out/<time> (or tests/out/latest) of a
                                            `suite.py --driver both` run: every kernel in it,
                                            RUN_DIR/<kernel>/{ours,intree}/<L>/ (L: igt)
  tests/igt/compare.py RUN_DIR --label qemuvga-std --names qemuvga,bochs
                                            qemuvga.ko vs the in-tree bochs (suite.d/70)

Prints per binary: pass/fail/skip (+timeout/crash/notrun) and seconds (from igt-timings.txt)
for each side, then every subtest whose outcome differs. With --expect, also checks each
side against an expectation file (tests/igt/expect-*.txt): the subtests it does not list must
pass (with a run directory, by default tests/igt/expect-<driver>-<series>.txt for each kernel).
Exit status 0 (it reports; the guest runs judge). Python 3 standard library only.
"""
import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import igt_run  # noqa: E402   (expectation parsing and judging, shared with the guest)
OTHER = ('timeout', 'crash', 'notrun')
HERE = Path(__file__).resolve().parent


def load(path):
    """-> ({binary@subtest: outcome}, {binary@subtest: seconds}) in file order."""
    p = Path(path)
    if p.is_dir():
        p = p / 'igt-results.txt'
    res, secs = {}, {}
    if not p.exists():
        return None, None
    for line in p.read_text().splitlines():
        f = line.split()
        if len(f) >= 2 and '@' in f[0]:
            res[f[0]] = f[1]
    t = p.with_name('igt-timings.txt')
    if t.exists():
        for line in t.read_text().splitlines():
            f = line.split()
            if len(f) >= 3 and '@' in f[0]:
                try:
                    secs[f[0]] = float(f[2])
                except ValueError:
                    pass
    return res, secs


def load_expect(path):
    return igt_run.parse_expect(path) if path else None


def series(kver):
    """6.1.0-56-amd64 -> 6.1, 6.12.117+deb12-amd64 -> 6.12 (as tests/guest/igt.sh does)."""
    return '.'.join(kver.split('-', 1)[0].split('+', 1)[0].split('.')[:2])


def auto_expect(driver, ser):
    f = HERE / f'expect-{driver}-{ser}.txt'
    return load_expect(f) if f.exists() else None


def counts(res, secs, binary):
    c = {}
    t = 0.0
    for name, outcome in res.items():
        if name.split('@', 1)[0] == binary:
            c[outcome] = c.get(outcome, 0) + 1
            t += secs.get(name, 0.0)
    if not c:
        return '-'
    s = f'{c.get("pass", 0)}/{c.get("fail", 0)}/{c.get("skip", 0)}'
    other = sum(c.get(k, 0) for k in OTHER)
    if other:
        s += f'+{other}'
    return f'{s} {t:.0f}s'


def regressions(res, exp):
    """Subtests whose outcome the expectations do not allow (see tests/igt/igt_run.py)."""
    bad = []
    for name, outcome in res.items():
        kind = igt_run.expected(exp, name)
        if igt_run.judge(kind, outcome) == 'regression':
            bad.append(f'{name}={outcome}' + (f' (expected {kind})' if kind else ''))
    return bad


def compare(title, ours, intree, exp_ours=None, exp_intree=None, names=('ours', 'intree')):
    (ro, so), (ri, si) = load(ours), load(intree)
    no, ni = names
    print(f'== {title}')
    if ro is None or ri is None:
        print(f'   missing: {ours if ro is None else intree} has no igt-results.txt')
        return
    binaries = list(dict.fromkeys(n.split('@', 1)[0] for n in list(ro) + list(ri)))
    w = max([len(b) for b in binaries] + [len('binary')])
    print(f'{"binary":<{w}}  {no + " p/f/s":<16} {ni + " p/f/s":<16}')
    for b in binaries:
        print(f'{b:<{w}}  {counts(ro, so, b):<16} {counts(ri, si, b):<16}')
    total = lambda r, s: counts({('all@' + k): v for k, v in r.items()},
                                {('all@' + k): v for k, v in s.items()}, 'all')
    print(f'{"total":<{w}}  {total(ro, so):<16} {total(ri, si):<16}')
    names = list(dict.fromkeys(list(ro) + list(ri)))
    diff = [n for n in names if ro.get(n) != ri.get(n)]
    print(f'\n{len(diff)} subtests differ ({no} vs {ni}):')
    wn = max([len(n) for n in diff] + [0])
    for n in diff:
        print(f'  {n:<{wn}}  {ro.get(n, "-"):<8} {ri.get(n, "-")}')
    for side, res, exp in ((no, ro, exp_ours), (ni, ri, exp_intree)):
        if exp is not None:
            bad = regressions(res, exp)
            print(f'\n{side}: {len(bad)} subtests with outcomes the expectations do not allow'
                  + (':' if bad else ''))
            for x in bad:
                print(f'  {x}')
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('paths', nargs='+', type=Path)
    ap.add_argument('--label', default='igt', help='suite label of the IGT boot (igt)')
    ap.add_argument('--expect-ours', help='expectation file to check ours against')
    ap.add_argument('--expect-intree', help='expectation file to check intree against')
    ap.add_argument('--names', default='ours,intree', metavar='OURS,INTREE',
                    help='what the two sides are called: headings and, with a run directory, '
                         'the expectation files tests/igt/expect-<name>-<series>.txt '
                         '(e.g. qemuvga,bochs for --label qemuvga-std)')
    ap.add_argument('--no-expect', action='store_true',
                    help='with a run directory: do not check tests/igt/expect-<driver>-<series>.txt')
    a = ap.parse_args()
    eo, ei = load_expect(a.expect_ours), load_expect(a.expect_intree)
    names = a.names.split(',')
    if len(names) != 2:
        ap.error('--names wants two comma-separated names')
    if len(a.paths) == 2:
        compare(f'{a.paths[0]} vs {a.paths[1]}', a.paths[0], a.paths[1], eo, ei, names)
    elif len(a.paths) == 1:
        run = a.paths[0].resolve()
        kernels = sorted(d for d in run.iterdir()
                         if d.is_dir() and ((d / 'ours').is_dir() or (d / 'intree').is_dir()))
        if not kernels:
            sys.exit(f'compare: no <kernel>/ours|intree directories in {run}')
        for k in kernels:
            s = series(k.name)
            compare(f'{k.name} ({a.label})', k / 'ours' / a.label, k / 'intree' / a.label,
                    eo if eo is not None or a.no_expect else auto_expect(names[0], s),
                    ei if ei is not None or a.no_expect else auto_expect(names[1], s), names)
    else:
        ap.error('give OURS INTREE, or one run directory')


if __name__ == '__main__':
    main()
