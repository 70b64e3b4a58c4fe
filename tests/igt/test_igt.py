#!/usr/bin/env python3
"""Host tests of the IGT runner's judgement (tests/igt/igt_run.py) and of the side-by-side
gate (tests/igt/compare.py): each way IGT can hide a broken driver must fail.
Run: python3 tests/igt/test_igt.py"""
import os
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / 'vm'))
import compare  # noqa: E402
import igt_run  # noqa: E402
from test_vmrun import run_tests  # noqa: E402


def expect(text):
    with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False) as f:
        f.write(text)
    try:
        return igt_run.parse_expect(f.name)
    finally:
        os.unlink(f.name)


class Expectations(unittest.TestCase):
    def test_flake_must_name_outcomes(self):
        for bad in ('Flake', 'Flake()', 'Flake(Timeout)', 'Flake(Crash)', 'Flake(Fail|Notrun)',
                    'Pass', 'fail'):
            with self.assertRaises(SystemExit, msg=bad):
                expect(f'kms_flip@x,{bad}\n')

    def test_entry_listed_twice(self):
        with self.assertRaises(SystemExit):
            expect('kms_flip@x,Fail\nkms_flip@x,Skip\n')

    def test_flake_tolerates_only_what_it_names(self):
        kind = expect('kms_flip@x,Flake(Fail)\n')['kms_flip@x']
        self.assertEqual(igt_run.judge(kind, 'fail'), 'ok')
        self.assertEqual(igt_run.judge(kind, 'pass'), 'fixed')
        for outcome in ('skip', 'crash', 'timeout', 'notrun'):
            self.assertEqual(igt_run.judge(kind, outcome), 'regression', outcome)

    def test_never_ok(self):
        for kind in (None, 'Fail', 'Skip', 'Timeout', 'Crash',
                     ('Flake', frozenset({'fail', 'skip'}))):
            self.assertEqual(igt_run.judge(kind, 'notrun'), 'regression', kind)
            self.assertEqual(igt_run.judge(kind, 'fail', dmesg=True), 'regression', kind)
            self.assertEqual(igt_run.judge(kind, 'pass', dmesg=True), 'regression', kind)

    def test_unlisted_must_pass(self):
        self.assertEqual(igt_run.judge(None, 'pass'), 'ok')
        for outcome in ('fail', 'skip', 'crash', 'timeout'):
            self.assertEqual(igt_run.judge(None, outcome), 'regression')

    def test_stale_entries(self):
        exp = expect('kms_flip@gone,Fail\nkms_flip@basic-*,Skip\nkms_vblank@x,Fail\n')
        planned = ['kms_flip@basic-plain-flip', 'kms_flip@other']
        # kms_vblank did not run (only=): its entry is not judged.
        self.assertEqual(igt_run.stale_expectations(exp, planned), ['kms_flip@gone'])

    def test_our_lists_tolerate_no_crash_or_timeout(self):
        for f in list(HERE.glob('expect-ours-*.txt')) + list(HERE.glob('expect-qemuvga-*.txt')):
            for name, kind in igt_run.parse_expect(f).items():
                self.assertNotIn(kind, ('Timeout', 'Crash'), f'{f.name}: {name}')


class Plan(unittest.TestCase):
    def test_filter_selecting_nothing(self):
        subs = ['basic', 'basic-flip', 'vblank']
        chosen, idle = igt_run.select(subs, ['basic*', '!basic-flip', 'renamed-test'])
        self.assertEqual((chosen, idle), (['basic'], ['renamed-test']))

    def listing(self, script):
        with tempfile.TemporaryDirectory() as d:
            tool = Path(d, 'kms_fake')
            tool.write_text('#!/bin/sh\n' + script + '\n')
            tool.chmod(0o755)
            old, igt_run.IGT_DIR = igt_run.IGT_DIR, Path(d)
            try:
                return igt_run.list_subtests('kms_fake')
            finally:
                igt_run.IGT_DIR = old

    def test_listing_failures(self):
        self.assertEqual(self.listing('echo a; echo b'), (['a', 'b'], None))
        subs, why = self.listing('exit 0')
        self.assertEqual((subs, why), (None, '--list-subtests listed nothing'))
        subs, why = self.listing('echo a; echo oops >&2; exit 79')
        self.assertIsNone(subs)
        self.assertIn('exited 79', why)

    def test_failure_reason(self):
        out = ('(kms_x:7) CRITICAL: Test assertion failure function wait_it, '
               'file ../tests/kms_x.c:512:\n'
               '(kms_x:7) CRITICAL: Failed assertion: fd_completed(fd)\n')
        self.assertEqual(igt_run.failure_reason(out), 'wait_it@kms_x.c:512: fd_completed(fd)')
        self.assertEqual(igt_run.failure_reason('Subtest a: FAIL (0.1s)\n'), '')

    def test_kernel_log_problems(self):
        lines = [(6, 'virtgpu virtio4: [drm] fb0: virtio_gpudrmfb frame buffer device'),
                 (3, 'virtgpu virtio4: SET_SCANOUT failed: ERR_UNSPEC (0x1200)'),
                 (6, '[drm:drm_atomic_helper_commit_hw_done] *ERROR* flip_done timed out'),
                 (4, 'WARNING: CPU: 0 PID: 1 at drivers/gpu/drm/drm_vblank.c:1 x')]
        self.assertEqual(len(igt_run.Kmsg.problems(lines)), 3)


class Gate(unittest.TestCase):
    OURS = {'kms_flip@a': 'pass', 'kms_flip@b': 'fail', 'kms_vblank@c': 'pass'}

    def test_fewer_passes_fail(self):
        other = {'kms_flip@a': 'pass', 'kms_flip@b': 'pass', 'kms_vblank@c': 'fail'}
        got = {n: st for st, n, _ in compare.gate('6.12', self.OURS, other, ('ours', 'intree'))}
        self.assertEqual(got, {'igt-vs-intree/6.12/kms_flip': 'FAIL',
                               'igt-vs-intree/6.12/kms_vblank': 'PASS'})

    def test_missing_side_fails(self):
        for ours, other in ((None, self.OURS), (self.OURS, None)):
            got = compare.gate('6.12', ours, other, ('ours', 'intree'))
            self.assertEqual([g[0] for g in got], ['FAIL'])


if __name__ == '__main__':
    run_tests(__name__, 'igt-runner')
