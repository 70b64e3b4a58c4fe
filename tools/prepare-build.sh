#!/bin/bash
# Lay out build/<kernel>/ as a tree of symlinks to the sources, so that each
# kernel gets its own objects, then generate its compat probe header.
#
# usage: prepare-build.sh KDIR BUILD_DIR
set -euo pipefail

kdir=$1
build=$2
src=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -e "$kdir/Makefile" ]; then
	echo "no kernel build tree at $kdir: run 'make setup' or set KVER=/KDIR=" >&2
	exit 1
fi
mkdir -p "$build"
for f in Kbuild drm virtio include; do
	cp -rs --remove-destination "$src/$f" "$build/"
done
# Sources deleted since the last build must not linger as links.
find "$build" -xtype l -delete
"$src/tools/compat/conftest.sh" "$kdir" "$build/generated/virtgpu_config.h"
