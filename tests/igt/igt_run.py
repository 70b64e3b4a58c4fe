#!/usr/bin/env python3
"""Run a curated IGT test list inside a test guest (called by tests/guest/igt.sh).

  igt_run.py --testlist tests/igt/testlist.txt --expect tests/igt/expect-intree-6.12.txt \
      --results /mnt/results [--only BIN,...] [--all] [--timeout S] [--deadline S] \
      [--force-driver NAME]

Every selected subtest runs in its own process (`BIN --run-subtest NAME`, like igt_runner and
drm-ci), in its own process group, under a per-subtest timeout (SIGTERM so IGT's exit handlers
restore the display, SIGKILL 5 s later). The outcome comes from IGT's "Subtest NAME: RESULT"
line, else from the exit status.

Writes into --results:
  igt-results.txt   "binary@subtest pass|fail|skip|timeout|crash|notrun", one line each
  igt-timings.txt   "binary@subtest outcome seconds"
  igt-dmesg.txt     kernel log lines each subtest produced that look like a kernel problem
  igt/BINARY.log    IGT's output of every subtest of BINARY
  results.txt       one "RESULT PASS|FAIL BINARY p/f/s ..." line per binary, appended as soon
                    as the binary is done (the protocol of tests/guest/lib.sh), then
                    "RESULT ... igt-total ..."
A binary's line is PASS when every subtest the expectation file does not list passed and
every listed one (drm-ci style "binary@subtest,Fail|Skip|Timeout|Crash|Flake(A|B)") had the
listed outcome or passed. Flake names the outcomes it tolerates: Flake(Fail), Flake(Fail|Skip).
Whatever the expectations say, a subtest that was not run (deadline), crashed or timed out
without a Crash/Timeout entry, or left a kernel problem or driver error line in the kernel log,
fails its binary. A listed subtest that passes is named in the detail ("listed in expectations
but passed": time to drop the line; tests/igt/history.py reports the ones that keep passing),
not counted as a failure. The plan itself must be sound, else igt-plan FAILs: every binary
lists its subtests, every filter of the test list selects something, and every expectation
entry of a binary that ran names a subtest that ran.
Python 3 standard library only.
"""
import argparse
import fnmatch
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'vm'))
import vmrun  # noqa: E402   (what a kernel problem or a driver error line looks like)

IGT_DIR = Path('/usr/libexec/igt-gpu-tools')
OUTCOMES = {'SUCCESS': 'pass', 'FAIL': 'fail', 'SKIP': 'skip', 'CRASH': 'crash',
            'TIMEOUT': 'timeout', 'ABORT': 'crash'}
EXIT_CODES = {0: 'pass', 77: 'skip', 78: 'timeout', 98: 'fail', 112: 'crash'}
EXPECT_KINDS = ('Fail', 'Skip', 'Timeout', 'Crash')
FLAKE_OUTCOMES = ('Fail', 'Skip')   # what a Flake(...) entry may tolerate


def parse_testlist(path):
    """Lines "BINARY [timeout=S] [settle=1] FILTER..." -> [(binary, options, filters)].
    A filter is a glob on subtest names; "!glob" removes what earlier filters added. A binary
    may appear on several lines (e.g. slow subtests with a longer timeout); a subtest takes the
    options of the first line that selects it. settle=1: wait for udevd to have broadcast
    every pending uevent before the subtest starts (`udevadm settle`), so that uevent tests do
    not see the events of the subtest before."""
    entries = []
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.split('#', 1)[0].split()
        if not line:
            continue
        binary, rest = line[0], line[1:]
        opts = {'timeout': None, 'settle': False}
        while rest and re.fullmatch(r'(timeout|settle)=\S+', rest[0]):
            key, val = rest.pop(0).split('=', 1)
            opts[key] = float(val) if key == 'timeout' else val == '1'
        if not rest:
            sys.exit(f'{path}:{n}: no subtest filter (use * for all)')
        entries.append((binary, opts, rest))
    return entries


def parse_kind(text):
    """'Fail' -> 'Fail'; 'Flake(Fail|Skip)' -> ('Flake', {'fail', 'skip'}); else None."""
    if text in EXPECT_KINDS:
        return text
    m = re.fullmatch(r'Flake\(([A-Za-z|]+)\)', text)
    if m and all(o in FLAKE_OUTCOMES for o in m[1].split('|')):
        return ('Flake', frozenset(o.lower() for o in m[1].split('|')))
    return None


def parse_expect(path):
    """drm-ci style "binary@subtest,Kind" -> {name: kind}; the name may be a glob."""
    exp = {}
    if not path or not Path(path).exists():
        return exp
    want = '|'.join(EXPECT_KINDS) + '|Flake(' + '|'.join(FLAKE_OUTCOMES) + ')'
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        name, _, text = line.rpartition(',')
        kind = parse_kind(text)
        if kind is None or '@' not in name:
            sys.exit(f'{path}:{n}: want "binary@subtest,{want}" (a Flake names the '
                     f'outcomes it tolerates, of {", ".join(FLAKE_OUTCOMES)})')
        if name in exp:
            sys.exit(f'{path}:{n}: {name} is listed twice')
        exp[name] = kind
    return exp


def kind_name(kind):
    return kind if isinstance(kind, str) or kind is None else \
        'Flake(' + '|'.join(sorted(o.capitalize() for o in kind[1])) + ')'


def expected(exp, name):
    if name in exp:
        return exp[name]
    for pat, kind in exp.items():
        if fnmatch.fnmatchcase(name, pat):
            return kind
    return None


def judge(kind, outcome, dmesg=False):
    """'ok', 'regression' or 'fixed' (listed as not passing, but passed).

    Never ok: a subtest that was not run, or left a kernel problem or driver error line;
    a crash or timeout unless listed as exactly that."""
    if dmesg or outcome == 'notrun':
        return 'regression'
    if outcome == 'pass':
        return 'ok' if kind is None else 'fixed'
    if kind is None:
        return 'regression'
    if isinstance(kind, tuple):
        return 'ok' if outcome in kind[1] else 'regression'
    return 'ok' if kind.lower() == outcome else 'regression'


def stale_expectations(exp, planned):
    """Entries of binaries that ran which name no subtest that ran: the subtest is gone from
    IGT, or the test list no longer selects it."""
    ran = {n.split('@', 1)[0] for n in planned}
    return [pat for pat in exp if pat.split('@', 1)[0] in ran and
            not any(fnmatch.fnmatchcase(n, pat) for n in planned)]


def select(subtests, filters):
    """(chosen subtests, filters that selected nothing)."""
    chosen, idle = [], []
    for f in filters:
        if f.startswith('!'):
            chosen = [s for s in chosen if not fnmatch.fnmatchcase(s, f[1:])]
        else:
            hits = [s for s in subtests if fnmatch.fnmatchcase(s, f)]
            if not hits:
                idle.append(f)
            chosen += [s for s in hits if s not in chosen]
    return chosen, idle


def list_subtests(binary):
    """(subtests, None) or (None, why the listing failed)."""
    try:
        out = subprocess.run([str(IGT_DIR / binary), '--list-subtests'],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f'--list-subtests: {e}'
    subs = [x for x in out.stdout.split() if x]
    if out.returncode != 0:
        return None, f'--list-subtests exited {out.returncode}: {out.stderr.strip()[-200:]}'
    if not subs:
        return None, '--list-subtests listed nothing'
    return subs, None


class Kmsg:
    """New kernel log records since the last call, as (level, text) (/dev/kmsg, non-blocking)."""

    def __init__(self):
        try:
            self.fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
            os.lseek(self.fd, 0, os.SEEK_END)
        except OSError:
            self.fd = None

    def new_lines(self):
        lines = []
        while self.fd is not None:
            try:
                rec = os.read(self.fd, 8192).decode(errors='replace')
            except BlockingIOError:
                break
            except OSError:   # EPIPE: the ring buffer overwrote records; go on
                continue
            if not rec:
                break
            head, _, text = rec.partition(';')
            prio = head.split(',', 1)[0]
            level = int(prio) & 7 if prio.isdigit() else None
            lines.append((level, text.split('\n', 1)[0]))
        return lines

    @staticmethod
    def problems(lines):
        """Kernel problems and driver error lines (what fails a boot's dmesg checks)."""
        return [t for level, t in lines if vmrun.DMESG_BAD.search(t) or
                vmrun.DRM_ERROR.search(t) or
                (vmrun.DRIVER_LINE.search(t) and level is not None and
                 level <= vmrun.WARN_LEVEL)]


def failure_reason(text):
    """IGT's own words for a failed subtest ("where: assertion"), or ''."""
    where = re.search(r'Test assertion failure function (\S+), file \S*?([^/\s]+:\d+)', text)
    what = re.search(r'Failed assertion: (.*)', text)
    return ': '.join(x for x in ((f'{where[1]}@{where[2].rstrip(":")}' if where else ''),
                                 (what[1].strip() if what else '')) if x)


def run_subtest(binary, subtest, timeout, log, env):
    """Returns (outcome, seconds, failure reason)."""
    log.write(f'===== {binary} --run-subtest {subtest} (timeout {timeout:g}s)\n')
    log.flush()
    start = time.monotonic()
    p = subprocess.Popen([str(IGT_DIR / binary), '--run-subtest', subtest], env=env,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    timed_out = False
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(p.pid, signal.SIGTERM)
        try:
            out, _ = p.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
    secs = time.monotonic() - start
    text = out.decode(errors='replace')
    log.write(text)
    outcome = None
    m = re.search(r'^Subtest ' + re.escape(subtest) + r': (\w+)', text, re.M)
    if timed_out:
        outcome = 'timeout'
    elif m:
        outcome = OUTCOMES.get(m[1], 'fail')
    elif p.returncode < 0:
        outcome = 'crash'
    else:
        outcome = EXIT_CODES.get(p.returncode, 'fail')
    log.write(f'===== {binary}@{subtest}: {outcome} in {secs:.1f}s (exit {p.returncode})\n')
    log.flush()
    return outcome, secs, failure_reason(text) if outcome != 'pass' else ''


def result_line(results, status, name, detail):
    line = f'RESULT {status} {name} {detail}'.rstrip()
    with open(results / 'results.txt', 'a') as f:
        f.write(line + '\n')
    print(line, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--testlist', required=True)
    ap.add_argument('--expect', help='expectation file (missing: every subtest must pass)')
    ap.add_argument('--results', type=Path, required=True)
    ap.add_argument('--only', help='comma list of binaries to run')
    ap.add_argument('--all', action='store_true', help='every subtest, ignoring the filters')
    ap.add_argument('--timeout', type=float, help='override every per-subtest timeout')
    ap.add_argument('--default-timeout', type=float, default=60)
    ap.add_argument('--deadline', type=float, default=0,
                    help='seconds: start no subtest after this (the rest are "notrun")')
    ap.add_argument('--force-driver', default='virtio_gpu',
                    help='IGT_FORCE_DRIVER: the DRM driver name IGT must open (DRM_IOCTL_VERSION'
                         ' name, e.g. bochs-drm, qemuvga; default virtio_gpu)')
    a = ap.parse_args()

    env = dict(os.environ, IGT_FORCE_DRIVER=a.force_driver)
    exp = parse_expect(a.expect)
    only = set(a.only.split(',')) if a.only else None
    logdir = a.results / 'igt'
    logdir.mkdir(parents=True, exist_ok=True)
    kmsg = Kmsg()
    start = time.monotonic()

    # Merge the test list per binary, keeping the order of first appearance.
    plan = {}   # binary -> [(subtest, timeout, settle)], or the reason it cannot run
    plan_errors = []
    for binary, opts, filters in parse_testlist(a.testlist):
        if only and binary not in only:
            continue
        if isinstance(plan.get(binary), str):
            continue
        if not (IGT_DIR / binary).exists():
            plan[binary] = f'{IGT_DIR / binary} not installed'
            continue
        subs, why = list_subtests(binary)
        if why:
            plan[binary] = why
            continue
        chosen, idle = select(subs, ['*'] if a.all else filters)
        plan_errors += [f'{binary}: filter {f!r} selects no subtest (gone from IGT?)'
                        for f in idle]
        have = {s for s, _, _ in plan.get(binary, [])}
        for s in chosen:
            if s not in have:
                t = a.timeout or opts['timeout'] or a.default_timeout
                plan.setdefault(binary, []).append((s, t, opts['settle']))
    planned = [f'{b}@{s}' for b, subs in plan.items() if isinstance(subs, list)
               for s, _, _ in subs]
    plan_errors += [f'expectation {e} names no subtest that runs' for e in
                    stale_expectations(exp, planned)]
    plan_errors += [f'{b}: {why}' for b, why in plan.items() if isinstance(why, str)]
    result_line(a.results, 'FAIL' if plan_errors else 'PASS', 'igt-plan',
                '; '.join(plan_errors) if plan_errors else
                f'{len(planned)} subtests of {len(plan)} binaries, '
                f'{len(exp)} expectation entries all in use')

    res_f = open(a.results / 'igt-results.txt', 'a')
    tim_f = open(a.results / 'igt-timings.txt', 'a')
    dmesg_f = open(a.results / 'igt-dmesg.txt', 'a')
    totals = dict(pass_=0, fail=0, skip=0, other=0)
    bad_bins = []
    for binary, subs in plan.items():
        if isinstance(subs, str):
            result_line(a.results, 'FAIL', binary, subs)
            bad_bins.append(binary)
            continue
        bstart = time.monotonic()
        counts = {}
        regressions, fixed, dmesg_subs = [], [], []
        with open(logdir / f'{binary}.log', 'a') as log:
            for sub, timeout, settle in subs:
                name = f'{binary}@{sub}'
                bad = []
                if a.deadline and time.monotonic() - start > a.deadline:
                    outcome, secs, why = 'notrun', 0.0, ''
                else:
                    if settle and Path('/run/udev/control').exists():
                        subprocess.run(['udevadm', 'settle', '--timeout=10'])
                    kmsg.new_lines()
                    outcome, secs, why = run_subtest(binary, sub, timeout, log, env)
                    bad = Kmsg.problems(kmsg.new_lines())
                    if bad:
                        dmesg_subs.append(sub)
                        dmesg_f.write(''.join(f'{name}: {x}\n' for x in bad))
                        dmesg_f.flush()
                res_f.write(f'{name} {outcome}\n')
                res_f.flush()
                tim_f.write(f'{name} {outcome} {secs:.1f}\n')
                tim_f.flush()
                print(f'igt: {name} {outcome} {secs:.1f}s', flush=True)
                counts[outcome] = counts.get(outcome, 0) + 1
                kind = expected(exp, name)
                verdict = judge(kind, outcome, bool(bad))
                if verdict == 'fixed':
                    fixed.append(sub)
                elif verdict == 'regression':
                    regressions.append(f'{sub}={outcome}' + ('+dmesg' if bad else '') +
                                       (f'(expected-{kind_name(kind)})' if kind else '') +
                                       (f' [{why}]' if why else ''))
        p, f, s = counts.get('pass', 0), counts.get('fail', 0), counts.get('skip', 0)
        other = ' '.join(f'{v} {k}' for k, v in sorted(counts.items())
                         if k not in ('pass', 'fail', 'skip'))
        detail = f'{p}/{f}/{s} pass/fail/skip' + (f' +{other}' if other else '') + \
            f' in {time.monotonic() - bstart:.0f}s'
        if regressions:
            detail += '; must pass: ' + ' '.join(regressions)
        if fixed:
            detail += '; listed in expectations but passed: ' + ' '.join(fixed)
        if dmesg_subs:
            detail += '; kernel log problems after: ' + ' '.join(dmesg_subs)
        result_line(a.results, 'FAIL' if regressions else 'PASS', binary, detail)
        if regressions:
            bad_bins.append(binary)
        totals['pass_'] += p
        totals['fail'] += f
        totals['skip'] += s
        totals['other'] += sum(counts.values()) - p - f - s
    detail = (f'{totals["pass_"]}/{totals["fail"]}/{totals["skip"]} pass/fail/skip'
              + (f' +{totals["other"]} timeout/crash/notrun' if totals['other'] else '')
              + f' in {time.monotonic() - start:.0f}s, expectations '
              + (Path(a.expect).name if a.expect and Path(a.expect).exists() else 'none'))
    if bad_bins:
        detail += '; failing: ' + ' '.join(bad_bins)
    result_line(a.results, 'FAIL' if bad_bins or plan_errors else 'PASS', 'igt-total', detail)


if __name__ == '__main__':
    main()
