#!/bin/bash
# Install every host package the build, the guest harness and the tests need.
# Idempotent: only missing packages are installed; safe to run on every `make`.
set -euo pipefail

# Newest Debian 6.12 kernel built for bookworm (from bookworm-security).
pick_612() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sed 's/^linux-headers-//' | sort -V | tail -n 1
}

PKGS=(
	build-essential make gcc sparse kmod cpio xz-utils busybox-static mmdebstrap
	qemu-system-x86 qemu-system-gui qemu-utils xvfb xdotool x11-apps xauth
	imagemagick python3 libdrm-dev pkg-config perl linux-source-6.12
	linux-image-amd64 linux-headers-amd64
	clang libclang-rt-14-dev
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross curl
	qemu-system-arm	# the arm64 smoke boots (qemu-system-aarch64 -M virt)
	debhelper dh-dkms lintian
)

need_update=0
[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' 2>/dev/null | head -n 1)" ] ||
	need_update=1
if [ "$need_update" = 1 ]; then
	apt-get update -q
fi

k612=$(pick_612 || true)
if [ -z "$k612" ]; then
	apt-get update -q
	k612=$(pick_612)
fi
PKGS+=("linux-image-$k612-unsigned" "linux-headers-$k612")

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}"; then
		apt-get update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}"
	fi
fi
echo "setup: host dependencies present (6.12 kernel: $k612)"
# Newer Debian releases' kernels, headers and compilers: one cached chroot each.
"$(dirname "$0")/suite-chroots.sh" setup | sed 's/^/setup: chroot /'
