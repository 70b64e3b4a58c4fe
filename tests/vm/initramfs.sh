#!/bin/bash
# Build (once) and cache the tiny initramfs that boots a test guest with kernel KVER.
# Usage: tests/vm/initramfs.sh KVER [OUT]   -> prints the cpio.gz path as the last stdout line.
# Contents: static busybox, tests/vm/init as /init, and the kernel's modules (the host's, or
# those of the tools/suite-chroots.sh chroot that holds KVER, or for an arm64 KVER those of
# tools/arm64-kernels.sh with its arm64 busybox) that mount a
# virtio-9p root with an overlay on top (virtio_pci, 9p, 9pnet_virtio, overlay and their deps,
# in load order). The cache key hashes every input, so editing init or a kernel update with an
# unchanged KVER rebuilds it.
set -euo pipefail

kver=${1:?usage: initramfs.sh KVER [OUT]}
here=$(cd "$(dirname "$0")" && pwd)
cache=${VIRTGPU_CACHE:-/var/cache/virtgpu}
busybox=/bin/busybox
root=	# the host; else the suite chroot (tools/suite-chroots.sh) that holds the kernel
if [ ! -d "/lib/modules/$kver" ]; then
	for r in "$cache"/suite-*/; do
		[ -e "$r/.virtgpu-complete" ] && [ -d "$r/lib/modules/$kver" ] && root=${r%/}
	done
	# An arm64 kernel and its busybox (tools/arm64-kernels.sh).
	if [ -e "$cache/arm64-root/.virtgpu-complete-$kver" ]; then
		root=$cache/arm64-root
		busybox=$root/bin/busybox
	fi
fi
[ -d "$root/lib/modules/$kver" ] || { echo "initramfs: no /lib/modules/$kver" >&2; exit 1; }
# Only busybox-static's binary runs without a libc in the initramfs.
[ "$busybox" != /bin/busybox ] ||
	dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
	{ echo "initramfs: install busybox-static" >&2; exit 1; }

# Module files in load order, deduplicated ("builtin X" lines name nothing to load).
mapfile -t mods < <(for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe ${root:+-d "$root"} -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')

key=$(sha256sum "$0" "$here/init" "$busybox" "${mods[@]}" | sha256sum | cut -c1-12)
out=$cache/initramfs-$kver-$key.cpio.gz
if [ ! -s "$out" ]; then
	mkdir -p "$cache"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp" "$out.tmp.$$"' EXIT
	mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lower,upper,lib/modules}
	cp "$busybox" "$tmp/bin/busybox"
	ln -s busybox "$tmp/bin/sh"
	install -m 755 "$here/init" "$tmp/init"
	# busybox insmod cannot read compressed modules (6.12 ships .ko.xz): decompress here.
	for f in "${mods[@]}"; do
		name=$(basename "$f"); name=${name%%.ko*}.ko
		case $f in
		*.ko.xz) xz -dc "$f" ;;
		*.ko.zst) zstd -qdc "$f" ;;
		*.ko.gz) gzip -dc "$f" ;;
		*) cat "$f" ;;
		esac >"$tmp/lib/modules/$name"
		echo "$name" >>"$tmp/lib/modules/load-order"
	done
	# The kernel unpacks initramfs before /dev exists: ship /dev/console for early output.
	mknod -m 600 "$tmp/dev/console" c 5 1
	(cd "$tmp" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		gzip -6 >"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"	# atomic: a concurrent caller sees a whole file or none
	# Drop stale images for this kernel (cheap to rebuild); not those made in the last day,
	# which another checkout's run may be booting right now.
	find "$cache" -maxdepth 1 -name "initramfs-$kver-*.cpio.gz" ! -path "$out" -mtime +0 \
		-delete
fi
if [ $# -ge 2 ]; then
	cp "$out" "$2"
	out=$2
fi
echo "$out"
