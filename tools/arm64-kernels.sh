#!/bin/bash
# Fetch (once) and lay out what an arm64 test guest boots: Debian's arm64 kernel of every
# supported x86-64 kernel here (the same release's linux-image-<abi>-arm64-unsigned, the
# sibling of the cross-build headers of tools/cross-headers.sh) with its modules and their
# modules.dep, and busybox-static's arm64 binary for the initramfs. Everything goes to
# $VIRTGPU_CACHE/arm64-root (boot/, lib/modules/, bin/busybox); a kernel is ready when its
# .virtgpu-complete-<KVER> marker is there (about 550 MB for two kernels). Prints one KVER
# per line.
#   tools/arm64-kernels.sh
set -euo pipefail

cache=${VIRTGPU_CACHE:-/var/cache/virtgpu}
root=$cache/arm64-root
debs=$cache/arm64-debs
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$root" "$debs"

# fetch AMD64_PACKAGE ARM64_NAME_OF_IT: the arm64 .deb that sits beside the amd64 one in the
# same archive, downloaded once; prints its path.
fetch() {
	local file site url deb
	file=$(apt-cache show --no-all-versions "$1" | sed -n 's/^Filename: //p' | head -n 1)
	site=$(apt-cache policy "$1" | grep -m 1 -oE 'https?://[^ ]+')
	if [ -z "$file" ] || [ -z "$site" ]; then
		echo "arm64-kernels: apt knows no archive file for $1" >&2
		exit 1
	fi
	url=$site/${file%_amd64.deb}_arm64.deb
	url=${url/"/$1_"/"/$2_"}
	deb=$debs/${url##*/}
	if [ ! -s "$deb" ]; then
		echo "arm64-kernels: fetching $url" >&2
		curl -fsSL -o "$deb.tmp" "$url" ||
			{ echo "arm64-kernels: cannot fetch $url" >&2; rm -f "$deb.tmp"; exit 1; }
		mv "$deb.tmp" "$deb"
	fi
	echo "$deb"
}

if [ ! -x "$root/bin/busybox" ]; then
	tmp=$(mktemp -d)
	deb=$(fetch busybox-static busybox-static)
	dpkg-deb -x "$deb" "$tmp"
	mkdir -p "$root/bin"
	install -m 755 "$tmp/bin/busybox" "$root/bin/busybox"
	rm -rf "$tmp" "$deb"
fi

for k in $("$here/kernels.sh"); do
	abi=${k%-amd64}
	ak=$abi-arm64
	if [ ! -e "$root/.virtgpu-complete-$ak" ]; then
		deb=$(fetch "linux-image-$k-unsigned" "linux-image-$ak-unsigned")
		dpkg-deb -x "$deb" "$root"
		# The package's postinst would run depmod: modprobe in the guest needs modules.dep.
		depmod -b "$root" "$ak"
		touch "$root/.virtgpu-complete-$ak"
		rm -f "$deb"	# unpacked for good: the marker says so
	fi
	echo "$ak"
done
