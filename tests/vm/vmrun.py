#!/usr/bin/env python3
"""Boot ONE QEMU guest that runs a guest test script, then report its results.

  tests/vm/vmrun.py --driver intree --script tests/guest/selftest-intree.sh \
      --device virtio-gpu-pci,xres=1024,yres=768 --results /tmp/r

The guest (tests/vm/init) runs in a cached Debian sid rootfs shared over virtio-9p, together
with the host's /lib/modules, this project tree (read-only, at /mnt/virtgpu) and the results
directory (read-write, at /mnt/results). While it runs we serve its requests (screendumps
through QMP, window resizes through xdotool); afterwards we read results.txt and scan dmesg.
Prints one line per test ("PASS prefix/name", "FAIL prefix/name: detail", "SKIP ...") and
writes <results>/summary.json. Exit status 0 only if nothing failed. Python stdlib only.
"""
import argparse
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

VM_DIR = Path(__file__).resolve().parent
TREE = VM_DIR.parent.parent
RESULTS_MARK = '.virtgpu-results'   # marks a directory we may wipe before a run

# Kernel log lines that mean the kernel is unhappy. Checked against boots of the stock
# Debian 6.1 and 6.12 kernels in this QEMU (TCG, -cpu max; arm64: virt, cortex-a57): none of
# these occur there. arm64 words some reports its own way: "Unable to handle kernel NULL
# pointer dereference", "Internal error: Oops", "Call trace:".
DMESG_BAD = re.compile(
    r'WARNING:|BUG:|kernel BUG at|Oops|KASAN|UBSAN:|refcount_t|lockdep|'
    r'possible circular locking|INFO: task .* blocked|general protection fault|'
    r'Unable to handle kernel|Internal error:|Call [Tt]race:|Kernel panic')
# The command line echoes whatever a caller appended (--append); it is not a kernel report.
# A lockdep kernel (make debug-kernel) announces itself at boot; that is no report either.
DMESG_IGNORE = re.compile(r'Kernel command line:|RCU lockdep checking is enabled')

# A display driver's own complaint: DRM's error lines (drm_err: "*ERROR*") from anyone, and
# whatever a driver under test prints at warning level or worse through dev_printk ("virtgpu
# virtio4: ...", "qemuvga 0000:00:02.0: [drm] ..."): a host refusing commands, a malformed
# answer, a leaked resource. The level comes from `dmesg -r` (dmesg-levels.txt); the serial
# console only ever gets warnings or worse (loglevel=5), so every such line there counts.
DRIVERS = r'(?:virtgpu|qemuvga|virtio_gpu|bochs-drm|qxl|vmwgfx)'
DRIVER_LINE = re.compile(r'^(?:\[ *[\d.]+\] )?' + DRIVERS + r' [\w:.-]+: ')
DRM_ERROR = re.compile(r'\*ERROR\*')
WARN_LEVEL = 4   # KERN_WARNING
ALLOW_FILE = Path(__file__).resolve().parent / 'dmesg-allow.txt'


def version_key(v):
    return [int(x) if x.isdigit() else x for x in re.split(r'(\d+)', v)]


def bootable(root):
    """Kernels under root with a vmlinuz in boot/ and their modules in lib/modules/."""
    return sorted((p.name[len('vmlinuz-'):] for p in (root / 'boot').glob('vmlinuz-*')
                   if (root / 'lib/modules' / p.name[len('vmlinuz-'):]).is_dir()),
                  key=version_key)


def installed_kernels():
    """Kernels bootable from /boot that also have their modules in /lib/modules."""
    return bootable(Path('/'))


def suite_roots():
    """The finished chroots of tools/suite-chroots.sh (trixie's, sid's kernel)."""
    cache = Path(os.environ.get('VIRTGPU_CACHE', '/var/cache/virtgpu'))
    return sorted(p for p in cache.glob('suite-*') if (p / '.virtgpu-complete').exists())


def suite_kernels():
    """Kernels of the suite chroots: booted only when named, never as a default."""
    return [k for root in suite_roots() for k in bootable(root)]


def arm64_root():
    """Debian's arm64 kernels and their modules, as tools/arm64-kernels.sh lays them out."""
    return Path(os.environ.get('VIRTGPU_CACHE', '/var/cache/virtgpu')) / 'arm64-root'


def arm64_kernels():
    """The arm64 kernels ready to boot: booted only when named, never as a default."""
    root = arm64_root()
    return [k for k in bootable(root) if (root / f'.virtgpu-complete-{k}').exists()] \
        if root.is_dir() else []


def kernel_arch(kernel):
    """arm64 for Debian's arm64 kernels (KVER ends in -arm64), else x86_64."""
    return 'arm64' if kernel.endswith('-arm64') else 'x86_64'


def kernel_root(kernel):
    """Where kernel's boot/ and lib/modules/ are: the host, else a suite chroot, else the
    arm64 kernels' tree."""
    for root in [Path('/')] + suite_roots() + [arm64_root()]:
        if kernel in bootable(root):
            return root
    return Path('/')


# What QEMU runs an architecture's guest on: the system emulator, its machine and CPU
# arguments, and the serial console's name in the guest. AArch64's virt machine has no VGA
# and no firmware is needed: QEMU loads the kernel's Image itself (-kernel). cortex-a57, not
# max: max's pointer authentication (QARMA) costs TCG much time in every function.
ARCHES = {
    'x86_64': (['qemu-system-x86_64', '-cpu', 'max'], 'ttyS0'),
    'arm64': (['qemu-system-aarch64', '-M', 'virt', '-cpu', 'cortex-a57'], 'ttyAMA0'),
}


def last_line(cmd, env=None):
    """Run a cache script (its progress goes to our stderr); return its last stdout line."""
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True,
                         env=env).stdout
    return out.strip().splitlines()[-1]


def ppm_to_png(ppm, png):
    """Minimal PNG writer (8-bit RGB, no filtering) so PNGs need nothing but zlib."""
    data = ppm.read_bytes()
    # Header "P6 W H 255" then exactly one whitespace byte: pixel bytes may look like spaces.
    m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+255\s', data)
    if not m:
        raise ValueError(f'{ppm}: not an 8-bit P6 PPM')
    w, h = int(m[1]), int(m[2])
    pix = data[m.end():]
    stride = w * 3
    # QEMU 7.2's ppm_save writes rows at its line buffer's 4-byte-aligned stride.
    padded = (stride + 3) & ~3
    row = padded if len(pix) == padded * h and padded != stride else stride
    raw = b''.join(b'\0' + pix[y * row:y * row + stride] for y in range(h))

    def chunk(kind, body):
        return (len(body).to_bytes(4, 'big') + kind + body +
                zlib.crc32(kind + body).to_bytes(4, 'big'))
    ihdr = w.to_bytes(4, 'big') + h.to_bytes(4, 'big') + bytes([8, 2, 0, 0, 0])
    png.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) +
                    chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))
    return w, h


class Qmp:
    """Tiny synchronous QMP client (one command at a time; events are skipped)."""

    def __init__(self, path, timeout=20):
        end = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(str(path))
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(60)
        self.rfile = self.sock.makefile('r')
        json.loads(self.rfile.readline())   # greeting
        self.cmd('qmp_capabilities')

    def cmd(self, name, args=None):
        """Return (result, None) or (None, error description)."""
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            line = self.rfile.readline()
            if not line:
                return None, 'QMP connection closed'
            reply = json.loads(line)
            if 'return' in reply:
                return reply['return'], None
            if 'error' in reply:
                return None, reply['error'].get('desc', str(reply['error']))

    def close(self):
        self.sock.close()


class Requests:
    """Serves the guest's requests: results/requests/<name>.<kind>, answered by
    <name>.done (with a short result) or <name>.err (with the error text).
      .req     "HEAD [DEVICE_ID]"  screendump to results/<name>.ppm and .png; done: "W H"
      .resize  "W H"               resize QEMU's window (needs a --display other than none)
      .qmp     a JSON QMP command  done: the JSON reply
      .cpu     (empty)             done: "WALL ALL DEVICE", seconds: the host's monotonic
                                   clock and the QEMU process's CPU time, all threads and
                                   all but the vCPUs (device models, display, main loop)
      .notify  (empty)             done: how often the guest has notified the GPU's control
                                   queue so far, from QEMU's trace in results/trace.log
                                   (-trace enable=virtio_queue_notify plus
                                   enable=virtio_gpu_cmd_*)
      .trace   "EVENT"             done: how many EVENT lines QEMU's trace has so far
      .lines   "EVENT [FIRST]"     done: the arguments of EVENT lines so far, one per
                                   line, from the FIRST-th (0-based; default 0) on
      .xwd     (empty)             QEMU's window as shown on the host display, to
                                   results/<name>.ppm and .png; done: "W H" (for GL
                                   scanouts, which QEMU 7.2's screendump cannot read)
    Traces are read here, not in the guest, whose own 9p reads would each add a traced
    notification."""

    def __init__(self, results, qmp_path, gpu_id, xdisplay):
        self.dir = results / 'requests'
        self.dir.mkdir()
        self.results, self.qmp_path, self.gpu_id, self.xdisplay = (
            results, qmp_path, gpu_id, xdisplay)
        self.qmp = None
        self.pid = None   # QEMU's, once started
        self.trace = TraceCounter()

    def poll(self):
        for f in sorted(self.dir.iterdir()):
            name, kind = f.stem, f.suffix[1:]
            serve = getattr(self, 'do_' + kind, None)   # one per kind in the docstring
            if not serve or not re.fullmatch(r'[\w.+-]+', name):
                continue
            text = f.read_text().strip()
            f.unlink()   # served; the guest may reuse the name for a new request
            try:
                answer = serve(name, text)
                self.reply(name, 'done', answer)
            except Exception as e:  # every failure goes back to the guest as .err
                self.reply(name, 'err', str(e) or type(e).__name__)

    def reply(self, name, kind, text):
        tmp = self.dir / f'.{name}.{kind}.tmp'
        tmp.write_text(text + '\n')
        tmp.rename(self.dir / f'{name}.{kind}')   # atomic for the polling guest

    def qmp_cmd(self, name, args=None):
        if self.qmp is None:
            self.qmp = Qmp(self.qmp_path)
        ret, err = self.qmp.cmd(name, args)
        if err:
            raise RuntimeError(err)
        return ret

    def do_req(self, name, text):
        fields = text.split()
        head = int(fields[0]) if fields else 0
        device = fields[1] if len(fields) > 1 else self.gpu_id
        ppm = self.results / f'{name}.ppm'
        args = {'filename': str(ppm)}
        if device:   # QEMU 7.2 accepts 'head' only together with 'device'
            args.update(device=device, head=head)
        self.qmp_cmd('screendump', args)
        w, h = ppm_to_png(ppm, self.results / f'{name}.png')
        return f'{w} {h}'

    def qemu_window(self):
        """(X environment, id of QEMU's window) on our Xvfb."""
        if not self.xdisplay:
            raise RuntimeError('needs a window: run with --display sdl or sdl,gl=on')
        env = dict(os.environ, DISPLAY=self.xdisplay)
        wid = subprocess.run(['xdotool', 'search', '--name', 'QEMU'], env=env, check=True,
                             stdout=subprocess.PIPE, text=True).stdout.split()[0]
        return env, wid

    def do_resize(self, name, text):
        env, wid = self.qemu_window()
        w, h = text.split()
        subprocess.run(['xdotool', 'windowsize', wid, w, h], env=env, check=True)
        return f'{w} {h}'

    def do_xwd(self, name, text):
        """QEMU's window as the host's display shows it, where screendump cannot read
        the scanout (QEMU 7.2 has no surface for a virgl/GL scanout)."""
        env, wid = self.qemu_window()
        ppm = self.results / f'{name}.ppm'
        xwd = subprocess.run(['xwd', '-silent', '-id', wid], env=env, check=True,
                             stdout=subprocess.PIPE).stdout
        out = subprocess.run(['convert', 'xwd:-', 'ppm:-'], input=xwd, check=True,
                             stdout=subprocess.PIPE).stdout
        # ImageMagick names the window in a header comment; the readers here take none.
        m = re.match(rb'P6(?:\s+|#[^\n]*\n)+(\d+)\s+(\d+)\s+255\s', out)
        if not m:
            raise ValueError('convert gave no 8-bit P6 PPM')
        ppm.write_bytes(b'P6\n%s %s\n255\n' % (m[1], m[2]) + out[m.end():])
        w, h = ppm_to_png(ppm, self.results / f'{name}.png')
        return f'{w} {h}'

    def do_qmp(self, name, text):
        msg = json.loads(text)
        return json.dumps(self.qmp_cmd(msg['execute'], msg.get('arguments')))

    def do_cpu(self, name, text):
        def cpu_s(stat):   # utime + stime; the fields after "(comm)" start at state
            f = stat.read_text().rsplit(')', 1)[1].split()
            return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')
        proc = Path(f'/proc/{self.pid}')
        total = cpu_s(proc / 'stat')   # includes threads that have exited
        vcpus = sum(cpu_s(t / 'stat') for t in (proc / 'task').iterdir()
                    if re.fullmatch(r'CPU \d+/\w+', (t / 'comm').read_text().strip()))
        return f'{time.monotonic():.3f} {total:.2f} {total - vcpus:.2f}'

    def do_notify(self, name, text):
        self.trace.feed(self.results / 'trace.log')
        return str(self.trace.gpu_notifies())

    def do_trace(self, name, text):
        self.trace.feed(self.results / 'trace.log')
        return str(self.trace.events.get(text, 0))

    def do_lines(self, name, text):
        event, first = (text.split() + ['0'])[:2]
        return '\n'.join(trace_lines(self.results / 'trace.log', event)[int(first):])

    def close(self):
        if self.qmp:
            self.qmp.close()


class GpuVote:
    """Which virtio device of a QEMU trace is the GPU. Every virtio device notifies (the
    9p exports too); the GPU is the one whose notification most often comes right before a
    virtio_gpu_cmd_* line (QEMU handles a control-queue notification by processing its
    commands). Feed it the trace's events in order."""

    def __init__(self):
        self.last, self.votes = None, {}

    def event(self, event, vdev=None):
        """vdev: the device of a virtio_queue_notify event."""
        if event == 'virtio_queue_notify':
            self.last = vdev
        elif event.startswith('virtio_gpu_cmd_') and self.last:
            self.votes[self.last] = self.votes.get(self.last, 0) + 1

    def gpu(self):
        """The GPU's vdev, or None before any virtio_gpu_cmd_* line."""
        return max(self.votes, key=self.votes.get) if self.votes else None


class TraceCounter:
    """Counts the events of a QEMU trace, and virtio notifications per device, read
    incrementally; the GPU's are found by GpuVote."""

    def __init__(self):
        self.offset, self.vote = 0, GpuVote()
        self.counts, self.events = {}, {}

    def feed(self, path):
        if not path.exists():
            raise RuntimeError(f'no {path.name}: the suite line needs -trace ...,file={{results}}/'
                               f'trace.log')
        with open(path, 'rb') as f:
            f.seek(self.offset)
            data = f.read()
        end = data.rfind(b'\n') + 1   # a partly written last line waits for the next call
        self.offset += end
        for line in data[:end].decode(errors='replace').splitlines():
            event = line.split(' ', 1)[0]
            self.events[event] = self.events.get(event, 0) + 1
            vdev = None
            if event == 'virtio_queue_notify':
                f = line.split()   # virtio_queue_notify vdev 0x... n 0 vq 0x...
                vdev, key = f[2], (f[2], f[4])
                self.counts[key] = self.counts.get(key, 0) + 1
            self.vote.event(event, vdev)

    def gpu_notifies(self):
        gpu = self.vote.gpu()
        if gpu is None:
            raise RuntimeError('no virtio_gpu_cmd_* lines in the trace: no GPU found')
        return self.counts.get((gpu, '0'), 0)


def trace_lines(path, event):
    """The arguments of every complete EVENT line of a QEMU trace."""
    if not path.exists():
        raise RuntimeError(f'no {path.name}: the suite line needs -trace ...,file={{results}}/'
                           f'trace.log')
    data = path.read_bytes()
    data = data[:data.rfind(b'\n') + 1].decode(errors='replace')
    return [line[len(event) + 1:] for line in data.splitlines()
            if line.split(' ', 1)[0] == event]


def start_xvfb():
    """Xvfb on a free display (it picks the number itself: no races with other runs)."""
    r, w = os.pipe()
    xvfb = subprocess.Popen(['Xvfb', '-displayfd', str(w), '-screen', '0', '1920x1200x24',
                             '-nolisten', 'tcp'], pass_fds=(w,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        num = f.readline().strip()
    if not num:
        raise RuntimeError('Xvfb failed to start')
    return xvfb, ':' + num


def prepare_results(results):
    if results.exists() and any(results.iterdir()):
        if not (results / RESULTS_MARK).exists():
            sys.exit(f'vmrun: {results} is not empty and not a previous results dir')
        shutil.rmtree(results)
    results.mkdir(parents=True, exist_ok=True)
    (results / RESULTS_MARK).touch()


def parse_allow(path=ALLOW_FILE):
    """Allowed driver error lines: "label-glob | driver | regex | why" per line."""
    allow = []
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        f = [x.strip() for x in line.split('|')]
        if len(f) != 4 or not f[3]:
            raise ValueError(f'{path}:{n}: want "label-glob | driver | regex | why"')
        allow.append(dict(label=f[0], driver=f[1], regex=re.compile(f[2]), why=f[3]))
    return allow


def read_kernel_log(results):
    """(source name, [(level or None, text)]): dmesg -r's records when the guest saved them,
    else plain dmesg (levels unknown), else the serial console (warnings and worse only)."""
    for name, kind in (('dmesg-levels.txt', 'raw'), ('dmesg.txt', 'plain'),
                       ('serial.log', 'console')):
        log = results / name
        if log.exists():
            break
    else:
        return 'no kernel log', []
    out = []
    for line in log.read_text(errors='replace').splitlines():
        m = re.match(r'<(\d+)>(.*)', line) if kind == 'raw' else None
        if m:
            out.append((int(m[1]) & 7, m[2]))
        else:
            out.append((WARN_LEVEL if kind == 'console' else None, line))
    return log.name, out


def scan_dmesg(results, label='', driver='', allow=None):
    """(source, kernel problems, driver error lines, allow entries used) of a guest's log.

    Kernel problems (DMESG_BAD) are never allowed. Driver error lines (DRM_ERROR, or a
    DRIVER_LINE at warning level or worse) are, when an entry of tests/vm/dmesg-allow.txt
    for this label and driver matches: tests that provoke an error on purpose list it there
    with the reason."""
    src, lines = read_kernel_log(results)
    if not lines:
        return src, [], [], set()
    allow = [a for a in (allow or []) if fnmatch.fnmatchcase(label, a['label'])
             and a['driver'] in ('*', driver)]
    bad, errors, used = [], [], set()
    texts = [t for _, t in lines]
    for i, (level, line) in enumerate(lines):
        if DMESG_IGNORE.search(line):
            continue
        if DMESG_BAD.search(line):
            if re.search(r'Call [Tt]race:$', line.rstrip()):
                # A bare backtrace (sysrq, NMI, hung task): name the task from its "CPU: ...
                # PID: ... Comm: ..." header, a few lines above.
                comm = next((x.strip() for x in reversed(texts[max(0, i - 25):i])
                             if ' Comm: ' in x), None)
                line = f'{line.strip()} ({comm})' if comm else line
            bad.append(line.strip())
            continue
        if not (DRM_ERROR.search(line) or
                (DRIVER_LINE.search(line) and level is not None and level <= WARN_LEVEL)):
            continue
        hit = next((k for k, a in enumerate(allow) if a['regex'].search(line)), None)
        if hit is None:
            errors.append(line.strip())
        else:
            used.add(allow[hit]['regex'].pattern)
    return src, bad, errors, used


def collect(results, timed_out, qemu_rc, label='', driver=''):
    """The guest's RESULT lines plus the harness's own checks, as (status, name, detail)."""
    tests = []
    rfile = results / 'results.txt'
    for line in rfile.read_text(errors='replace').splitlines() if rfile.exists() else []:
        f = line.split(None, 3)
        if len(f) >= 3 and f[0] == 'RESULT' and f[1] in ('PASS', 'FAIL', 'SKIP'):
            tests.append((f[1], f[2], f[3] if len(f) > 3 else ''))
    problems = []
    if timed_out:
        problems.append('timed out')
    if qemu_rc not in (0, None):
        problems.append(f'qemu exited {qemu_rc}: ' + (results / 'qemu.log').read_text(
            errors='replace').strip()[-300:])
    if (results / 'init-error.txt').exists():
        problems.append((results / 'init-error.txt').read_text(errors='replace').strip())
    status = results / 'exit-status'   # written by init when the script returns
    rc = status.read_text().strip() if status.exists() else None
    if not (results / 'finished').exists():
        problems.append('script did not call finish' + (f' (exit status {rc})' if rc else ''))
    elif rc not in (None, '0'):
        problems.append(f'script exit status {rc}')
    if not tests:
        problems.append('no RESULT lines')
    tests.append(('FAIL', 'run-complete', '; '.join(problems)) if problems
                 else ('PASS', 'run-complete', ''))
    src, bad, errors, used = scan_dmesg(results, label, driver, parse_allow())
    for name, hits, what in (('dmesg-clean', bad, 'kernel problems'),
                             ('dmesg-no-driver-errors', errors, 'driver error lines')):
        if hits:
            more = f' (+{len(hits) - 1} more in {src})' if len(hits) > 1 else f' ({src})'
            tests.append(('FAIL', name, hits[0] + more))
        else:
            tests.append(('PASS', name, f'no {what} in {src}' +
                          (f', {len(used)} allowed' if used and hits is errors else '')))
    return tests, bad + errors


def format_test(prefix, status, name, detail):
    if status == 'PASS' or not detail:
        return f'{status} {prefix}/{name}'
    return f'{status} {prefix}/{name}: {detail}'


# QEMU display devices other than virtio ones (-device NAME or what -vga TYPE creates).
OTHER_DISPLAYS = ('VGA', 'secondary-vga', 'bochs-display', 'qxl-vga', 'qxl', 'vmware-svga',
                  'cirrus-vga', 'ati-vga', 'ramfb')


def plan_devices(devices, vga='none'):
    """The -device list and the default screendump device id.

    No devices and -vga none: one virtio-gpu-pci (the default guest). With another -vga (std,
    qxl, vmware, ...) no device is added; "none" in the list stands for no device at all.
    Every virtio GPU gets an id (video<i>) so screendump can address its heads, and the first
    one is the default. Without a virtio GPU, the first other display device given with
    -device gets an id and is the default; with neither (-vga std alone) there is no default
    and screendump shows QEMU's first console, which is the -vga device."""
    if not devices and vga == 'none':
        devices = ['virtio-gpu-pci']
    devices = [d for d in devices if d != 'none']
    gpu_id = other_id = None
    for i, dev in enumerate(devices):
        name = dev.split(',', 1)[0]
        virtio = re.match(r'virtio-(gpu|vga)', name)
        if not virtio and name not in OTHER_DISPLAYS:
            continue
        if not re.search(r'(^|,)id=', dev):
            dev += f',id=video{i}'
            devices[i] = dev
        dev_id = re.search(r'(?:^|,)id=([^,]+)', dev).group(1)
        if virtio:
            gpu_id = gpu_id or dev_id
        else:
            other_id = other_id or dev_id
    return devices, gpu_id or other_id


# What the KASAN/lockdep kernel of tools/debug-kernel.sh ("<release>-vgpu-debug") needs
# under TCG, added to its command line by boot_once():
#   acpi=noirq        ACPI interrupt routing otherwise stalls each virtio-pci device for 30 s
#   kasan_multi_shot  every report, not just the first
#   no5lvl            an interrupt during identify_cpu, while boot_cpu_data's features (LA57
#                     among them) are cleared, makes KASAN take the 5-level direct map for a
#                     wild address: a report 0.7 s into boot and a hung guest, 4 of ~20 boots
DEBUG_KERNEL_APPEND = 'acpi=noirq kasan_multi_shot no5lvl'


def kernel_append(kernel, append):
    """The caller's additions to the guest's command line, after the debug kernel's own."""
    if kernel.endswith('-vgpu-debug'):
        return f'{DEBUG_KERNEL_APPEND} {append}'.strip()
    return append


def early_crash(results):
    """The kernel report that killed a guest before its test script started, or None.

    Under QEMU 7.2's multi-threaded TCG the guest kernel now and then dies while it patches
    its own code at boot ("Oops: int3" in sched_clock_cpu, seen once in ~100 boots), long
    before any module of ours is loaded. Such a boot tested nothing."""
    log = results / 'serial.log'
    if not log.exists():
        return None
    text = log.read_text(errors='replace')
    if 'init: running' in text:
        return None
    return next((line.strip() for line in text.splitlines() if DMESG_BAD.search(line)), None)


class EarlyStall:
    """Whether a guest died before its test script started (early_crash) and has printed
    nothing since for QUIET_S seconds. A kernel that hangs after an early report (a KASAN
    one in an interrupt during identify_cpu, twice on the debug kernel under TCG) would
    otherwise hold its boot for the whole timeout, 30 minutes there, before run() boots it
    again."""
    QUIET_S = 60

    def __init__(self, results, now):
        self.log = results / 'serial.log'
        self.size, self.since = -1, now

    def __call__(self, now):
        size = self.log.stat().st_size if self.log.exists() else 0
        if size != self.size:
            self.size, self.since = size, now
            return False
        if now - self.since <= self.QUIET_S:
            return False
        self.since = now   # read the log again only after another quiet spell
        return early_crash(self.log.parent) is not None


def run(results=None, **kw):
    """Boot one guest (boot_once); a guest whose kernel died before the test script started
    is booted once more, and the summary says so (its first serial log is kept)."""
    results = Path(results or tempfile.mkdtemp(prefix='virtgpu-')).resolve()
    s = boot_once(results=results, **kw)
    why = early_crash(results)
    if why:
        first = (results / 'serial.log').read_text(errors='replace')
        print(f'vmrun: the guest kernel died before the test started ({why}): booting again',
              file=sys.stderr)
        s = boot_once(results=results, **kw)
        (results / 'serial-early-crash.log').write_text(first)
        s['retried'] = why
        for t in s['tests']:
            if t['name'] == 'run-complete':
                t['detail'] = (t['detail'] + '; ' if t['detail'] else '') + \
                    f'booted twice: the first boot died before the test ({why})'
        (results / 'summary.json').write_text(json.dumps(s, indent=1) + '\n')
    return s


def boot_once(kernel=None, devices=(), vga='none', driver='ours', script=None, results=None,
              timeout=600, display='none', extra_qemu=(), mem='2G', smp=2, append='',
              label=None, prefix=None):
    """Boot one guest; returns the summary dict (also written to results/summary.json)."""
    kernel = kernel or installed_kernels()[-1]
    # "tests/guest/x.sh A B": the words after the path reach the script as "$@" (through
    # virtgpu.arg= on the kernel command line, so they cannot contain spaces).
    script, *script_args = shlex.split(script)
    label = label or Path(script).stem
    prefix = prefix or f'{kernel}/{driver}/{label}'
    results = Path(results or tempfile.mkdtemp(prefix='virtgpu-')).resolve()
    prepare_results(results)

    arch = kernel_arch(kernel)
    if arch != 'x86_64' and vga != 'none':
        raise SystemExit(f'vmrun: {arch} guests have no -vga (got --vga {vga}): use --device')
    rootfs = last_line([str(VM_DIR / 'rootfs.sh')],
                       env=dict(os.environ, ROOTFS_ARCH='arm64') if arch == 'arm64' else None)
    initrd = last_line([str(VM_DIR / 'initramfs.sh'), kernel])

    devices, gpu_id = plan_devices(devices, vga)
    # The kernel's configuration, for tests that skip what the kernel lacks (lib.sh kconfig).
    kroot = kernel_root(kernel)
    config = kroot / f'boot/config-{kernel}'
    if config.exists():
        shutil.copy(config, results / 'kernel-config')

    def virtfs(path, tag, ro=True):
        p = str(path).replace(',', ',,')
        return ['-virtfs', f'local,path={p},mount_tag={tag},security_model=none,'
                           f'multidevs=remap' + (',readonly=on' if ro else '')]

    rundir = Path(tempfile.mkdtemp(prefix='virtgpu-run-'))   # short path: sun_path <= 107
    qmp_path = rundir / 'qmp.sock'
    # loglevel=5: warnings and worse also reach the serial log (our fallback if the guest
    # dies before saving dmesg); log_buf_len: long IGT runs must not wrap the kernel log.
    # QEMU 7.2 resets virtio-gpu-gl's GL scanouts from the vCPU thread that wrote the reset
    # (virtio_gpu_virgl_reset_scanout -> sdl2_gl_scanout_disable) and now and then crashes in
    # the GL library when it does; Linux 6.12 resets virtio devices at power-off. So a guest
    # with a GL display does not power off: it leaves a marker and QEMU is told to quit.
    gl = 'gl=on' in display
    # sysrq_always_enabled: a guest that times out is asked for its blocked tasks first.
    qemu_arch, console = ARCHES[arch]
    cmdline = (f'console={console} loglevel=5 panic=-1 log_buf_len=8M sysrq_always_enabled '
               'modprobe.blacklist=virtio_gpu '
               f'virtgpu.script={script} virtgpu.driver={driver} ' +
               ('virtgpu.halt=host ' if gl else '') +
               ''.join(f'virtgpu.arg={a} ' for a in script_args) +
               kernel_append(kernel, append)).strip()
    cmd = qemu_arch + ['-accel', 'tcg', '-m', mem,
           '-smp', str(smp), '-nodefaults', '-vga', vga, '-display', display, '-no-reboot',
           '-name', 'debug-threads=on',   # thread names: vCPUs apart from the rest (do_cpu)
           '-serial', f'file:{results}/serial.log',
           '-qmp', f'unix:{qmp_path},server=on,wait=off',
           '-kernel', str(kroot / f'boot/vmlinuz-{kernel}'), '-initrd', initrd,
           '-append', cmdline]
    cmd += virtfs(rootfs, 'rootfs') + virtfs((kroot / 'lib/modules').resolve(), 'modules')
    cmd += virtfs(TREE, 'tree') + virtfs(results, 'results', ro=False)
    for dev in devices:
        cmd += ['-device', dev]
    for arg in extra_qemu:   # each one is shell-split; {results} names the results dir
        cmd += [a.replace('{results}', str(results)) for a in shlex.split(arg)]
    (results / 'qemu-cmd.txt').write_text(shlex.join(cmd) + '\n')

    xvfb = xdisplay = None
    env = dict(os.environ)
    if display != 'none':
        xvfb, xdisplay = start_xvfb()
        env['DISPLAY'] = xdisplay
    reqs = Requests(results, qmp_path, gpu_id, xdisplay)
    say(f'booting {kernel} ({driver}) with {script}; results in {results}')
    start = time.monotonic()
    timed_out = quit_sent = False
    stalled = EarlyStall(results, start)
    qemu = None
    try:
        with open(results / 'qemu.log', 'w') as qlog:
            qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=qlog,
                                    stderr=subprocess.STDOUT, env=env)
        reqs.pid = qemu.pid
        while qemu.poll() is None:
            if time.monotonic() - start > timeout:
                timed_out = True
                say(f'timeout after {timeout}s: blocked tasks to serial.log, killing QEMU')
                show_blocked_tasks(reqs)
                qemu.kill()
                qemu.wait()
                break
            if stalled(time.monotonic()):
                say(f'the guest kernel died before the test and printed nothing for '
                    f'{EarlyStall.QUIET_S} s: killing QEMU')
                qemu.kill()
                qemu.wait()
                break
            reqs.poll()
            if gl and (results / 'halt-requested').exists() and not quit_sent:
                quit_sent = True   # if QMP fails, the guest powers off by itself in 60 s
                try:
                    reqs.qmp_cmd('quit')
                except (OSError, RuntimeError) as e:
                    say(f'QMP quit failed ({e}); waiting for the guest to power off')
            time.sleep(0.2)
    finally:
        if qemu and qemu.poll() is None:   # interrupted: do not leave QEMU running
            qemu.kill()
            qemu.wait()
        reqs.close()
        if xvfb:
            xvfb.terminate()
            xvfb.wait()
        shutil.rmtree(rundir, ignore_errors=True)
    duration = time.monotonic() - start

    tests, bad = collect(results, timed_out, None if timed_out else qemu.returncode,
                         label, driver)
    summary = {
        'prefix': prefix, 'kernel': kernel, 'arch': arch, 'driver': driver, 'label': label,
        'script': shlex.join([script] + script_args), 'devices': devices, 'results': str(results),
        'duration_s': round(duration, 1), 'timed_out': timed_out,
        'tests': [{'status': s, 'name': n, 'detail': d} for s, n, d in tests],
        'dmesg_hits': bad,
    }
    for status, key in (('PASS', 'passed'), ('FAIL', 'failed'), ('SKIP', 'skipped')):
        summary[key] = sum(1 for t in tests if t[0] == status)
    (results / 'summary.json').write_text(json.dumps(summary, indent=1) + '\n')
    say(f'{prefix}: {duration:.1f} s')
    return summary


def say(*a):
    print('vmrun:', *a, file=sys.stderr)


def show_blocked_tasks(reqs):
    """SysRq-W through the guest's keyboard: the kernel prints its blocked tasks' stacks
    on the serial console, so a hang's cause is in serial.log."""
    try:
        reqs.qmp_cmd('human-monitor-command', {'command-line': 'sendkey alt-sysrq-w'})
        time.sleep(5)
    except (OSError, RuntimeError) as e:
        say(f'no SysRq-W ({e})')


def add_run_args(p):
    """Guest options shared with the suite runner."""
    p.add_argument('--vga', default='none', help='QEMU -vga (default: none)')
    p.add_argument('--driver', default='ours', help='ours | intree')
    p.add_argument('--timeout', type=float, default=600, help='seconds per boot')
    p.add_argument('--display', default='none',
                   help='QEMU -display: none, or e.g. sdl, sdl,gl=on (runs under Xvfb)')
    p.add_argument('--extra-qemu', action='append', default=[], metavar='ARGS',
                   help='more QEMU arguments, shell-split; {results} = results dir')
    p.add_argument('--mem', default='2G')
    p.add_argument('--smp', type=int, default=2)
    p.add_argument('--append', default='', help='extra kernel command line')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--kernel', help='KVER (default: newest in /boot)')
    p.add_argument('--device', action='append', default=[], metavar='ARGS',
                   help='a -device (repeatable; default virtio-gpu-pci with --vga none, '
                        'none with another --vga; "none": no device)')
    p.add_argument('--script', required=True,
                   help='guest script relative to the tree, optionally with arguments')
    p.add_argument('--results', help='results dir (default: a new temp dir)')
    p.add_argument('--label', help='test name prefix label (default: script name)')
    add_run_args(p)
    a = p.parse_args()
    if a.driver not in ('ours', 'intree'):
        p.error('--driver must be ours or intree')
    s = run(kernel=a.kernel, devices=a.device, vga=a.vga, driver=a.driver, script=a.script,
            results=a.results, timeout=a.timeout, display=a.display,
            extra_qemu=a.extra_qemu, mem=a.mem, smp=a.smp, append=a.append, label=a.label)
    for t in s['tests']:
        print(format_test(s['prefix'], t['status'], t['name'], t['detail']))
    sys.exit(1 if s['failed'] else 0)


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))   # run the cleanup in run()
    main()
