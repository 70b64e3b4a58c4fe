#!/bin/bash
# The virtgpu-dkms package in a clean Debian bookworm chroot (cached, built by
# mmdebstrap with a kernel, its headers, dkms and initramfs-tools): installing
# it builds both modules for the kernel and puts the virtio_gpu blacklist into
# the initramfs; a kernel's headers installed afterwards get the modules through
# DKMS; removing the package takes modules and blacklist away again.
# Prints PASS/FAIL lines and "N passed, N failed".
#   tests/deb/test-chroot.sh DEB
set -uo pipefail
deb=$(realpath "$1")
cd "$(dirname "$0")/../.." || exit 2
passed=0 failed=0
result() {
	if [ "$1" = 0 ]; then echo "PASS deb/$2"; passed=$((passed + 1))
	else echo "FAIL deb/$2${3:+: $3}"; failed=$((failed + 1)); fi
}

# Read whole: with pipefail, "| head -n 1" can kill kernels.sh by SIGPIPE.
mapfile -t kernels < <(tools/kernels.sh)
k1=${kernels[0]:-} k2=${kernels[1]:-}
base=${VIRTGPU_CACHE:-/var/cache/virtgpu}/debtest-$k1
if [ ! -e "$base/.complete" ]; then
	rm -rf "$base"
	mmdebstrap --variant=apt --include="dkms,initramfs-tools,kmod,linux-image-$k1,linux-headers-$k1" \
		bookworm "$base" "deb http://deb.debian.org/debian bookworm main" \
		"deb http://deb.debian.org/debian-security bookworm-security main" >/dev/null 2>&1 ||
		{ echo "FAIL deb/chroot: mmdebstrap failed"; echo "0 passed, 1 failed"; exit 1; }
	touch "$base/.complete"
fi
root=$(mktemp -d /var/tmp/virtgpu-debtest.XXXXXX)
cleanup() { umount "$root/proc" 2>/dev/null; rm -rf "$root"; }
trap cleanup EXIT
cp -a "$base/." "$root/"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/pkg.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
# Module names without the compression suffix DKMS follows the kernel in using.
mods() {
	find "$root/lib/modules/$1/updates/dkms/" -name '*.ko*' -printf '%f\n' 2>/dev/null |
		sed -E 's/\.(xz|zst|gz)$//' | sort | tr '\n' ' '
}

out=$(in_root dpkg -i /tmp/pkg.deb 2>&1)
result $? install "$(echo "$out" | tail -n 3)"
m=$(mods "$k1")
[ "$m" = "qemuvga.ko virtgpu.ko " ]
result $? "modules-built-$k1" "updates/dkms has: ${m:-nothing}"
in_root modinfo -F alias "/lib/modules/$k1/updates/dkms/virtgpu.ko" | grep -q '^virtio:d00000010v'
result $? virtgpu-claims-virtio-gpu
# Whole listings first, then here-strings: grep -q would end a pipe early (pipefail).
initrd=$(in_root lsinitramfs "/boot/initrd.img-$k1")
grep -q 'modprobe.d/virtgpu.conf$' <<<"$initrd"
result $? blacklist-in-initramfs "$(echo "$initrd" | wc -l) files, no virtgpu.conf"
config=$(in_root modprobe --showconfig)
grep -q '^blacklist virtio_gpu$' <<<"$config"
result $? virtio_gpu-blacklisted

# A kernel upgrade: DKMS builds for the new headers by itself.
if [ -n "$k2" ]; then
	out=$(in_root sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends linux-headers-$k2" 2>&1)
	result $? "install-headers-$k2" "$(echo "$out" | tail -n 3)"
	m=$(mods "$k2")
	[ "$m" = "qemuvga.ko virtgpu.ko " ]
	result $? "modules-built-$k2" "updates/dkms has: ${m:-nothing}"
fi

out=$(in_root dpkg -r virtgpu-dkms 2>&1)
result $? remove "$(echo "$out" | tail -n 3)"
m=$(mods "$k1")
[ -z "$m" ]
result $? modules-removed "left: $m"
initrd=$(in_root lsinitramfs "/boot/initrd.img-$k1")
[ -n "$initrd" ] && ! grep -q 'virtgpu.conf$' <<<"$initrd"
result $? blacklist-gone-from-initramfs
config=$(in_root modprobe --showconfig)
[ -n "$config" ] && ! grep -q '^blacklist virtio_gpu$' <<<"$config"
result $? virtio_gpu-not-blacklisted

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
