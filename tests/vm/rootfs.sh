#!/bin/bash
# Build (once) and cache the Debian sid root filesystem the test guests boot from.
# Usage: tests/vm/rootfs.sh [OUT_DIR]   -> prints the rootfs directory as the last stdout line.
# The guest mounts it read-only over virtio-9p, so one cached copy serves every boot.
# Cached under $VIRTGPU_CACHE (default /var/cache/virtgpu) by a hash of the package list and
# ROOTFS_VERSION: bump ROOTFS_VERSION whenever the customisation below changes.
set -euo pipefail

ROOTFS_VERSION=1
SUITE=sid			# igt-gpu-tools only exists in sid
MIRROR=http://deb.debian.org/debian
PACKAGES=(
	igt-gpu-tools igt-gpu-tools-tests libdrm-tests kmod busybox python3 mount procps
	mesa-utils kmscube libgl1-mesa-dri libegl1 libgles2 glmark2-es2-drm
	weston seatd
	xserver-xorg-core xinit xauth x11-xserver-utils x11-apps # xserver-xorg-core has modesetting_drv
)

key=$(printf '%s\n' "${PACKAGES[@]}" "suite=$SUITE" "version=$ROOTFS_VERSION" | sort |
	sha256sum | cut -c1-12)
cache=${VIRTGPU_CACHE:-/var/cache/virtgpu}
out=${1:-$cache/rootfs-$key}
marker=.virtgpu-rootfs-complete	# written last: its presence means the tree is whole

if [ -e "$out/$marker" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$(dirname "$out")"
# Serialise concurrent callers (e.g. parallel make): the second one then finds the cache.
exec 9>"$out.lock"
flock 9
if [ -e "$out/$marker" ]; then
	echo "$out"
	exit 0
fi

tmp=$out.tmp.$$
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"		# a partial tree from an older, interrupted version of this script
start=$(date +%s)
echo "rootfs: building $SUITE rootfs in $out (about a minute, ~1 GB)" >&2
# The sid Release file on the mirror can be past its Valid-Until date: do not reject it.
# Docs, man pages and translations are never read in the guest: leave them out.
mmdebstrap --variant=apt --format=directory \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--include="$(IFS=,; echo "${PACKAGES[*]}")" \
	"$SUITE" "$tmp" "$MIRROR" >&2

# Mount points for the 9p exports made by tests/vm/init (the rootfs itself is read-only).
# /lib is a symlink to usr/lib in sid; mkdir follows it.
mkdir -p "$tmp/mnt/virtgpu" "$tmp/mnt/results" "$tmp/lib/modules"
echo virtgpu-guest >"$tmp/etc/hostname"
date -u +%FT%TZ >"$tmp/$marker"
mv -T "$tmp" "$out"
trap - EXIT
# Trees for an older package list are dead weight (about 1 GB each).
[ $# -gt 0 ] || find "$cache" -maxdepth 1 -name 'rootfs-????????????*' ! -name "${out##*/}*" \
	! -name '*.tmp.*' -exec rm -rf {} +
echo "rootfs: built in $(($(date +%s) - start)) s, $(du -sh "$out" | cut -f1)" >&2
echo "$out"
