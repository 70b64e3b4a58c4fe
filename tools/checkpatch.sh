#!/bin/bash
# Run the kernel's checkpatch.pl (taken from Debian's linux-source package,
# cached) over our C sources with the DRM subsystem's usual options.
# usage: checkpatch.sh [FILE...]   (default: every .c/.h in drm/ virtio/ include/)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${VIRTGPU_CACHE:-/var/cache/virtgpu}/checkpatch
if [ ! -x "$cache/scripts/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || { echo "checkpatch: no linux-source tarball; run make setup" >&2; exit 1; }
	top=$(basename "$tarball" .tar.xz)
	tmp=$(mktemp -d)
	tar -xJf "$tarball" -C "$tmp" "$top/scripts/checkpatch.pl" \
		"$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch"
	mkdir -p "$(dirname "$cache")"
	rm -rf "$cache"
	mv "$tmp/$top" "$cache"
	rm -rf "$tmp"
fi

if [ $# -eq 0 ]; then
	set -- $(git ls-files 'drm/*.[ch]' 'virtio/*.[ch]' 'include/*.h')
fi
# --no-tree: out of tree. FILE_PATH_CHANGES/SPDX on headers are kernel-tree
# rules; ENOSYS is the virtgpu uAPI's answer to a 3D ioctl on a device without
# VIRGL (as the in-tree driver's; Mesa and IGT expect it); the others follow
# the drm maintainers' profile.
exec perl "$cache/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--max-line-length=100 \
	--ignore=FILE_PATH_CHANGES,BIT_MACRO,SPLIT_STRING,LONG_LINE_STRING,BOOL_MEMBER,ENOSYS \
	-f "$@"
