#!/bin/bash
# Fetch (once) and lay out Debian's arm64 kernel headers for every supported
# x86-64 kernel here, for cross builds: the same Debian release's
# linux-headers-<abi>-arm64, unpacked under $VIRTGPU_CACHE/cross, its scripts
# pointed at this host's linux-kbuild of the same version (the arm64 package's
# own are arm64 binaries). Prints one KDIR per line.
#   tools/cross-headers.sh [arm64]
set -euo pipefail

arch=${1:-arm64}
[ "$arch" = arm64 ] || { echo "cross-headers: only arm64 is supported" >&2; exit 2; }
cache=${VIRTGPU_CACHE:-/var/cache/virtgpu}/cross
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$cache"

for k in $("$here/kernels.sh"); do
	host_pkg=linux-headers-$k
	abi=${k%-amd64}
	target=linux-headers-$abi-$arch
	kdir=$cache/usr/src/$target
	if [ -e "$kdir/.virtgpu-complete" ]; then
		echo "$kdir"
		continue
	fi
	# The arm64 file sits beside the amd64 one in the same archive.
	file=$(apt-cache show --no-all-versions "$host_pkg" | sed -n 's/^Filename: //p' | head -n 1)
	site=$(apt-cache policy "$host_pkg" | grep -m 1 -oE 'https?://[^ ]+')
	if [ -z "$file" ] || [ -z "$site" ]; then
		echo "cross-headers: apt knows no archive file for $host_pkg" >&2
		exit 1
	fi
	url=$site/${file%_amd64.deb}_$arch.deb
	url=${url/"$abi-amd64_"/"$abi-${arch}_"}
	deb=$cache/${url##*/}
	if [ ! -s "$deb" ]; then
		curl -fsSL -o "$deb.tmp" "$url" ||
			{ echo "cross-headers: cannot fetch $url" >&2; rm -f "$deb.tmp"; exit 1; }
		mv "$deb.tmp" "$deb"
	fi
	dpkg-deb -x "$deb" "$cache"
	kbuild=$(readlink "/usr/src/linux-headers-$k/scripts")	# ../../lib/linux-kbuild-X/scripts
	ln -sfn "/usr/${kbuild#../../}" "$kdir/scripts"
	[ ! -L "$kdir/tools" ] || ln -sfn "$(dirname "/usr/${kbuild#../../}")/tools" "$kdir/tools"
	touch "$kdir/.virtgpu-complete"
	echo "$kdir"
done
