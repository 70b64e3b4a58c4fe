#!/usr/bin/env python3
"""Host-only checks of vmrun's pieces that need no QEMU: the dmesg scan (against canned
kernel reports and against lines the stock Debian kernels print when booting in this QEMU)
and the PNG writer. Run: python3 tests/vm/test_vmrun.py"""
import os
import struct
import sys
import tempfile
import unittest
import zlib
from pathlib import Path

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
import vmrun  # noqa: E402

# Must be caught: first lines of real kernel reports.
BAD = """\
[   12.345679] WARNING: CPU: 1 PID: 42 at drivers/gpu/drm/drm_atomic.c:123 foo+0x1/0x2 [drm]
[    7.100000] BUG: kernel NULL pointer dereference, address: 0000000000000008
[    7.100001] Oops: 0000 [#1] PREEMPT SMP NOPTI
[    8.000000] BUG: KASAN: slab-use-after-free in drm_atomic_helper_wait_for_vblanks+0x5c/0x2a0
[    9.000000] WARNING: possible circular locking dependency detected
[   10.000000] refcount_t: underflow; use-after-free.
[  242.000000] INFO: task kworker/0:1:12 blocked for more than 120 seconds.
[   11.000000] general protection fault, probably for non-canonical address 0xdead000000000100
[   12.000000] kernel BUG at drivers/gpu/drm/drm_gem.c:100!
[   13.000000] Kernel panic - not syncing: Fatal exception
[   14.000000] UBSAN: array-index-out-of-bounds in drivers/gpu/drm/virtgpu/x.c:12:3
[   15.000000] Call Trace:
[   16.000000] Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008
[   16.000001] Internal error: Oops: 0000000096000005 [#1] SMP
[   16.000002] Call trace:
"""

# Must pass: lines seen when the stock 6.1.0-56 and 6.12.117 kernels boot here (TCG), the
# last three from the arm64 6.1.0-57 kernel on QEMU's virt machine.
GOOD = """\
[    0.886079] mtrr: your CPUs had inconsistent fixed MTRR settings
[    1.029585] acpi PNP0A03:00: fail to add MMCONFIG information, can't access extended PCI configuration space under this bridge.
[    1.326617] PCI: Using host bridge windows from ACPI; if necessary, use "pci=nocrs" and report a bug
[    2.098499] AMD-Vi: AMD IOMMUv2 functionality not available on this system - This is not a bug.
[    2.008883] Unstable clock detected, switching default tracing clock to "global"
[    2.822730] amd_pstate: the _CPC object is not present in SBIOS or ACPI disabled
[    4.608705] virtio-pci 0000:00:03.0: [drm] drm_plane_enable_fb_damage_clips() not called
[    0.000000] Kernel command line: console=ttyS0 virtgpu.arg=WARNING: virtgpu.arg=Oops
[    1.525457] pci-host-generic 4010000000.pcie: Memory resource size exceeds max for 32 bits
[    8.572158] virtgpu: loading out-of-tree module taints kernel.
[   68.504922] hrtimer: interrupt took 48867840 ns
"""


class DmesgScan(unittest.TestCase):
    def scan(self, text):
        with tempfile.TemporaryDirectory() as d:
            Path(d, 'dmesg.txt').write_text(text)
            return vmrun.scan_dmesg(Path(d))[1]

    def test_reports_are_caught(self):
        for line in BAD.splitlines():
            self.assertEqual(len(self.scan(line + '\n')), 1, line)

    def test_stock_boot_lines_pass(self):
        self.assertEqual(self.scan(GOOD), [])

    def test_serial_fallback(self):
        with tempfile.TemporaryDirectory() as d:
            Path(d, 'serial.log').write_text(BAD)
            src, bad = vmrun.scan_dmesg(Path(d))[:2]
            self.assertEqual((src, len(bad)), ('serial.log', len(BAD.splitlines())))


# Driver error lines (dmesg -r records): each must fail dmesg-no-driver-errors.
DRIVER_ERRORS = """\
<3>[    5.100000] virtgpu virtio4: SET_SCANOUT failed: ERR_INVALID_RESOURCE_ID (0x1202)
<3>[    5.200000] virtgpu virtio4: TRANSFER_TO_HOST_2D: malformed response (type 0x0, 0 bytes)
<4>[    5.300000] virtgpu virtio4: [drm] leaking host resource 7
<4>[    5.400000] virtgpu virtio4: [drm] cursor image upload slow or failed
<3>[    5.500000] virtgpu virtio4: [drm] *ERROR* resource 3: create failed (-5)
<3>[    5.600000] qemuvga 0000:00:02.0: [drm] *ERROR* SVGA FIFO stuck
<3>[    5.700000] qemuvga 0000:00:02.0: [drm] *ERROR* VBE refused 1024x768
<3>[    5.800000] [drm:drm_atomic_helper_wait_for_flip_done [drm_kms_helper]] *ERROR* [CRTC:35:crtc-0] flip_done timed out
<4>[    5.900000] virtio_gpu virtio1: [drm] something the in-tree driver warns about
<6>[    6.000000] [drm] *ERROR* even at info level, DRM's error marker counts
"""

# Must pass the driver gate: informational driver lines, and warnings of other subsystems.
DRIVER_OK = """\
<6>[    3.223323] virtgpu virtio4: [drm] features: -virgl +edid -resource_uuid -resource_blob -context_init; 1 scanouts, 0 capsets
<6>[    3.337558] virtgpu virtio4: [drm] fb0: virtio_gpudrmfb frame buffer device
<4>[    3.208751] virtgpu: loading out-of-tree module taints kernel.
<5>[    3.209620] virtgpu: module verification failed: signature and/or required key missing - tainting kernel
<4>[    0.886079] mtrr: your CPUs had inconsistent fixed MTRR settings
<7>[    7.000000] virtgpu virtio4: [drm:virtgpu_fb_create [virtgpu]] pitch 100 too small
"""


class KernelAppend(unittest.TestCase):
    """The debug kernel boots with its own options first; other kernels only the caller's."""

    def test_debug_kernel(self):
        self.assertEqual(vmrun.kernel_append('6.12.118-vgpu-debug', 'x=1'),
                         'acpi=noirq kasan_multi_shot no5lvl x=1')

    def test_other_kernels(self):
        self.assertEqual(vmrun.kernel_append('6.12.118+deb12-amd64', ''), '')


class EarlyCrash(unittest.TestCase):
    """A guest whose kernel died before the test script started is booted again."""

    def crash(self, text):
        with tempfile.TemporaryDirectory() as d:
            Path(d, 'serial.log').write_text(text)
            return vmrun.early_crash(Path(d))

    def test_boot_crash(self):
        self.assertIn('Oops: int3', self.crash(
            '[    1.4] amd_pstate: the _CPC object is not present\n'
            '[    1.5] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI\n'))

    def test_crash_after_the_test_started_counts(self):
        self.assertIsNone(self.crash('init: running tests/guest/probe.sh (driver ours)\n'
                                     '[    9.0] BUG: kernel NULL pointer dereference\n'))

    def test_clean_boot(self):
        self.assertIsNone(self.crash('[    1.4] amd_pstate: the _CPC object is not present\n'))


class EarlyStallTest(unittest.TestCase):
    """A guest hung after an early crash is given up after a quiet minute, no sooner."""
    CRASH = '[    0.7] BUG: KASAN: wild-memory-access in do_raw_spin_lock+0x11d/0x270\n'

    def test_quiet_after_early_crash(self):
        with tempfile.TemporaryDirectory() as d:
            log = Path(d, 'serial.log')
            log.write_text('[    0.5] Booting\n')
            stall = vmrun.EarlyStall(Path(d), 0)
            self.assertFalse(stall(1))
            log.write_text('[    0.5] Booting\n' + self.CRASH)
            self.assertFalse(stall(2))     # it printed: the quiet minute starts again
            self.assertFalse(stall(62))
            self.assertTrue(stall(63))

    def test_quiet_without_crash_or_after_init(self):
        for text in ('[    0.5] Booting\n',
                     'init: running tests/guest/probe.sh (driver ours)\n' + self.CRASH):
            with tempfile.TemporaryDirectory() as d:
                Path(d, 'serial.log').write_text(text)
                stall = vmrun.EarlyStall(Path(d), 0)
                self.assertFalse(stall(1))
                self.assertFalse(stall(1000))


class DriverErrors(unittest.TestCase):
    def scan(self, text, name='dmesg-levels.txt', label='probe', driver='ours', allow=()):
        with tempfile.TemporaryDirectory() as d:
            Path(d, name).write_text(text)
            return vmrun.scan_dmesg(Path(d), label, driver, list(allow))

    def test_driver_errors_are_caught(self):
        for line in DRIVER_ERRORS.splitlines():
            _, bad, errors, _ = self.scan(line + '\n')
            self.assertEqual((len(bad), len(errors)), (0, 1), line)

    def test_info_lines_and_other_warnings_pass(self):
        self.assertEqual(self.scan(DRIVER_OK)[1:3], ([], []))

    def test_serial_console_lines_are_warnings(self):
        # The serial console only gets warnings or worse (loglevel=5): no level needed.
        text = '[    5.1] virtgpu virtio4: SET_SCANOUT failed: ERR_UNSPEC (0x1200)\n'
        self.assertEqual(len(self.scan(text, 'serial.log')[2]), 1)

    def allow(self, label='qemuvga-virtio-*', driver='ours', regex=r'VBE refused'):
        return dict(label=label, driver=driver, regex=vmrun.re.compile(regex), why='test')

    def test_allow_list_matches_label_and_driver(self):
        line = DRIVER_ERRORS.splitlines()[6]
        _, _, errors, used = self.scan(line, label='qemuvga-virtio-vga', allow=[self.allow()])
        self.assertEqual((errors, used), ([], {'VBE refused'}))
        for label, driver in (('qemuvga-std', 'ours'), ('qemuvga-virtio-vga', 'intree')):
            errors = self.scan(line, label=label, driver=driver, allow=[self.allow()])[2]
            self.assertEqual(len(errors), 1, (label, driver))

    def test_kernel_problems_are_never_allowed(self):
        line = '<4>[    9.0] WARNING: CPU: 1 PID: 42 at drivers/gpu/drm/drm_atomic.c:1 x\n'
        bad = self.scan(line, allow=[self.allow('*', '*', 'WARNING')])[1]
        self.assertEqual(len(bad), 1)

    def test_allow_file_parses(self):
        for a in vmrun.parse_allow():
            self.assertTrue(a['why'])


class Trace(unittest.TestCase):
    """QEMU trace counts served to the guest (vmrun.TraceCounter)."""
    NINEP, GPU = '0x5600000000a0', '0x5600000000b0'

    def notify(self, vdev, n=0):
        return f'virtio_queue_notify vdev {vdev} n {n} vq 0x7f0000000000\n'

    def test_gpu_told_from_9p_and_read_incrementally(self):
        with tempfile.TemporaryDirectory() as d:
            log = Path(d, 'trace.log')
            log.write_text(self.notify(self.NINEP) * 5 + self.notify(self.GPU) +
                           'virtio_gpu_cmd_res_flush res 0x1, x 0, y 0, w 8, h 8\n' +
                           self.notify(self.NINEP) + self.notify(self.GPU, 1) +
                           self.notify(self.GPU) + 'virtio_gpu_cmd_set_scanout id 0\n' +
                           self.notify(self.GPU)[:20])   # a line still being written
            t = vmrun.TraceCounter()
            t.feed(log)
            self.assertEqual(t.gpu_notifies(), 2)
            self.assertEqual(t.events['virtio_gpu_cmd_res_flush'], 1)
            with open(log, 'a') as f:
                f.write(self.notify(self.GPU)[20:] + self.notify(self.GPU) +
                        'virtio_gpu_cmd_res_flush res 0x1, x 0, y 0, w 8, h 8\n')
            t.feed(log)
            self.assertEqual((t.gpu_notifies(), t.events['virtio_gpu_cmd_res_flush']), (4, 2))

    def test_lines_of_one_event_without_a_partial_last_line(self):
        with tempfile.TemporaryDirectory() as d:
            log = Path(d, 'trace.log')
            log.write_text(self.notify(self.GPU) +
                           'virtio_gpu_cmd_res_flush res 0x1, w 8, h 8, x 0, y 0\n' +
                           'virtio_gpu_cmd_res_flush_x res 0x9\n' +
                           'virtio_gpu_cmd_res_flush res 0x1, w 4, h 4, x 2, y 2\n' +
                           'virtio_gpu_cmd_res_flush res 0x1, w')
            self.assertEqual(vmrun.trace_lines(log, 'virtio_gpu_cmd_res_flush'),
                             ['res 0x1, w 8, h 8, x 0, y 0', 'res 0x1, w 4, h 4, x 2, y 2'])

    def test_no_gpu_commands_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            log = Path(d, 'trace.log')
            log.write_text(self.notify(self.NINEP))
            t = vmrun.TraceCounter()
            t.feed(log)
            with self.assertRaises(RuntimeError):
                t.gpu_notifies()
            with self.assertRaises(RuntimeError):
                t.feed(Path(d, 'missing.log'))


class Png(unittest.TestCase):
    def decode(self, data):
        """IHDR and the unfiltered RGB rows of a PNG written by ppm_to_png."""
        self.assertEqual(data[:8], b'\x89PNG\r\n\x1a\n')
        pos, chunks = 8, {}
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + n]
            crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
            self.assertEqual(crc, zlib.crc32(kind + body))
            chunks[kind] = body
            pos += 12 + n
        w, h = struct.unpack('>II', chunks[b'IHDR'][:8])
        raw = zlib.decompress(chunks[b'IDAT'])
        rows = [raw[y * (w * 3 + 1):(y + 1) * (w * 3 + 1)] for y in range(h)]
        self.assertTrue(all(r[0] == 0 for r in rows))
        return chunks[b'IHDR'], b''.join(r[1:] for r in rows)

    def convert(self, header, pix):
        with tempfile.TemporaryDirectory() as d:
            ppm, png = Path(d, 'a.ppm'), Path(d, 'a.png')
            ppm.write_bytes(header + pix)
            size = vmrun.ppm_to_png(ppm, png)
            return size, png.read_bytes()

    def test_roundtrip(self):
        w, h = 4, 3
        # Pixels starting with whitespace bytes: the PPM header must not swallow them.
        pix = bytes([10, 32, 9] + list(range(3, w * h * 3)))
        size, data = self.convert(b'P6\n%d %d\n255\n' % (w, h), pix)
        self.assertEqual(size, (w, h))
        ihdr, out = self.decode(data)
        self.assertEqual(struct.unpack('>IIBBBBB', ihdr), (w, h, 8, 2, 0, 0, 0))
        self.assertEqual(out, pix)

    def test_qemu_padded_rows(self):
        # QEMU 7.2 pads each row of a 5-pixel-wide dump from 15 to 16 bytes.
        w, h = 5, 3
        rows = [bytes(range(y * 15, y * 15 + 15)) for y in range(h)]
        size, data = self.convert(b'P6\n%d %d\n255\n' % (w, h),
                                  b''.join(r + b'\xee' for r in rows))
        self.assertEqual(size, (w, h))
        self.assertEqual(self.decode(data)[1], b''.join(rows))


class DevicePlan(unittest.TestCase):
    """-device lists and the default screendump device (vmrun.plan_devices)."""

    def test_default_is_virtio_gpu(self):
        self.assertEqual(vmrun.plan_devices([]), (['virtio-gpu-pci,id=video0'], 'video0'))

    def test_first_virtio_gpu_is_default(self):
        devs, default = vmrun.plan_devices(['VGA', 'virtio-gpu-pci,id=g', 'virtio-vga'])
        self.assertEqual(devs, ['VGA,id=video0', 'virtio-gpu-pci,id=g', 'virtio-vga,id=video2'])
        self.assertEqual(default, 'g')

    def test_other_display_without_virtio(self):
        devs, default = vmrun.plan_devices(['bochs-display,xres=800', 'virtio-serial-pci'])
        self.assertEqual(devs, ['bochs-display,xres=800,id=video0', 'virtio-serial-pci'])
        self.assertEqual(default, 'video0')

    def test_vga_option_adds_no_device(self):
        self.assertEqual(vmrun.plan_devices([], 'std'), ([], None))
        self.assertEqual(vmrun.plan_devices(['none'], 'qxl'), ([], None))
        self.assertEqual(vmrun.plan_devices(['none']), ([], None))


class Arches(unittest.TestCase):
    """Which QEMU boots a kernel (vmrun.kernel_arch, ARCHES, kernel_root)."""

    def test_arm64_release_boots_aarch64(self):
        self.assertEqual(vmrun.kernel_arch('6.1.0-57-arm64'), 'arm64')
        self.assertEqual(vmrun.kernel_arch('6.12.118+deb12-arm64'), 'arm64')
        qemu, console = vmrun.ARCHES['arm64']
        self.assertEqual(qemu[:3], ['qemu-system-aarch64', '-M', 'virt'])
        self.assertEqual(console, 'ttyAMA0')

    def test_other_releases_boot_x86(self):
        for k in ('6.1.0-57-amd64', '7.2.13+deb14-amd64', '6.12.118-vgpu-debug'):
            self.assertEqual(vmrun.kernel_arch(k), 'x86_64', k)
        self.assertEqual(vmrun.ARCHES['x86_64'][1], 'ttyS0')

    def test_arm64_kernels_only_when_complete(self):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d, 'arm64-root')
            for k in ('6.1.0-1-arm64', '6.1.0-2-arm64'):
                (root / 'boot').mkdir(parents=True, exist_ok=True)
                (root / f'boot/vmlinuz-{k}').touch()
                (root / f'lib/modules/{k}').mkdir(parents=True)
            (root / '.virtgpu-complete-6.1.0-2-arm64').touch()
            old = os.environ.get('VIRTGPU_CACHE')
            os.environ['VIRTGPU_CACHE'] = d
            try:
                self.assertEqual(vmrun.arm64_kernels(), ['6.1.0-2-arm64'])
                self.assertEqual(vmrun.kernel_root('6.1.0-2-arm64'), root)
            finally:
                if old is None:
                    del os.environ['VIRTGPU_CACHE']
                else:
                    os.environ['VIRTGPU_CACHE'] = old


class LineResult(unittest.TextTestResult):
    """One PASS/FAIL line per test, like the other test stages."""
    prefix = 'harness'

    def addSuccess(self, test):
        super().addSuccess(test)
        print(f'PASS {self.prefix}/{test._testMethodName}')

    def addFailure(self, test, err):
        super().addFailure(test, err)
        print(f'FAIL {self.prefix}/{test._testMethodName}: {err[1]}')

    def addError(self, test, err):
        super().addError(test, err)
        print(f'FAIL {self.prefix}/{test._testMethodName}: {err[1]!r}')


def run_tests(module_name, prefix):
    """Run a test module's tests, one PASS/FAIL line each named PREFIX/test, then the
    "N passed, M failed" line the make check stages count; exits 1 on a failure."""
    LineResult.prefix = prefix
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module_name])
    res = unittest.TextTestRunner(resultclass=LineResult, verbosity=0,
                                  stream=open(os.devnull, 'w')).run(suite)
    bad = len(res.failures) + len(res.errors)
    print(f'{res.testsRun - bad} passed, {bad} failed')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    run_tests(__name__, 'harness')
