#!/bin/bash
# `make check`: every test, one PASS/FAIL line each, then one closing
# "N passed, N failed" line summing all stages:
#   unit      host unit tests of the pure protocol code (ASan/UBSan), a libFuzzer run
#   harness   host tests of the guest harness, the IGT runner and the guest-side tools
#   build     warning-free W=1 + sparse builds on every supported kernel (trixie's and
#             sid's in their chroots, with their compilers) and arm64 cross builds of the
#             bookworm releases, checkpatch
#   package   the virtgpu-dkms .deb: lintian, installed, upgraded and removed in a bookworm
#             chroot, then on a guest booting from its own disk image (tests/deb/)
#   guest     QEMU guests on bookworm's kernels (tests/guest/suite.d/*.txt), then IGT
#             of ours against the in-tree drivers' in the same run (fewer passes: FAIL),
#             and the smoke boots (tests/guest/suite-smoke.txt) on trixie's and sid's
#   arm64     an arm64 guest (qemu-system-aarch64 -M virt, Debian's arm64 6.1 kernel from
#             tools/arm64-kernels.sh): the smoke boots; FULL: on 6.12's too, and qemuvga.ko
#             on bochs-display and std VGA as a PCI function (tests/guest/suite-arm64.txt)
#   mutants   (make check-full) deliberately broken copies of the tree must each be caught
#   debug     (make check-debug) a KASAN/lockdep/kmemleak 6.12 guest kernel, built once, and
#             the guest boots of DEBUG_ONLY on it
# A failed build stops make check at once: no guest may test a stale module.
# STAGES="unit build" limits the run; SUITE_ARGS are passed to tests/vm/suite.py;
# FUZZ_RUNS sets the fuzzer's inputs. FULL=1 (make check-full): 50M fuzz inputs, the in-tree
# IGT comparison on every kernel, the boots of tests/guest/suite-full.txt (a 10-minute 3D
# stress), and the mutants stage.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

if [ -n "${FULL:-}" ]; then
	STAGES=${STAGES:-unit harness build package guest arm64 mutants}
	FUZZ_RUNS=${FUZZ_RUNS:-50000000}
	COMPARE_KERNELS=all
fi
STAGES=${STAGES:-unit harness build package guest arm64}
COMPARE_KERNELS=${COMPARE_KERNELS:-6.12}
DEBUG_ONLY=${DEBUG_ONLY:-probe-1head console pixels-update panic desktop cursor virgl stress unplug}
passed=0 failed=0 skipped=0
start=$(date +%s)

# Count a stage by its own closing line, shown with the stage name before it.
run_counted() {
	local stage=$1 line p f s
	shift
	local log
	log=$(mktemp)
	"$@" 2>&1 | tee "$log" | grep -Ev '^[0-9]+ passed, [0-9]+ failed'
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
	if [ -z "$line" ]; then
		echo "FAIL $stage: no result line (the stage crashed)"
		failed=$((failed + 1))
		return
	fi
	echo "$stage: $line"
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
}

# A build failed: say so and stop, counting what ran.
abort() {
	echo "FAIL $1: $2"
	echo "make check stopped: $1 failed"
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
}

# The libFuzzer run as one counted test.
fuzz() {
	local log
	log=$(mktemp)
	if make --no-print-directory -C tests/unit fuzz ${FUZZ_RUNS:+FUZZ_RUNS=$FUZZ_RUNS} \
		>"$log" 2>&1; then
		echo "PASS unit/fuzz-decoders: $(grep -E '^Done [0-9]+ runs' "$log")"
		echo "1 passed, 0 failed"
	else
		tail -n 30 "$log"
		echo "FAIL unit/fuzz-decoders: $(grep -E 'ERROR|SUMMARY|fuzz:' "$log" | head -n 2 | paste -sd' ')"
		echo "0 passed, 1 failed"
	fi
	rm -f "$log"
}

result() {
	if [ "$1" = 0 ]; then
		echo "PASS $2"
		passed=$((passed + 1))
	else
		echo "FAIL $2${3:+: $3}"
		failed=$((failed + 1))
	fi
}

# Both modules for kernel $1 (headers at $2), W=1 and sparse clean; a failed
# build stops make check. Words after the two are a command that runs make (a chroot).
build_kernel() {
	local k=$1 kdir=$2 out warn rc
	shift 2
	# No module of an earlier build may pass for this one.
	rm -f "build/$k/virtgpu.ko" "build/$k/qemuvga.ko"
	# C=2 runs sparse on every file, W=1 adds the extra warnings. A kernel that finds
	# sparse unusable says so with a make warning and builds without it: that fails too.
	out=$("$@" make --no-print-directory KVER="$k" KDIR="$kdir" W=1 C=2 modules 2>&1)
	rc=$?
	if [ "$rc" != 0 ] || [ ! -f "build/$k/virtgpu.ko" ] || [ ! -f "build/$k/qemuvga.ko" ]; then
		abort "build/$k" "$(echo "$out" | grep -E 'error|Error' | head -n 5)"
	fi
	warn=$(echo "$out" | grep -E 'warning:|error:|not available or not up to date' | head -n 5)
	result 0 "build/$k/virtgpu.ko"
	result 0 "build/$k/qemuvga.ko"
	[ -z "$warn" ]
	result $? "build/$k/w1-sparse-clean" "$warn"
}

# arm64: Debian's arm64 headers of each supported release, cross-compiled with
# Debian's aarch64 gcc; the probes must answer as for the same amd64 release.
stage_cross() {
	local kd k native out kdirs
	kdirs=$(tools/cross-headers.sh arm64) ||
		abort build/arm64-headers "tools/cross-headers.sh failed (its message is above)"
	for kd in $kdirs; do
		k=${kd##*/linux-headers-}
		build_kernel "$k" "$kd"
		native=build/${k%-arm64}-amd64/generated/virtgpu_config.h
		# The first line names the kernel tree.
		out=$(diff <(tail -n +2 "$native") <(tail -n +2 "build/$k/generated/virtgpu_config.h") 2>&1)
		result $? "build/$k/compat-as-amd64" "$out"
	done
}

# Newer Debian releases (tools/suite-chroots.sh: trixie, sid), each built inside its
# cached chroot with that release's compiler and sparse, for the newest kernel the
# release offered when make setup built the chroot.
stage_suites() {
	local list s k root
	list=$(tools/suite-chroots.sh list 2>&1) || abort build/suite-chroots "$list"
	while read -r s k root; do
		echo "build: $k in the $s chroot ($root):" \
			"$(chroot "$root" gcc --version | head -n 1), sparse $(chroot "$root" sparse --version)"
		build_kernel "$k" "/lib/modules/$k/build" tools/suite-chroots.sh run "$s"
	done <<<"$list"
}

stage_build() {
	local k out warn kernels
	kernels=$(tools/kernels.sh 2>&1) || abort build/kernels "$kernels"
	for k in $kernels; do
		build_kernel "$k" "/lib/modules/$k/build"
	done
	stage_suites
	stage_cross
	out=$(tools/checkpatch.sh 2>&1)
	warn=$(echo "$out" | grep -Ev '^total: 0 errors, 0 warnings, 0 checks' | head -n 10)
	[ -z "$warn" ]
	result $? "build/checkpatch" "$warn"
}

for stage in $STAGES; do
	echo "=== $stage"
	t0=$(date +%s)
	case $stage in
	unit)
		run_counted unit make --no-print-directory -C tests/unit run
		run_counted fuzz fuzz
		;;
	harness)
		run_counted harness python3 tests/vm/test_vmrun.py
		run_counted diskboot python3 tests/deb/test_diskboot.py
		run_counted hosttrace python3 tests/bench/test_hosttrace.py
		run_counted igt-runner python3 tests/igt/test_igt.py
		run_counted kmstest make --no-print-directory -C tools/kmstest check
		run_counted conftest tools/compat/test_conftest.sh
		;;
	build) stage_build ;;
	package)
		out=$(tools/make-deb.sh 2>&1) || abort package/deb "$(echo "$out" | tail -n 5)"
		deb=$(echo "$out" | tail -n 1)
		out=$(lintian --fail-on error,warning "$deb" 2>&1)
		result $? package/lintian "$(echo "$out" | grep -E '^[EW]: ' | head -n 5 | paste -sd ' ')"
		run_counted package tests/deb/test-chroot.sh "$deb"
		# The kernel upgrade's install and boot only in make check-full.
		UPGRADE=${FULL:-0} run_counted package-disk tests/deb/test-diskimage.sh "$deb" \
			"tests/out/diskimage-$(date +%Y%m%d-%H%M%S)"
		;;
	guest)
		out=$(make --no-print-directory modules-all modules-suites guest-tools 2>&1) ||
			abort guest/build "$(echo "$out" | grep -Ei 'error|kernels:' | head -n 5)"
		out=tests/out/check-$(date +%Y%m%d-%H%M%S)
		# shellcheck disable=SC2086
		run_counted guest python3 tests/vm/suite.py --driver ours --out "$out" \
			${SUITE_ARGS:-}
		if [ -z "${SUITE_ARGS:-}" ]; then
			# The in-tree driver's own IGT verdicts are shown, not counted; what counts is
			# that ours passes at least as much of each binary in the same run.
			echo "=== in-tree virtio_gpu, IGT on $COMPARE_KERNELS, beside ours"
			python3 tests/vm/suite.py --driver intree --kernels "$COMPARE_KERNELS" --only igt \
				--out "$out" 2>&1 | grep -E '^(PASS|FAIL|SKIP) ' |
				sed 's/^/intree: /'
			run_counted igt-vs-intree python3 tests/igt/compare.py "$out" --no-expect --gate
			# qemuvga.ko beside the in-tree bochs on std VGA (suite.d/70-qemuvga.txt)
			run_counted igt-vs-bochs python3 tests/igt/compare.py "$out" \
				--label qemuvga-std --names qemuvga,bochs --no-expect --gate
			python3 tests/igt/history.py
			# Trixie's and sid's kernels (tools/suite-chroots.sh): the smoke boots.
			k=$(tools/suite-chroots.sh list | awk '{ print $2 }' | paste -sd,)
			run_counted guest-smoke python3 tests/vm/suite.py --driver ours --kernels "$k" \
				--suite tests/guest/suite-smoke.txt \
				--suite tests/guest/suite-smoke-amd64.txt --out "$out-smoke"
		fi
		if [ -n "${FULL:-}" ]; then
			run_counted guest-full python3 tests/vm/suite.py --driver ours \
				--suite tests/guest/suite-full.txt --out "$out-full"
		fi
		;;
	arm64)
		# Only the kernels booted here: the build stage cross-built every one already.
		ks=$(tools/arm64-kernels.sh) || abort arm64/kernels "tools/arm64-kernels.sh failed"
		k=$(grep '^6\.1\.' <<<"$ks")
		[ -z "${FULL:-}" ] || k=$(paste -sd, <<<"$ks")
		kds=$(tools/cross-headers.sh arm64) || abort arm64/headers "tools/cross-headers.sh failed"
		for kd in $kds; do
			kv=${kd##*/linux-headers-}
			case ,$k, in *,"$kv",*) ;; *) continue ;; esac
			out=$(make --no-print-directory KVER="$kv" KDIR="$kd" modules 2>&1) ||
				abort "arm64/build/$kv" "$(echo "$out" | grep -E 'error|Error' | head -n 5)"
		done
		out=$(make --no-print-directory guest-tools-arm64 2>&1) ||
			abort arm64/guest-tools "$(echo "$out" | grep -Ei 'error|failed' | head -n 5)"
		out=tests/out/check-arm64-$(date +%Y%m%d-%H%M%S)
		run_counted guest-arm64 python3 tests/vm/suite.py --driver ours --kernels "$k" \
			--suite tests/guest/suite-smoke.txt --out "$out"
		if [ -n "${FULL:-}" ]; then
			run_counted guest-arm64-qemuvga python3 tests/vm/suite.py --driver ours \
				--kernels "$k" --suite tests/guest/suite-arm64.txt --out "$out-qemuvga"
		fi
		;;
	mutants) run_counted mutants python3 tests/mutants/run.py ;;
	debug)
		k=$(tools/debug-kernel.sh | tail -n 1) || abort debug/kernel "tools/debug-kernel.sh failed"
		out=$(make --no-print-directory KVER="$k" modules guest-tools 2>&1) ||
			abort "build/$k" "$(echo "$out" | grep -Ei 'error' | head -n 5)"
		# The debug kernel's own boot options: vmrun.DEBUG_KERNEL_APPEND.
		# shellcheck disable=SC2046
		run_counted debug python3 tests/vm/suite.py --driver ours --kernels "$k" \
			--timeout 1800 \
			--out "tests/out/debug-$(date +%Y%m%d-%H%M%S)" \
			$(printf -- '--only %s ' $DEBUG_ONLY)
		;;
	*) echo "unknown stage $stage" >&2; exit 2 ;;
	esac
	echo "=== $stage took $(($(date +%s) - t0)) s"
done

echo "make check took $(($(date +%s) - start)) s"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
