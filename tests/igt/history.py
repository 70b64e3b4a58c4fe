#!/usr/bin/env python3
"""Report expectation entries that keep passing, so the lists shrink.

  tests/igt/history.py [--runs N] [OUT_DIR]     (OUT_DIR: tests/out)

Reads every earlier run under OUT_DIR (<run>/<kernel>/<driver>/<label>/igt-results.txt, runs
in name order, i.e. by time) and, for each entry of the matching expectation file
(tests/igt/expect-<name>-<series>.txt) that says the subtest does not pass (Fail, Skip,
Timeout, Crash, Flake(...)), prints it when the subtest passed in each of the last N runs
that ran it (default 3). A report, not a test: exit status 0.
Python 3 standard library only.
"""
import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare  # noqa: E402
import igt_run  # noqa: E402

# Suite label -> {harness driver: expectation name} (tests/guest/suite.d).
LABELS = {'igt': {'ours': 'ours', 'intree': 'intree'},
          'qemuvga-std': {'ours': 'qemuvga', 'intree': 'bochs'}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out', nargs='?', type=Path, default=HERE.parent / 'out')
    ap.add_argument('--runs', type=int, default=3)
    a = ap.parse_args()
    runs = sorted(d for d in a.out.iterdir() if d.is_dir() and not d.is_symlink()) \
        if a.out.is_dir() else []
    history = {}   # expectation file -> {subtest: [outcomes, oldest first]}
    for run in runs:
        for res in run.glob('*/*/*/igt-results.txt'):
            label, driver, kernel = res.parent.name, res.parent.parent.name, \
                res.parent.parent.parent.name
            name = LABELS.get(label, {}).get(driver)
            if not name:
                continue
            exp = HERE / f'expect-{name}-{compare.series(kernel)}.txt'
            outcomes, _ = compare.load(res)
            for sub, outcome in (outcomes or {}).items():
                history.setdefault(exp, {}).setdefault(sub, []).append(outcome)
    found = 0
    for exp, subs in sorted(history.items()):
        if not exp.exists():
            continue
        entries = igt_run.parse_expect(exp)
        for sub, outcomes in subs.items():
            kind = igt_run.expected(entries, sub)
            last = outcomes[-a.runs:]
            if kind and len(last) == a.runs and set(last) == {'pass'}:
                found += 1
                print(f'igt-history: {exp.name}: {sub} ({igt_run.kind_name(kind)}) passed in '
                      f'each of the last {a.runs} runs: drop the line if it keeps passing')
    if not found:
        print(f'igt-history: no listed subtest passed in each of the last {a.runs} runs '
              f'({len(runs)} runs under {a.out})')


if __name__ == '__main__':
    main()
