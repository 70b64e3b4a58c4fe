#!/bin/bash
# A bootable Debian bookworm disk image for tests/deb/test-diskimage.sh: one ext4
# filesystem over the whole raw disk (root=/dev/vda), systemd and udev as init, kernel
# K1 with its headers, dkms and initramfs-tools with zstd (its own initramfs in /boot;
# without zstd it falls back to the slower gzip), and the
# packages of kernel K2 (image and headers) already downloaded into apt's cache, so
# installing K2 later needs no network. Cached in /var/cache/virtgpu as
# diskimage-<K1>-<hash>.img, the hash over K1, K2 and this script; other files
# of that name are removed when a new one is made. Prints the image's path.
#   tests/deb/make-diskimage.sh K1 K2
set -euo pipefail
k1=$1 k2=$2
cache=${VIRTGPU_CACHE:-/var/cache/virtgpu}
key=$( { echo "$k1 $k2"; cat "$0"; } | sha256sum | cut -c 1-12)
img=$cache/diskimage-$k1-$key.img
if [ -e "$img" ]; then
	echo "$img"
	exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/diskimage.lock"
flock 9
[ -e "$img" ] && { echo "$img"; exit 0; }

root=$(mktemp -d /var/tmp/virtgpu-diskimage-root.XXXXXX)
trap 'rm -rf "$root" "$img.tmp"' EXIT
t0=$(date +%s)
# The apt lists and the downloaded K2 packages stay (cleanup/apt skipped).
mmdebstrap --variant=apt --skip=cleanup/apt \
	--include="systemd-sysv,udev,kmod,zstd,dkms,initramfs-tools,linux-image-$k1,linux-headers-$k1" \
	--customize-hook="chroot \"\$1\" apt-get install -d -y -q --no-install-recommends \
		linux-image-$k2 linux-headers-$k2" \
	bookworm "$root" "deb http://deb.debian.org/debian bookworm main" \
	"deb http://deb.debian.org/debian-security bookworm-security main" >&2
[ -e "$root/boot/initrd.img-$k1" ] || { echo "make-diskimage: no initramfs for $k1" >&2; exit 1; }

echo virtgpu-disk >"$root/etc/hostname"
echo '/dev/vda / ext4 defaults 0 1' >"$root/etc/fstab"
# No login prompts: nobody logs in, and the serial port is the report channel.
for u in getty@tty1.service serial-getty@ttyS0.service; do
	ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# The guest's disk grows by about 1.5 GB with K2 and the DKMS builds.
size=$(($(du -sm "$root" | cut -f 1) + 3000))
mke2fs -q -t ext4 -L virtgpu-root -d "$root" "$img.tmp" "${size}M" >&2
mv "$img.tmp" "$img"
find "$cache" -maxdepth 1 -name 'diskimage-*.img' ! -path "$img" -delete
echo "make-diskimage: $img built in $(($(date +%s) - t0)) s" >&2
echo "$img"
