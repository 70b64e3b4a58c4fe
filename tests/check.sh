#!/bin/bash
# `make check`: every test, one PASS/FAIL line each, then one closing
# "N passed, N failed" line summing all stages:
#   unit      host unit tests of the pure protocol code (ASan/UBSan)
#   harness   host tests of the guest harness and of the guest-side tools
#   build     warning-free W=1 + sparse builds on every supported kernel, checkpatch
#   guest     QEMU guests on every supported kernel (tests/guest/suite.d/*.txt)
# STAGES="unit build" limits the run; SUITE_ARGS are passed to tests/vm/suite.py.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

STAGES=${STAGES:-unit harness build guest}
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

result() {
	if [ "$1" = 0 ]; then
		echo "PASS $2"
		passed=$((passed + 1))
	else
		echo "FAIL $2${3:+: $3}"
		failed=$((failed + 1))
	fi
}

stage_build() {
	local k out warn rc
	for k in $(tools/kernels.sh); do
		# C=2 runs sparse on every file, W=1 adds the extra warnings.
		out=$(make --no-print-directory KVER="$k" KDIR="/lib/modules/$k/build" \
			W=1 C=2 modules 2>&1)
		rc=$?
		warn=$(echo "$out" | grep -E 'warning:|error:' | head -n 5)
		result "$rc" "build/$k/virtgpu.ko" "$(echo "$out" | tail -n 3)"
		[ -f "build/$k/qemuvga.ko" ] && [ "$rc" = 0 ]
		result $? "build/$k/qemuvga.ko" "$(echo "$out" | tail -n 3)"
		[ -z "$warn" ]
		result $? "build/$k/w1-sparse-clean" "$warn"
	done
	out=$(tools/checkpatch.sh 2>&1)
	warn=$(echo "$out" | grep -Ev '^total: 0 errors, 0 warnings, 0 checks' | head -n 10)
	[ -z "$warn" ]
	result $? "build/checkpatch" "$warn"
}

for stage in $STAGES; do
	echo "=== $stage"
	t0=$(date +%s)
	case $stage in
	unit) run_counted unit make --no-print-directory -C tests/unit run ;;
	harness)
		run_counted harness python3 tests/vm/test_vmrun.py
		run_counted kmstest make --no-print-directory -C tools/kmstest check
		;;
	build) stage_build ;;
	guest)
		make --no-print-directory modules-all guest-tools >/dev/null 2>&1
		out=tests/out/check-$(date +%Y%m%d-%H%M%S)
		# shellcheck disable=SC2086
		run_counted guest python3 tests/vm/suite.py --driver ours --out "$out" \
			${SUITE_ARGS:-}
		# The in-tree driver's IGT run is for comparison: shown, not counted.
		if [ -z "${SUITE_ARGS:-}" ] && [ -z "${NO_COMPARE:-}" ]; then
			echo "=== in-tree virtio_gpu, IGT on 6.12, for comparison (not counted)"
			python3 tests/vm/suite.py --driver intree --kernels 6.12 --only igt \
				--out "$out" 2>&1 | grep -E '^(PASS|FAIL|SKIP) ' |
				sed 's/^/intree: /'
			python3 tests/igt/compare.py "$out" --no-expect || true
		fi
		# qemuvga.ko beside the in-tree bochs on std VGA (suite.d/70-qemuvga.txt)
		if [ -z "${SUITE_ARGS:-}" ]; then
			python3 tests/igt/compare.py "$out" --label qemuvga-std \
				--names qemuvga,bochs --no-expect || true
		fi
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
