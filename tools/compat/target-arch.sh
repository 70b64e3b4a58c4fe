#!/bin/bash
# Print "export ARCH=... CROSS_COMPILE=..." for a kernel tree KDIR of another
# architecture than the host's (nothing for a native one), from the tree's own
# configuration: the target is the kernel's. Settings the caller has win. Without a cross compiler for a foreign kernel the
# build stops here, naming the package that has one.
#
# usage: eval "$(target-arch.sh KDIR)"
set -euo pipefail

conf=$1/include/config/auto.conf
[ -r "$conf" ] || { echo "target-arch: no $conf (not a configured kernel tree)" >&2; exit 1; }
if grep -q '^CONFIG_ARM64=y' "$conf"; then
	arch=arm64 machine=aarch64 triplet=aarch64-linux-gnu
elif grep -q '^CONFIG_X86_64=y' "$conf"; then
	arch=x86 machine=x86_64 triplet=x86_64-linux-gnu
else
	echo "target-arch: $1 is neither x86-64 nor arm64" >&2
	exit 1
fi

# A native kernel needs nothing; the caller's own settings win.
[ "$(uname -m)" != "$machine" ] || exit 0
echo "export ARCH=${ARCH:-$arch}"
[ -z "${CROSS_COMPILE:-}" ] || { echo "export CROSS_COMPILE=$CROSS_COMPILE"; exit 0; }
if ! command -v "$triplet-gcc" >/dev/null; then
	echo "target-arch: $1 is $arch and $triplet-gcc is missing (apt install gcc-$triplet)" >&2
	exit 1
fi
echo "export CROSS_COMPILE=$triplet-"
