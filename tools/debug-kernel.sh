#!/bin/bash
# Build and install a debug 6.12 guest kernel from Debian's linux-source-6.12: KASAN,
# lockdep (PROVE_LOCKING), kmemleak and DEBUG_OBJECTS, plus CONFIG_DRM_PANIC with its debugfs trigger,
# which Debian's own kernels lack. Not part of `make check` (about 15 min on 2 cores, a
# 2.5 GB tree in /var/cache/virtgpu); the guest tests then run on it by name:
#   tools/debug-kernel.sh            # prints the release, e.g. 6.12.57-vgpu-debug
#   make KVER=<release> modules
#   python3 tests/vm/suite.py --kernels <release> --only panic
# (its boots get the options it needs under TCG: tests/vm/vmrun.py DEBUG_KERNEL_APPEND.)
set -euo pipefail

SRC_TAR=/usr/src/linux-source-6.12.tar.xz
TREE=/var/cache/virtgpu/linux-debug

missing=()
for p in linux-source-6.12 flex bison bc libelf-dev libssl-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} = 0 ] || apt-get install -y -q "${missing[@]}" >&2

if [ ! -f "$TREE/Makefile" ]; then
	mkdir -p "$TREE"
	tar -xJf "$SRC_TAR" -C "$TREE" --strip-components=1
fi
cd "$TREE"

make -s x86_64_defconfig
make -s kvm_guest.config
# Modules where the harness loads them (DRM, virtio-pci, 9p); everything a test checks built in.
scripts/config --set-str LOCALVERSION -vgpu-debug -d LOCALVERSION_AUTO \
	-e MODULES -e MODULE_UNLOAD -d WERROR -e DEBUG_INFO_NONE -d DEBUG_INFO_BTF \
	-m DRM -m DRM_VIRTIO_GPU -m DRM_BOCHS -m DRM_QXL -m DRM_VMWGFX -e DRM_FBDEV_EMULATION \
	-e FB_CORE -e FB -e FRAMEBUFFER_CONSOLE \
	-e DRM_PANIC -e DRM_PANIC_DEBUG -e DEBUG_FS \
	-m VIRTIO_PCI -m NET_9P -m NET_9P_VIRTIO -m 9P_FS -e 9P_FS_POSIX_ACL \
	-e OVERLAY_FS -e TMPFS -e DEVTMPFS -e DEVTMPFS_MOUNT \
	-e KASAN -e KASAN_GENERIC -e KASAN_INLINE -e PROVE_LOCKING -e DEBUG_OBJECTS \
	-e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_DEFAULT_OFF
make -s olddefconfig
for opt in DRM_PANIC DRM_PANIC_DEBUG KASAN PROVE_LOCKING DEBUG_KMEMLEAK FB FRAMEBUFFER_CONSOLE; do
	grep -q "^CONFIG_$opt=y" .config || { echo "CONFIG_$opt did not stick" >&2; exit 1; }
done

make -s -j"$(nproc)" bzImage modules >&2
make -s modules_install >&2
rel=$(make -s kernelrelease)
install -m 644 arch/x86/boot/bzImage "/boot/vmlinuz-$rel"
install -m 644 .config "/boot/config-$rel"
echo "$rel"
