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
With --gate (make check), it also judges: one line per binary and kernel, "PASS|FAIL
igt-vs-<intree>/<kernel>/<binary>", FAIL when ours passes fewer subtests than the other side
in the same run, or either side has no results; then "N passed, N failed", and exit status 1
on any FAIL. Without --gate it only reports (exit status 0). Python 3 standard library only.
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


def gate(kernel, res_ours, res_other, names):
    """[(status, name, detail)]: ours must pass at least as many subtests of each binary."""
    no, ni = names
    prefix = f'igt-vs-{ni}/{kernel}'
    if res_ours is None or res_other is None:
        side = no if res_ours is None else ni
        return [('FAIL', f'{prefix}/results', f'no IGT results from {side}')]
    out = []
    binaries = list(dict.fromkeys(n.split('@', 1)[0] for n in list(res_ours) + list(res_other)))
    for b in binaries:
        po, pi = (sum(1 for n, o in r.items() if n.split('@', 1)[0] == b and o == 'pass')
                  for r in (res_ours, res_other))
        ok = po >= pi
        out.append(('PASS' if ok else 'FAIL', f'{prefix}/{b}',
                    f'{no} passes {po}, {ni} {pi}' + ('' if ok else f': {no} passes fewer')))
    return out


def compare(title, ours, intree, exp_ours=None, exp_intree=None, names=('ours', 'intree')):
    (ro, so), (ri, si) = load(ours), load(intree)
    no, ni = names
    print(f'== {title}')
    if ro is None or ri is None:
        print(f'   missing: {ours if ro is None else intree} has no igt-results.txt')
        return ro, ri
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
    return ro, ri


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
    ap.add_argument('--gate', action='store_true',
                    help='judge: FAIL a binary where ours passes fewer subtests (exit 1)')
    ap.add_argument('--no-expect', action='store_true',
                    help='with a run directory: do not check tests/igt/expect-<driver>-<series>.txt')
    a = ap.parse_args()
    eo, ei = load_expect(a.expect_ours), load_expect(a.expect_intree)
    names = a.names.split(',')
    if len(names) != 2:
        ap.error('--names wants two comma-separated names')
    verdicts = []
    if len(a.paths) == 2:
        ro, ri = compare(f'{a.paths[0]} vs {a.paths[1]}', a.paths[0], a.paths[1], eo, ei,
                         names)
        verdicts += gate('given', ro, ri, names)
    elif len(a.paths) == 1:
        run = a.paths[0].resolve()
        # A kernel counts when the other side ran this label there (ours runs on every kernel).
        kernels = sorted(d for d in run.iterdir() if (d / 'intree' / a.label).is_dir())
        if not kernels:
            if a.gate:
                print(f'FAIL igt-vs-{names[1]}/{a.label}: no {run}/<kernel>/intree/{a.label}')
                print('0 passed, 1 failed')
                sys.exit(1)
            sys.exit(f'compare: no <kernel>/intree/{a.label} directories in {run}')
        for k in kernels:
            s = series(k.name)
            ro, ri = compare(f'{k.name} ({a.label})', k / 'ours' / a.label,
                             k / 'intree' / a.label,
                             eo if eo is not None or a.no_expect else auto_expect(names[0], s),
                             ei if ei is not None or a.no_expect else auto_expect(names[1], s),
                             names)
            verdicts += gate(k.name, ro, ri, names)
    else:
        ap.error('give OURS INTREE, or one run directory')
    if a.gate:
        for status, name, detail in verdicts:
            print(f'{status} {name}: {detail}')
        bad = sum(1 for v in verdicts if v[0] == 'FAIL')
        print(f'{len(verdicts) - bad} passed, {bad} failed')
        sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
