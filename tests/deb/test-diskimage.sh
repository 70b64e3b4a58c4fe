#!/bin/bash
# The virtgpu-dkms package on a guest booting from its own writable Debian disk image
# (tests/deb/make-diskimage.sh, cached): its own kernel and initramfs from its /boot,
# systemd and udev's coldplug choosing the driver. Each boot ends in
# virtgpu-report.service (tests/deb/guest/), which reports the driver bound to the
# virtio-gpu device and paints a pattern into /dev/fb0 that the host reads back with a
# screendump (tests/deb/diskboot.py). Between boots the image is changed offline, as
# dpkg would inside it: the filesystem loop-mounted, dpkg and apt run chrooted into it.
#   boot 0  K1, no package: the in-tree virtio_gpu binds
#   install the .deb (DKMS builds for K1, the initramfs gets the blacklist)
#   boot 1  K1: virtgpu binds, virtio_gpu not loaded, the pattern on screen
#   install kernel K2 (image and headers from the image's apt cache): DKMS builds for it
#   boot 2  K2: the same as boot 1                      (skipped with UPGRADE=0)
#   purge the package
#   boot 3  the newest kernel: the in-tree virtio_gpu binds again, no DKMS modules
# Prints PASS/FAIL lines and "N passed, N failed"; keeps each boot's serial log,
# screendump and report in OUT_DIR (default tests/out/diskimage-<date>).
#   tests/deb/test-diskimage.sh DEB [OUT_DIR]
set -uo pipefail
deb=$(realpath "$1")
cd "$(dirname "$0")/../.." || exit 2
out=$(realpath -m "${2:-tests/out/diskimage-$(date +%Y%m%d-%H%M%S)}")
mkdir -p "$out"
passed=0 failed=0
result() {
	if [ "$1" = 0 ]; then echo "PASS disk/$2${3:+ ($3)}"; passed=$((passed + 1))
	else echo "FAIL disk/$2${4:+: $4}"; failed=$((failed + 1)); fi
}
# A step that must work for the rest to mean anything: its failure ends the test.
fatal() {
	echo "FAIL disk/$1: $2"
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
}
# Seconds since $1, for the details.
since() { echo "$(($(date +%s) - $1)) s"; }

# Read whole: with pipefail, "| head -n 1" can kill kernels.sh by SIGPIPE.
mapfile -t kernels < <(tools/kernels.sh)
k1=${kernels[0]:-} k2=${kernels[1]:-}
[ -n "$k2" ] || fatal kernels "need two supported kernels (tools/kernels.sh)"
t=$(date +%s)
base=$(tests/deb/make-diskimage.sh "$k1" "$k2" 2>"$out/make-diskimage.log") ||
	fatal image "tests/deb/make-diskimage.sh failed: $(tail -n 3 "$out/make-diskimage.log")"
result 0 image "$(basename "$base"), $(since "$t")"

work=$(mktemp -d /var/tmp/virtgpu-disktest.XXXXXX)
img=$work/disk.img mnt=$work/mnt
mkdir "$mnt"
unmount() {
	mountpoint -q "$mnt/proc" && umount "$mnt/proc"
	mountpoint -q "$mnt" && umount "$mnt"
}
cleanup() { unmount; rm -rf "$work"; }
trap cleanup EXIT
cp --sparse=always "$base" "$img"

# The image's filesystem at $mnt (the guest is not running), with /proc for dpkg's scripts.
mount_image() {
	{ mount -o loop "$img" "$mnt" && mount -t proc proc "$mnt/proc"; } ||
		fatal mount "cannot loop-mount $img"
}
# A command chrooted into the mounted image, in a clean environment.
in_image() {
	chroot "$mnt" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive "$@"
}
# Module names in updates/dkms of kernel $1 in the mounted image, without compression suffix.
mods() {
	find "$mnt/lib/modules/$1/updates/dkms/" -name '*.ko*' -printf '%f\n' 2>/dev/null |
		sed -E 's/\.(xz|zst|gz)$//' | sort | tr '\n' ' '
}

# The report step, installed into the image (not part of the cached base).
mount_image
install -m 755 tests/deb/guest/virtgpu-report "$mnt/usr/local/sbin/"
install -m 644 tests/deb/guest/virtgpu-report.service "$mnt/etc/systemd/system/"
ln -sf /etc/systemd/system/virtgpu-report.service \
	"$mnt/etc/systemd/system/default.target.wants/virtgpu-report.service" 2>/dev/null ||
	{ mkdir -p "$mnt/etc/systemd/system/default.target.wants" &&
		ln -sf /etc/systemd/system/virtgpu-report.service \
			"$mnt/etc/systemd/system/default.target.wants/virtgpu-report.service"; }
unmount

# Boot $2 (kernel) from the image as boot $1; then check the report against $3, the driver
# that must be bound (virtgpu or virtio_gpu).
boot() {
	local n=$1 k=$2 want=$3 dir=$out/boot$1 r m other t
	mount_image
	mkdir -p "$dir"
	cp "$mnt/boot/vmlinuz-$k" "$mnt/boot/initrd.img-$k" "$dir/"
	unmount
	t=$(date +%s)
	python3 tests/deb/diskboot.py "$img" "$dir/vmlinuz-$k" "$dir/initrd.img-$k" "$dir" ||
		echo "exit diskboot.py failed" >>"$dir/report.txt"
	rm -f "$dir/vmlinuz-$k" "$dir/initrd.img-$k"
	r=$dir/report.txt
	v() { sed -n "s/^$1 //p" "$r" | head -n 1; }
	[ "$(v exit)" = ok ]
	result $? "boot$n-$k/powered-off" "$(since "$t")" "$(v exit), $(since "$t"); $dir/serial.log"
	[ "$(v kernel)" = "$k" ]
	result $? "boot$n-$k/kernel" "" "running $(v kernel)"
	[ "$(v gpu-module)" = "$want" ]
	result $? "boot$n-$k/$want-bound" "driver $(v gpu-driver)" \
		"virtio-gpu bound to driver $(v gpu-driver) (module $(v gpu-module))"
	other=virtio_gpu
	[ "$want" = virtio_gpu ] && other=virtgpu
	! grep -q " $other " <<<" $(v loaded) "
	result $? "boot$n-$k/$other-not-loaded" "" "loaded: $(v loaded)"
	m=$(v dkms | sed -E 's/\.(xz|zst|gz)( |$)/\2/g; s/ +$//')
	if [ "$want" = virtgpu ]; then [ "$m" = "qemuvga.ko virtgpu.ko" ]; else [ -z "$m" ]; fi
	result $? "boot$n-$k/updates-dkms" "${m:-empty}" "updates/dkms of the running kernel: ${m:-empty}"
	# modprobe's configuration in the running system: the package's blacklist or none.
	[ "$(v blacklist)" = "$([ "$want" = virtgpu ] && echo 1 || echo 0)" ]
	result $? "boot$n-$k/blacklist" "" "blacklist virtio_gpu lines: $(v blacklist)"
	[ "$(v pixels | cut -d ' ' -f 1)" = ok ]
	result $? "boot$n-$k/pixels" "$(v pixels | cut -d ' ' -f 2-)" \
		"$(v pixels)$(v screen | grep -q none && echo "no 32-bit fb0: $(v fb)")"
	! grep -q '^dmesg-problem' "$r"
	result $? "boot$n-$k/dmesg-clean" "" "$(grep '^dmesg-problem' "$r" | head -n 2 | paste -sd ' ')"
}

# dkms_installed KVER: DKMS built both modules for KVER and its initramfs has the blacklist.
dkms_installed() {
	local m initrd
	m=$(mods "$1")
	[ "$m" = "qemuvga.ko virtgpu.ko " ]
	result $? "modules-built-$1" "" "updates/dkms has: ${m:-nothing}"
	initrd=$(in_image lsinitramfs "/boot/initrd.img-$1")
	# A here-string, not a pipe: grep -q would end the listing's echo early (pipefail).
	grep -q 'modprobe.d/virtgpu.conf$' <<<"$initrd"
	result $? "blacklist-in-initramfs-$1"
}

boot 0 "$k1" virtio_gpu

t=$(date +%s)
mount_image
cp "$deb" "$mnt/tmp/pkg.deb"
o=$(in_image dpkg -i /tmp/pkg.deb 2>&1)
result $? install "$(since "$t")" "$(echo "$o" | tail -n 3)"
dkms_installed "$k1"
unmount
boot 1 "$k1" virtgpu
last=$k1

if [ "${UPGRADE:-1}" != 0 ]; then
	t=$(date +%s)
	mount_image
	o=$(in_image apt-get install -y -q --no-download \
		--no-install-recommends "linux-image-$k2" "linux-headers-$k2" 2>&1)
	result $? "install-kernel-$k2" "$(since "$t")" "$(echo "$o" | tail -n 3)"
	dkms_installed "$k2"
	unmount
	boot 2 "$k2" virtgpu
	last=$k2
fi

t=$(date +%s)
mount_image
o=$(in_image dpkg --purge virtgpu-dkms 2>&1)
result $? purge "$(since "$t")" "$(echo "$o" | tail -n 3)"
m=$(mods "$last")
[ -z "$m" ]
result $? "modules-removed-$last" "" "left: $m"
unmount
boot 3 "$last" virtio_gpu

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
