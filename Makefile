# SPDX-License-Identifier: GPL-2.0
#
# Thin wrapper around kbuild. Each kernel builds in its own build/<KVER>/.
#   make [KVER=... | KDIR=...]   build virtgpu.ko for one kernel
#   make modules-all             build for every supported kernel installed
#   make modules-suites          build for trixie's and sid's kernels, in their chroots
#   make modules-arm64           cross-build for Debian's arm64 kernels of the same releases
#   make setup                   install what the build and tests need
#   make run                     boot a guest with the module, screenshot it
#   make check                   every test (under 60 minutes)
#   make check-full              make check, long fuzzing, in-tree IGT on every kernel, mutants
#   make check-debug             guest tests on a KASAN/lockdep/kmemleak kernel (built once)
#   make compare                 the guest tests on our driver and the in-tree one
#   make bench                   display benchmark, ours and in-tree side by side
#   make bench-3d                3D benchmark (virgl: fences, submits, glmark2), side by side
#   make bench-desktop           real clients: x11perf under Xorg, Weston clients, side by side
#   make deb                     the virtgpu-dkms package (build/deb/)
#   make debug-kernel            build a KASAN/lockdep/drm_panic 6.12 guest kernel (optional)

KVER ?= $(shell tools/kernels.sh default)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build/$(KVER)

.PHONY: all modules modules-all modules-suites modules-arm64 guest-tools guest-tools-arm64 clean setup run check check-full check-debug \
	compare bench bench-3d bench-desktop unit debug-kernel deb

all: modules

modules:
	@tools/prepare-build.sh $(KDIR) $(BUILD)
	@cross=$$(tools/compat/target-arch.sh $(KDIR)) && eval "$$cross" && \
		$(MAKE) -C $(KDIR) M=$(BUILD) modules

modules-all:
	@set -e; ks=$$(tools/kernels.sh); for k in $$ks; do \
		$(MAKE) --no-print-directory KVER=$$k KDIR=/lib/modules/$$k/build modules; \
	done

# The newest kernels of trixie and sid, each built inside its chroot (make setup) with
# that release's compiler: tools/suite-chroots.sh.
modules-suites:
	@set -e; list=$$(tools/suite-chroots.sh list); \
	echo "$$list" | while read -r s k root; do \
		tools/suite-chroots.sh run $$s make --no-print-directory KVER=$$k \
			KDIR=/lib/modules/$$k/build modules; \
	done

# Debian's arm64 kernels of the supported releases (tools/cross-headers.sh), cross-built.
modules-arm64:
	@set -e; kds=$$(tools/cross-headers.sh arm64); for kd in $$kds; do \
		$(MAKE) --no-print-directory KVER=$${kd##*/linux-headers-} KDIR=$$kd modules; \
	done

# What the arm64 smoke boots run: vgpu-kmstest, cross-built against the libdrm of the arm64
# guest root filesystem (tests/vm/rootfs.sh with ROOTFS_ARCH=arm64), which runs it.
guest-tools-arm64:
	@set -e; sysroot=$$(ROOTFS_ARCH=arm64 tests/vm/rootfs.sh | tail -n 1); \
	$(MAKE) -C tools/kmstest BUILD=build-arm64 CC=aarch64-linux-gnu-gcc \
		DRM_CFLAGS="-I$$sysroot/usr/include/libdrm" \
		DRM_LIBS="-L$$sysroot/usr/lib/aarch64-linux-gnu -ldrm"

# Programs the guest tests run, built on the host against libdrm.
guest-tools:
	$(MAKE) -C tools/kmstest
	$(MAKE) -C tools/uapitest
	$(MAKE) -C tests/bench

unit:
	$(MAKE) -C tests/unit run

setup:
	tools/setup.sh

run: setup
	tools/run.sh

check: setup
	tests/check.sh

check-full: setup
	FULL=1 tests/check.sh

check-debug: setup
	STAGES=debug tests/check.sh

compare: setup modules-all guest-tools
	python3 tests/vm/suite.py --driver both

bench: setup modules-all guest-tools
	python3 tests/bench/run.py --kernels all --drivers ours,intree

bench-3d: setup modules-all guest-tools
	python3 tests/bench/run.py --suite 3d --kernels all --drivers ours,intree --repeat 3

bench-desktop: setup modules-all guest-tools
	python3 tests/bench/run.py --suite desktop --kernels all --drivers ours,intree

deb: setup
	@tools/make-deb.sh

debug-kernel: setup
	tools/debug-kernel.sh

clean:
	rm -rf build tests/out
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tools/kmstest clean
	$(MAKE) -C tools/uapitest clean
	$(MAKE) -C tests/bench clean
