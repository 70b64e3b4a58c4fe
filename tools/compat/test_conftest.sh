#!/bin/bash
# Tests of the compat probes (make check's harness stage): the same answers from
# every way of calling them, the target architecture taken from the kernel tree,
# and a broken probe environment stopping the build instead of reading as
# "every API absent". Prints PASS/FAIL lines and "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
passed=0 failed=0
ok() { echo "PASS conftest/$1"; passed=$((passed + 1)); }
ko() { echo "FAIL conftest/$1: $2"; failed=$((failed + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

k=$(tools/kernels.sh default)
kdir=/lib/modules/$k/build
if tools/compat/conftest.sh "$kdir" "$tmp/plain.h" 2>"$tmp/err"; then
	ok native-runs
else
	ko native-runs "$(head -n 3 "$tmp/err")"
fi
# As a packaging hook would call it: a clean environment, another directory.
(cd / && env -i PATH="$PATH" "$OLDPWD/tools/compat/conftest.sh" "$kdir" "$tmp/hook.h") 2>/dev/null
if cmp -s "$tmp/plain.h" "$tmp/hook.h"; then ok same-from-a-hook; else ko same-from-a-hook "headers differ"; fi
# Called from a make with sparse and W=1 (make W=1 C=2 modules): the compiler alone
# answers; a checker that fails everything (CHECK=false) changes nothing.
MAKEFLAGS=' -- C=2 CHECK=false W=1' tools/compat/conftest.sh "$kdir" "$tmp/flags.h" 2>"$tmp/err"
if cmp -s "$tmp/plain.h" "$tmp/flags.h"; then
	ok caller-make-flags-ignored
else
	ko caller-make-flags-ignored "$(head -n 2 "$tmp/err")"
fi
if grep -q '^#define VIRTGPU_HAVE_' "$tmp/plain.h"; then
	ok some-api-present
else
	ko some-api-present "no probe compiled on $k"
fi

# A compiler that cannot compile (first in PATH under every name the kernel's
# makefiles use): the build stops, saying why.
mkdir "$tmp/bin"
for cc in gcc gcc-12 gcc-14 x86_64-linux-gnu-gcc x86_64-linux-gnu-gcc-12 x86_64-linux-gnu-gcc-14 \
	aarch64-linux-gnu-gcc aarch64-linux-gnu-gcc-12; do
	printf '#!/bin/sh\necho "broken compiler" >&2\nexit 1\n' >"$tmp/bin/$cc"
	chmod +x "$tmp/bin/$cc"
done
if PATH=$tmp/bin:$PATH tools/compat/conftest.sh "$kdir" "$tmp/broken.h" 2>"$tmp/err"; then
	ko broken-compiler-stops "exit 0 with a header of $(grep -c 'not set' "$tmp/broken.h") absent APIs"
elif grep -q 'no probe can be trusted' "$tmp/err" && [ ! -e "$tmp/broken.h" ]; then
	ok broken-compiler-stops
else
	ko broken-compiler-stops "no clear message or a header left behind: $(head -n 2 "$tmp/err")"
fi

# The same for a cross build: a broken aarch64 compiler on Debian's arm64 headers
# (tools/cross-headers.sh) stops it too, instead of every probe reading as absent.
# All of its output first: with pipefail, "| head -n 1" can kill it by SIGPIPE
# while it still fetches the next kernel's headers.
akdir=
if akdirs=$(tools/cross-headers.sh arm64 2>"$tmp/err"); then akdir=${akdirs%%$'\n'*}; fi
if [ -z "$akdir" ]; then
	ko broken-cross-compiler-stops "no arm64 headers: $(head -n 2 "$tmp/err")"
elif PATH=$tmp/bin:$PATH tools/compat/conftest.sh "$akdir" "$tmp/broken-arm64.h" 2>"$tmp/err"; then
	ko broken-cross-compiler-stops "exit 0 with a header of $(grep -c 'not set' "$tmp/broken-arm64.h") absent APIs"
elif grep -q 'no probe can be trusted' "$tmp/err" && grep -q 'ARCH=arm64' "$tmp/err" &&
	[ ! -e "$tmp/broken-arm64.h" ]; then
	ok broken-cross-compiler-stops
else
	ko broken-cross-compiler-stops "no clear message or a header left behind: $(head -n 2 "$tmp/err")"
fi

# A probe that fails inside a kernel header (the compiler points at no line of the probe;
# here an empty macro breaks every "struct list_head" of the headers) is a broken
# environment, not an absent API: the build stops.
cp -r tools/compat "$tmp/compat"
cat >"$tmp/compat/zz_header_error.c" <<'C'
/* HAVE_HEADER_ERROR_TEST: a probe whose compile errors are all in kernel headers */
#define list_head
#include <linux/list.h>
C
if "$tmp/compat/conftest.sh" "$kdir" "$tmp/header.h" 2>"$tmp/err"; then
	ko header-error-stops "exit 0: $(grep HEADER_ERROR "$tmp/header.h")"
elif grep -q 'probe zz_header_error failed without a compiler error of its own' "$tmp/err" &&
	[ ! -e "$tmp/header.h" ]; then
	ok header-error-stops
else
	ko header-error-stops "no clear message or a header left behind: $(head -n 2 "$tmp/err")"
fi

# The architecture comes from the kernel tree.
mkdir -p "$tmp/arm64/include/config" "$tmp/x86/include/config"
echo 'CONFIG_ARM64=y' >"$tmp/arm64/include/config/auto.conf"
echo 'CONFIG_X86_64=y' >"$tmp/x86/include/config/auto.conf"
out=$(tools/compat/target-arch.sh "$tmp/x86")
if [ "$(uname -m)" = x86_64 ] && [ -n "$out" ]; then
	ko native-adds-nothing "$out"
else
	ok native-adds-nothing
fi
if out=$(tools/compat/target-arch.sh "$tmp/arm64" 2>&1); then
	case $out in
	*"ARCH=arm64"*"CROSS_COMPILE=aarch64-linux-gnu-"*) ok arm64-from-tree ;;
	*) ko arm64-from-tree "$out" ;;
	esac
elif command -v aarch64-linux-gnu-gcc >/dev/null; then
	ko arm64-from-tree "$out"
else
	case $out in
	*"apt install gcc-aarch64-linux-gnu"*) ok arm64-from-tree ;;
	*) ko arm64-from-tree "no cross compiler and no clear message: $out" ;;
	esac
fi
out=$(CROSS_COMPILE=my- tools/compat/target-arch.sh "$tmp/arm64")
case $out in *"CROSS_COMPILE=my-"*) ok caller-settings-win ;; *) ko caller-settings-win "$out" ;; esac
if tools/compat/target-arch.sh "$tmp" 2>/dev/null; then
	ko unconfigured-tree-stops "exit 0"
else
	ok unconfigured-tree-stops
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
