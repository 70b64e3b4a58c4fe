#!/usr/bin/env python3
"""Prove the checks can fail: run them against deliberately broken copies of the tree.

  tests/mutants/run.py [--list] [NAME...]     (default: every tests/mutants/*.patch)

Each NAME.patch is a unified diff against this tree that breaks one thing, preceded by a
header saying what it breaks and how it must be caught:
  # mutant: one line on what the patch breaks
  # run: tests/vm/suite.py arguments (--kernels, --only ...): a guest run that must report ...
  # fails: LABEL/TEST ...          ... each of these tests as FAIL (in every kernel it runs on)
or, for checks that need no guest:
  # command: a shell command run in the copy that must exit non-zero ...
  # output: REGEX                  ... printing something that matches REGEX
For each mutant the tree (tracked and new files, no build output) is copied to a temporary
directory, the patch applied with git apply, the modules built for the kernels the run names
(a `command` builds what it needs itself), and the run made there. One line per mutant:
"PASS mutant/NAME: caught by ..." or "FAIL mutant/NAME: survived/does not apply ...", then
"N passed, N failed". Part of make check-full, not make check (a few minutes per mutant).
"""
import argparse
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TREE = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, str(TREE / 'tests/vm'))
import suite  # noqa: E402


def parse(patch):
    head = {}
    for line in patch.read_text().splitlines():
        m = re.match(r'# (mutant|run|fails|command|output): (.*)', line)
        if m:
            head[m[1]] = m[2].strip()
        elif line.startswith('diff --git'):
            break
    if 'mutant' not in head or not (('run' in head and 'fails' in head) or
                                    ('command' in head and 'output' in head)):
        raise ValueError(f'{patch.name}: want "# mutant:" and "# run:" + "# fails:" or '
                         f'"# command:" + "# output:" before the diff')
    return head


def copy_tree(dest):
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others',
                            '--exclude-standard'], cwd=TREE, check=True,
                           stdout=subprocess.PIPE).stdout.split(b'\0')
    for f in (x.decode() for x in files if x):
        src = TREE / f
        if src.is_file() and not f.startswith('tests/mutants/'):
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f)
    subprocess.run(['git', 'init', '-q'], cwd=dest, check=True)


def sh(cmd, cwd, log):
    with open(log, 'a') as f:
        f.write(f'$ {cmd}\n')
        f.flush()
        return subprocess.run(cmd, shell=True, cwd=cwd, stdout=f, stderr=subprocess.STDOUT
                              ).returncode


def kernels_of(run_args):
    """The kernels a suite.py run selects (its --kernels, default all)."""
    args = shlex.split(run_args)
    return suite.resolve_kernels(args[args.index('--kernels') + 1] if '--kernels' in args
                                 else 'all')


def run_mutant(patch, head, work, keep):
    d = Path(tempfile.mkdtemp(prefix=f'mutant-{patch.stem}-'))
    log = work / f'{patch.stem}.log'
    log.write_text(f'mutant {patch.stem}: {head["mutant"]}\ncopy: {d}\n')
    try:
        copy_tree(d)
        if sh(f'git apply {shlex.quote(str(patch))}', d, log):
            return 'FAIL', f'does not apply to this tree (see {log})'
        if 'command' in head:
            out = subprocess.run(head['command'], shell=True, cwd=d, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True)
            with open(log, 'a') as f:
                f.write(f'$ {head["command"]}\n{out.stdout}')
            m = re.search(head['output'], out.stdout)
            if out.returncode != 0 and m:
                return 'PASS', f'caught: exit {out.returncode}, "{m[0]}"'
            return 'FAIL', (f'survived: exit {out.returncode}' +
                            ('' if m else f', no output matching {head["output"]!r}'))
        for k in kernels_of(head['run']):
            if sh(f'make KVER={shlex.quote(k)} modules', d, log):
                return 'FAIL', f'build for {k} failed (see {log})'
        if sh('make guest-tools', d, log):
            return 'FAIL', f'guest tools did not build (see {log})'
        out = d / 'tests/out/mutant'
        sh(f'{sys.executable} tests/vm/suite.py --driver ours --out {out} {head["run"]}', d, log)
        seen = {}   # label/test -> statuses over kernels
        for line in log.read_text().splitlines():
            m = re.match(r'(PASS|FAIL|SKIP) [^/]+/ours/([^/]+)/([^:\s]+)', line)
            if m:
                seen.setdefault(f'{m[2]}/{m[3]}', set()).add(m[1])
        want = head['fails'].split()
        survived = [t for t in want if seen.get(t) != {'FAIL'}]
        if survived:
            return 'FAIL', 'survived: ' + ', '.join(
                f'{t} {"/".join(sorted(seen.get(t, {"not run"})))}' for t in survived)
        return 'PASS', 'caught by ' + ', '.join(want)
    finally:
        if not keep:
            shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('names', nargs='*')
    ap.add_argument('--list', action='store_true', help='print the mutants and exit')
    ap.add_argument('--keep', action='store_true', help='keep the broken copies')
    a = ap.parse_args()
    patches = [HERE / f'{n}.patch' for n in a.names] or sorted(HERE.glob('*.patch'))
    heads = {p: parse(p) for p in patches}
    if a.list:
        for p, h in heads.items():
            print(f'{p.stem}: {h["mutant"]}')
        return
    work = TREE / 'tests/out/mutants'
    work.mkdir(parents=True, exist_ok=True)
    bad = 0
    for p, h in heads.items():
        print(f'mutants: {p.stem}: {h["mutant"]}', file=sys.stderr, flush=True)
        status, detail = run_mutant(p, h, work, a.keep)
        bad += status == 'FAIL'
        print(f'{status} mutant/{p.stem}: {detail}', flush=True)
    print(f'{len(heads) - bad} passed, {bad} failed')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
