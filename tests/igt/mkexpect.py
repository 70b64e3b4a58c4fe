#!/usr/bin/env python3
"""Write a drm-ci style expectation file from measured IGT runs.

  tests/igt/mkexpect.py [--testlist tests/igt/testlist.txt] [--header TEXT] RESULTS... \
      > tests/igt/expect-intree-6.12.txt

RESULTS: igt-results.txt files (or directories holding one) of runs of the same driver and
kernel. Every subtest that did not pass in all of them gets a line "binary@subtest,Kind":
Fail/Skip/Timeout/Crash when every run agrees, Flake(Fail|Skip) naming the non-passing
outcomes seen when runs disagree (including one pass); a subtest that crashed or timed out in
only some runs is printed to stderr, not written: a Flake cannot tolerate those.
Subtests that passed everywhere are left out: igt_run.py requires unlisted subtests to pass.
"""
import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import igt_run  # noqa: E402

KIND = {'fail': 'Fail', 'skip': 'Skip', 'timeout': 'Timeout', 'crash': 'Crash'}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('results', nargs='+', type=Path)
    ap.add_argument('--header', action='append', default=[], help='comment line (repeatable)')
    ap.add_argument('--testlist', help='keep only subtests this test list selects')
    a = ap.parse_args()
    listed = None
    if a.testlist:
        listed = {}
        for binary, _, filters in igt_run.parse_testlist(a.testlist):
            listed.setdefault(binary, []).append(filters)

    def in_list(name):
        binary, sub = name.split('@', 1)
        return listed is None or any(igt_run.select([sub], f)[0]
                                     for f in listed.get(binary, []))

    seen = {}   # name -> set of outcomes, in first-seen order
    for r in a.results:
        p = r / 'igt-results.txt' if r.is_dir() else r
        for line in p.read_text().splitlines():
            f = line.split()
            if len(f) >= 2 and '@' in f[0]:
                seen.setdefault(f[0], set()).add(f[1])
    for h in a.header:
        print(f'# {h}')
    for name, outcomes in seen.items():
        if outcomes == {'pass'} or not in_list(name):
            continue
        if len(outcomes) > 1:
            bad = sorted(KIND.get(o, o) for o in outcomes - {'pass'})
            if any(o not in igt_run.FLAKE_OUTCOMES for o in bad):
                print(f'mkexpect: {name}: {sorted(outcomes)}: a flake with a crash, timeout '
                      f'or notrun: not written', file=sys.stderr)
                continue
            kind = 'Flake(' + '|'.join(bad) + ')'
        else:
            kind = KIND.get(next(iter(outcomes)))
            if kind is None:   # notrun: the run hit its deadline; not an expectation
                print(f'mkexpect: {name}: {outcomes}: not written', file=sys.stderr)
                continue
        print(f'{name},{kind}')


if __name__ == '__main__':
    main()
