#!/bin/bash
# Build the virtgpu-dkms Debian package from the committed tree (git archive
# HEAD): packaging/debian becomes debian/, the version is 0.<commits>.
# Prints the .deb's path as the last line.
#   tools/make-deb.sh [OUT_DIR]   (default build/deb)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build/deb}")
ver=0.$(git rev-list --count HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

src=$work/virtgpu-$ver
mkdir -p "$src" "$out"
git archive HEAD | tar -x -C "$src"
cp -r packaging/debian "$src/debian"
cat >"$src/debian/changelog" <<CHANGES
virtgpu ($ver) unstable; urgency=medium

  * Built from commit $(git rev-parse --short HEAD).

 -- virtgpu developers <virtgpu@virtgpu.invalid>  $(date -R)
CHANGES
(cd "$src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
	{ tail -n 30 "$work/build.log" >&2; echo "make-deb: dpkg-buildpackage failed" >&2; exit 1; }
cp "$work"/virtgpu-dkms_"$ver"_all.deb "$out/"
echo "$out/virtgpu-dkms_${ver}_all.deb"
