#!/bin/bash
# Build (once) and cache the Debian root filesystem the test guests boot from.
# Usage: tests/vm/rootfs.sh [OUT_DIR]   -> prints the rootfs directory as the last stdout line.
# The guest mounts it read-only over virtio-9p, so one cached copy serves every boot.
# Cached under $VIRTGPU_CACHE (default /var/cache/virtgpu) by a hash of the package list and
# ROOTFS_VERSION: bump ROOTFS_VERSION whenever the customisation below changes.
# ROOTFS_ARCH=arm64: the arm64 guests' smaller tree (bookworm, what the smoke suite runs:
# shells, kmod, python3, libdrm), only unpacked (mmdebstrap's extract variant), since no
# arm64 program can run on this host to configure packages; it also serves as the sysroot
# that vgpu-kmstest is cross-built against (libdrm-dev). Cached as rootfs-arm64-<hash>.
set -euo pipefail

ROOTFS_VERSION=1
MIRROR=http://deb.debian.org/debian
ARCH=${ROOTFS_ARCH:-amd64}
case $ARCH in
amd64)
	SUITE=sid	# igt-gpu-tools only exists in sid
	VARIANT=apt
	TAG=
	PACKAGES=(
		igt-gpu-tools igt-gpu-tools-tests libdrm-tests kmod busybox python3 mount procps
		mesa-utils kmscube libgl1-mesa-dri libegl1 libgles2 glmark2-es2-drm
		weston seatd
		xserver-xorg-core xinit xauth x11-xserver-utils x11-apps # xserver-xorg-core has modesetting_drv
	)
	;;
arm64)
	SUITE=bookworm	# its libdrm links with the cross compiler's glibc (bookworm's)
	VARIANT=extract
	TAG=arm64-
	PACKAGES=(
		bash dash coreutils sed grep mawk findutils util-linux mount procps kmod python3
		busybox libdrm-dev
	)
	;;
*) echo "rootfs: ROOTFS_ARCH is amd64 or arm64, not $ARCH" >&2; exit 2 ;;
esac

# The amd64 key leaves the arch out: it stays the one every existing cache (and checkout) has.
key=$(printf '%s\n' "${PACKAGES[@]}" "suite=$SUITE" "version=$ROOTFS_VERSION" ${TAG:+"arch=$ARCH"} | sort |
	sha256sum | cut -c1-12)
cache=${VIRTGPU_CACHE:-/var/cache/virtgpu}
out=${1:-$cache/rootfs-$TAG$key}
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
echo "rootfs: building $SUITE $ARCH rootfs in $out (about a minute, ~1 GB)" >&2
# The sid Release file on the mirror can be past its Valid-Until date: do not reject it.
# Docs, man pages and translations are never read in the guest: leave them out.
mmdebstrap --variant="$VARIANT" --architectures="$ARCH" --format=directory \
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
# What maintainer scripts would have made (the extract variant runs none): awk.
[ "$VARIANT" != extract ] || ln -sfn mawk "$tmp/usr/bin/awk"
date -u +%FT%TZ >"$tmp/$marker"
mv -T "$tmp" "$out"
trap - EXIT
# Trees for an older package list are dead weight (about 1 GB each); the other arch's stays,
# and so does one made in the last day: another checkout's run may be using it.
keep=(! -name 'rootfs-arm64-*')
[ -z "$TAG" ] || keep=()
[ $# -gt 0 ] || find "$cache" -maxdepth 1 -name "rootfs-$TAG????????????*" ! -name "${out##*/}*" \
	! -name '*.tmp.*' -mtime +0 "${keep[@]}" -exec rm -rf {} +
echo "rootfs: built in $(($(date +%s) - start)) s, $(du -sh "$out" | cut -f1)" >&2
echo "$out"
