#!/usr/bin/env python3
"""Print the DRM driver name, version and description of a DRM node.

usage: drm_version.py /dev/dri/card0
Uses DRM_IOCTL_VERSION directly, as libdrm's drmGetVersion() does.
"""
import ctypes
import fcntl
import os
import sys


class DrmVersion(ctypes.Structure):
    _fields_ = [('major', ctypes.c_int), ('minor', ctypes.c_int),
                ('patchlevel', ctypes.c_int),
                ('name_len', ctypes.c_size_t), ('name', ctypes.c_char_p),
                ('date_len', ctypes.c_size_t), ('date', ctypes.c_char_p),
                ('desc_len', ctypes.c_size_t), ('desc', ctypes.c_char_p)]


def iowr(nr, size):
    return (3 << 30) | (size << 16) | (ord('d') << 8) | nr


def main():
    fd = os.open(sys.argv[1], os.O_RDWR)
    ver = DrmVersion()
    req = iowr(0x00, ctypes.sizeof(DrmVersion))
    fcntl.ioctl(fd, req, ver)            # first call: lengths only
    bufs = [ctypes.create_string_buffer(n + 1) for n in
            (ver.name_len, ver.date_len, ver.desc_len)]
    ver.name, ver.date, ver.desc = [ctypes.cast(b, ctypes.c_char_p) for b in bufs]
    fcntl.ioctl(fd, req, ver)
    print(f'{bufs[0].value.decode()} {ver.major}.{ver.minor}.{ver.patchlevel} '
          f'{bufs[2].value.decode()!r}')


main()
