#!/bin/bash
# Pixel tests: tools/kmstest/build/vgpu-kmstest puts known images on the display with atomic
# KMS and dumb buffers; QEMU's screendump reads each head back and tools/kmstest/ppmcmp.py
# compares it with the image the tool says the head must show, pixel for pixel.
#
# Arguments (words, any order):
#   formats=F,...   DRM fourccs of the single-head cases, XR24 AR24 XB24 AB24 BX24 BA24 RX24
#                   RA24 RG16 C8 (default XR24). The first one is also used by the other cases
#                   (C8 shows the grey palette there: no GAMMA_LUT).
#   modes=M,...     WxH (from the connector's list, else CVT-RB 60 Hz) or WxH@R (always
#                   CVT-RB); default 1024x768. The first one is used by the non-format cases.
#   head=N          connector/scanout of the single-head cases (default 0)
#   heads=N         the multihead case lights connectors 0..N-1 in one atomic commit, head i
#                   with mode i of modes= (cycling) and its own pattern (default 1)
#   cases=C,...     single (every format x mode), qemu-formats (the same through virtio-gpu
#                   resources of each format: checks QEMU and the pattern, needs the virtgpu
#                   uAPI), multihead, damage-clips, damage-dirtyfb,
#                   damage-outside-untouched, damage-dirtyfb-outside-untouched,
#                   damage-outside-2clips, damage-dirtyfb-outside-2clips, flip, pitch,
#                   offset, pitch-offset, palette (C8 in each mode with a GAMMA_LUT as
#                   its palette), palette-change (C8 shown with one GAMMA_LUT, then a
#                   commit of only another GAMMA_LUT must recolour the screen),
#                   damage-burst, damage-dirtyfb-burst (burst= calls back to back, one
#                   48x48 tile each: the last pixels of every tile on screen, and
#                   QEMU's RESOURCE_FLUSHes since the burst covering every tile; needs
#                   -trace enable=virtio_gpu_cmd_res_flush) (default single)
#   burst=N         calls of the burst cases (default 120)
#   flips=N         page flips of each of the flip case's two streams; odd (default 61)
#   settle=S        keep reading the screen back for up to S s before a FAIL (default 2)
#   perturb=X,Y     test the test: invert one expected pixel, so every compare must FAIL
# A RESULT per case, named like xr24-1024x768-head0, heads4-head2, damage-clips,
# flip-mid-shown and flip-last-shown, pitch-offset; plus ppmcmp-detects-1px (a negative
# control, once).
# Files: NAME.png (the screen) stays in the results; on a FAIL also NAME.ppm,
# NAME.expected.ppm, NAME.diff.png (differing pixels red) and NAME.cmp.txt.
set -u
. "$VIRTGPU_TREE/tests/guest/lib.sh"

PPMCMP=$VIRTGPU_TREE/tools/kmstest/ppmcmp.py

formats=XR24 modes=1024x768 head=0 heads=1 cases=single flips=61 settle=2 perturb= burst=120
for kv in "$@"; do
	case $kv in
	formats=* | modes=* | head=* | heads=* | cases=* | flips=* | settle=* | perturb=* | burst=*)
		eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "pixels.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done
IFS=, read -r -a format_list <<<"$formats"
IFS=, read -r -a mode_list <<<"$modes"
IFS=, read -r -a case_list <<<"$cases"
fmt0=${format_list[0]}
mode0=${mode_list[0]}

work=/tmp/pixels
mkdir -p "$work"
tool_err=
detail=
negative_done=

# Timing without forks: under TCG every process start costs a noticeable fraction of a second.
now_us() { echo "${EPOCHREALTIME/./}"; }
secs_since() {
	local d=$((${EPOCHREALTIME/./} - $1))
	printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000))
}
first_line() { printf '%s' "${1%%$'\n'*}"; }

# cmp_images SCREEN EXPECTED [ppmcmp options]: ppmcmp's report in $cmp_out, its status.
cmp_images() {
	local a=$1 b=$2 t0 rc
	shift 2
	t0=$(now_us)
	cmp_out=$(python3 -S "$PPMCMP" ${perturb:+--perturb "$perturb"} "$@" "$a" "$b" 2>&1)
	rc=$?
	echo "  ppmcmp: $(first_line "$cmp_out") [$(secs_since "$t0") s]"
	return "$rc"
}

# same SCREEN EXPECTED: byte-identical files need no Python (QEMU writes the same P6 header
# as the tool); anything else goes to ppmcmp (QEMU 7.2 pads rows of odd widths, for one).
same() {
	local t0
	t0=$(now_us)
	if [ -z "$perturb" ] && cmp -s "$1" "$2"; then
		cmp_out="identical"
		echo "  cmp: identical [$(secs_since "$t0") s]"
		return 0
	fi
	cmp_images "$1" "$2"
}

# The comparison can fail: one inverted pixel in the last corner of a matching image.
negative_control() {
	local w=$1 h=$2 screen=$3 expected=$4
	[ -z "$negative_done" ] && [ -z "$perturb" ] || return 0
	negative_done=1
	python3 -S "$PPMCMP" --perturb "$((w - 1)),$((h - 1))" "$screen" "$expected" \
		>"$work/neg.txt"
	if [ $? = 1 ] && grep -q "^${w}x${h}: 1 pixels differ" "$work/neg.txt"; then
		pass ppmcmp-detects-1px "$(head -n 1 "$work/neg.txt")"
	else
		fail ppmcmp-detects-1px "$(head -n 1 "$work/neg.txt")"
	fi
}

# keep_failure NAME EXPECTED: the evidence of a FAIL into the results directory.
keep_failure() {
	cmp_images "$work/screen.ppm" "$2" --max 20 --diff "$VIRTGPU_RESULTS/$1.diff.png"
	printf '%s\n' "$cmp_out" >"$VIRTGPU_RESULTS/$1.cmp.txt"
	sed 's/^/  /' "$VIRTGPU_RESULTS/$1.cmp.txt"
	cp "$2" "$VIRTGPU_RESULTS/$1.expected.ppm"
}

# verify NAME HEAD EXPECTED [stable]: screendump HEAD as NAME until it matches EXPECTED:
# at least twice and for up to $settle s (the device works asynchronously). With "stable"
# the screen is read once more a second after the match and must still match.
# The outcome is in $detail.
verify() {
	local name=$1 h=$2 exp=$3 stable=${4-} t0 t1 n=0 size screen=$VIRTGPU_RESULTS/$1.ppm
	t0=$(now_us)
	while :; do
		n=$((n + 1))
		t1=$(now_us)
		if ! size=$(screendump "$name" "$h" 2>&1); then
			detail="screendump of head $h failed: $size"
			return 1
		fi
		echo "  screendump $name head $h: ${size/ /x} [$(secs_since "$t1") s]"
		t1=$(now_us)
		# One big read: small reads (cmp's) cost a 9p round trip each.
		dd if="$screen" of="$work/screen.ppm" bs=4M 2>/dev/null
		echo "  copied to tmpfs [$(secs_since "$t1") s]"
		same "$work/screen.ppm" "$exp" && break
		if [ "$n" -ge 2 ] && [ "$(($(now_us) - t0))" -ge "$((settle * 1000000))" ]; then
			detail="$(first_line "$cmp_out")$(grep '^hint:' <<<"$cmp_out" |
				sed 's/^/; /') (still after $n screendumps in $(secs_since "$t0") s)"
			keep_failure "$name" "$exp"
			return 1
		fi
		sleep 0.3
	done
	detail="pixel-exact ${size/ /x}${cmp_out#*identical} on screendump $n ($(secs_since "$t0") s)"
	if [ -n "$stable" ]; then
		sleep 1
		screendump "$name" "$h" >/dev/null 2>&1
		dd if="$screen" of="$work/screen.ppm" bs=4M 2>/dev/null
		if ! same "$work/screen.ppm" "$exp"; then
			detail="matched, then 1 s later: $(first_line "$cmp_out")"
			keep_failure "$name" "$exp"
			return 1
		fi
		detail="$detail, unchanged 1 s later"
	fi
	# shellcheck disable=SC2086
	negative_control $size "$work/screen.ppm" "$exp"
	rm -f "$screen"	# the PNG stays for a look
}

# result NAME STATUS-OF-VERIFY [PREFIX]: a RESULT line from verify's outcome.
result() {
	if [ "$2" = 0 ]; then
		pass "$1" "${3:+$3: }$detail"
	else
		fail "$1" "${3:+$3: }$detail"
	fi
}

# How the tool set a head up, for the detail: "CVT-RB" or "listed", pitch and offset.
tool_note() {
	local src fb
	src=$(grep -q "^head $1: .* CVT-RB mode " "$work/tool.log" && echo CVT-RB || echo listed)
	fb=$(sed -n "s/^head $1: fb [0-9]* [A-Z0-9]* [0-9x]* \(pitch [0-9]* offset [0-9]*\).*/\1/p" \
		"$work/tool.log" | head -n 1)
	echo "$src mode, $fb"
}

# case_single FORMAT MODE [PREFIX TOOL-OPTION...]
case_single() {
	local fmt=$1 mode=$2 prefix=${3-} name rc what
	shift 3 2>/dev/null || shift $#
	name=$prefix${fmt,,}-${mode%@*}-head$head
	tool_start show "$@" "$head:$mode:$fmt"
	if ! tool_wait 1; then
		fail "$name" "$tool_err"
		return
	fi
	verify "$name" "$head" "$work/exp-0.ppm"
	rc=$?
	what="$fmt $(tool_note 0)"
	case " $* " in
	*" --virtio-resource "*)
		what="$(sed -n 's/^head 0: virtio resource [0-9]* //p' "$work/tool.log") resource under an XR24 fb, $what"
		;;
	*" --lut "*) what="$what, GAMMA_LUT palette" ;;
	esac
	result "$name" "$rc" "$what"
	tool_stop
}

case_multihead() {
	local i specs=() name mode rc
	for ((i = 0; i < heads; i++)); do
		specs+=("$i:${mode_list[i % ${#mode_list[@]}]}:$fmt0")
	done
	tool_start show "${specs[@]}"
	if ! tool_wait 1; then
		for ((i = 0; i < heads; i++)); do
			fail "heads$heads-head$i" "$tool_err"
		done
		return
	fi
	for ((i = 0; i < heads; i++)); do
		name=heads$heads-head$i
		mode=${mode_list[i % ${#mode_list[@]}]}
		verify "$name" "$i" "$work/exp-$i.ppm"
		rc=$?
		result "$name" "$rc" "$fmt0 ${mode%@*} seed $((8 * i)), $(tool_note "$i")"
	done
	tool_stop
}

# damage_first NAME [TOOL OPTIONS]: start the damage tool and check its first full frame.
# On a failure: a FAIL for NAME, the tool stopped, status 1.
damage_first() {
	local name=$1
	shift
	tool_start damage "$@" "$head:$mode0:$fmt0"
	if ! tool_wait 1; then
		fail "$name" "$tool_err"
		return 1
	fi
	if ! verify "$name-full" "$head" "$work/exp-0.ppm"; then
		fail "$name" "first full frame: $detail"
		tool_stop
		return 1
	fi
}

# damage_go NAME: SIGUSR1 starts the tool's damage step; wait for it (else a FAIL, status 1).
damage_go() {
	kill -USR1 "$tool_pid"
	tool_wait 2 && return 0
	fail "$1" "$tool_err"
	return 1
}

# case_damage NAME [TOOL OPTIONS]: full frame first (checked), then the tool repaints
# rectangles (and with --outside everything else too) and declares only the rectangles as
# damaged; the screen must change exactly there.
case_damage() {
	local name=$1 stable='' rc rects
	case " $* " in *" --outside "*) stable=stable ;; esac
	damage_first "$@" && damage_go "$name" || return
	rects=$(sed -n 's/^head 0: damage //p' "$work/tool.log" | paste -sd' ')
	verify "$name" "$head" "$work/exp-0.ppm" $stable
	rc=$?
	result "$name" "$rc" "damage $rects"
	tool_stop
}

# flushes_cover TILES FLUSHES WxH: whether QEMU's flushes (trace arguments "res R, w W, h H,
# x X, y Y") cover every tile ("X,Y WxH"); full-screen flushes do not count, a burst never
# sends one. Prints what it found.
flushes_cover() {
	python3 -S - "$@" <<'EOF'
import re, sys
tiles = [tuple(map(int, re.findall(r'\d+', l))) for l in open(sys.argv[1]) if l.strip()]
size = tuple(map(int, sys.argv[3].split('x')))
flushes = []
for l in open(sys.argv[2]):
    m = re.search(r'w (\d+), h (\d+), x (\d+), y (\d+)', l)
    if m:
        w, h, x, y = map(int, m.groups())
        if (w, h) != size:
            flushes.append((x, y, x + w, y + h))
for x, y, w, h in tiles:
    # Every row of the tile: the flushes crossing it must span the tile without a gap.
    for py in range(y, y + h):
        spans = sorted((a, c) for a, b, c, d in flushes if b <= py < d and a < x + w and c > x)
        reach = x
        for a, c in spans:
            if a > reach:
                break
            reach = max(reach, c)
        if reach < x + w:
            print(f'tile {x},{y} {w}x{h}: row {py} not flushed from x {reach} '
                  f'({len(flushes)} flushes)')
            sys.exit(1)
print(f'{len(tiles)} tiles covered by {len(flushes)} flushes')
EOF
}

# case_burst NAME [TOOL OPTIONS]: full frame first (checked), then $burst calls back to back,
# each repainting one 48x48 tile and declaring only it. The screen must show the last pixels
# of every tile (NAME), and QEMU's flushes since the burst began must cover every tile
# (NAME-flushed): the screendump reads the resource whether or not it was flushed.
case_burst() {
	local name=$1 rc n0 out t0 size
	damage_first "$@" --burst "$burst" || return
	if ! n0=$(trace_count "$name-n0" virtio_gpu_cmd_res_flush 2>&1); then
		fail "$name" "$n0"
		tool_stop
		return
	fi
	damage_go "$name" || return
	verify "$name" "$head" "$work/exp-0.ppm"
	rc=$?
	size=${mode0%@*}
	result "$name" "$rc" "$(sed -n 's/^burst: //p' "$work/tool.log")"
	sed -n 's/^head 0: burst tile //p' "$work/tool.log" >"$work/tiles.txt"
	t0=$(now_us)
	while :; do
		if ! trace_lines "$name-flushes" virtio_gpu_cmd_res_flush "$n0" \
			>"$work/flushes.txt" 2>"$work/flushes.err"; then
			fail "$name-flushed" "$(cat "$work/flushes.err")"
			break
		fi
		if out=$(flushes_cover "$work/tiles.txt" "$work/flushes.txt" "$size"); then
			pass "$name-flushed" "$out"
			break
		fi
		if [ "$(($(now_us) - t0))" -ge "$((settle * 1000000))" ]; then
			fail "$name-flushed" "$out"
			cp "$work/flushes.txt" "$VIRTGPU_RESULTS/$name-flushes.txt"
			break
		fi
		sleep 0.3
	done
	tool_stop
}

# case_flip: two streams of $flips page flips (odd: each ends on the other buffer), each end
# read back: flip-mid-shown must show buffer B, flip-last-shown buffer A again. With QEMU's
# notification trace, notify-per-commit: the second stream's commits notified the device once
# each (the driver batches a commit's commands behind one notification), never more.
case_flip() {
	local rc n1 n2 traced=''
	if [ $((flips % 2)) = 0 ]; then
		fail flip-mid-shown "flips=$flips: must be odd, or both streams end on buffer A"
		return
	fi
	tool_start flip --count "$flips" "$head:$mode0:$fmt0"
	if ! tool_wait 1; then
		fail flip-mid-shown "$tool_err"
		return
	fi
	verify flip-mid-shown "$head" "$work/exp-0.ppm"
	rc=$?
	result flip-mid-shown "$rc" "$(sed -n 's/^flip: step 1: //p' "$work/tool.log")"
	# Only where the suite line traces notifications (pixels-update).
	grep -qs virtio_queue_notify "$VIRTGPU_RESULTS/qemu-cmd.txt" && traced=1
	if [ -n "$traced" ] && ! n1=$(gpu_notifies n1 2>&1); then
		fail notify-per-commit "$n1"
		traced=''
	fi
	kill -USR1 "$tool_pid"
	if ! tool_wait 2; then
		fail flip-last-shown "$tool_err"
		return
	fi
	if [ -n "$traced" ] && ! n2=$(gpu_notifies n2 2>&1); then
		fail notify-per-commit "$n2"
	elif [ -n "$traced" ]; then
		if [ $((n2 - n1)) -ge 1 ] && [ $((n2 - n1)) -le "$flips" ]; then
			pass notify-per-commit "$flips flip commits, $((n2 - n1)) control-queue notifications (QEMU trace)"
		else
			fail notify-per-commit "$flips flip commits, $((n2 - n1)) control-queue notifications (QEMU trace): want 1 to $flips"
		fi
	fi
	verify flip-last-shown "$head" "$work/exp-0.ppm"
	rc=$?
	result flip-last-shown "$rc" "$(sed -n 's/^flip: step 2: //p' "$work/tool.log")"
	tool_stop
}

# case_palette_change: C8 with GAMMA_LUT table 0 (checked), then SIGUSR1 makes the tool
# commit GAMMA_LUT table 1 and nothing else; every pixel must take its new colour.
case_palette_change() {
	local name=palette-change rc
	tool_start lut "$head:$mode0:C8"
	if ! tool_wait 1; then
		fail "$name" "$tool_err"
		return
	fi
	if ! verify "$name-first" "$head" "$work/exp-0.ppm"; then
		fail "$name" "first palette: $detail"
		tool_stop
		return
	fi
	kill -USR1 "$tool_pid"
	if ! tool_wait 2; then
		fail "$name" "$tool_err"
		return
	fi
	verify "$name" "$head" "$work/exp-0.ppm" stable
	rc=$?
	result "$name" "$rc" "C8 $mode0, GAMMA_LUT table 0 then 1 alone"
	tool_stop
}

# case_layout NAME TOOL OPTIONS: a framebuffer with a larger pitch and/or an offset.
case_layout() {
	local name=$1 rc
	shift
	tool_start show "$@" "$head:$mode0:$fmt0"
	if ! tool_wait 1; then
		fail "$name" "$tool_err"
		return
	fi
	verify "$name" "$head" "$work/exp-0.ppm"
	rc=$?
	result "$name" "$rc" "$(tool_note 0)"
	tool_stop
}

if [ ! -x "$KMSTEST" ]; then
	fail kmstest-built "$KMSTEST missing: build it with make -C tools/kmstest"
	finish
	exit 0
fi
check load load_driver || { finish; exit 0; }
"$KMSTEST" list | sed 's/^/  | /'

for c in "${case_list[@]}"; do
	case $c in
	single)
		for mode in "${mode_list[@]}"; do
			for fmt in "${format_list[@]}"; do
				case_single "$fmt" "$mode"
			done
		done
		;;
	qemu-formats)
		# Not the KMS driver: virtio-gpu resources created in each format (virtgpu uAPI)
		# check the pattern encoders and QEMU's screendump of every format.
		for mode in "${mode_list[@]}"; do
			for fmt in "${format_list[@]}"; do
				case_single "$fmt" "$mode" qemu- --virtio-resource
			done
		done
		;;
	palette)
		for mode in "${mode_list[@]}"; do
			case_single C8 "$mode" lut- --lut
		done
		;;
	palette-change) case_palette_change ;;
	multihead) case_multihead ;;
	damage-clips) case_damage damage-clips ;;
	damage-dirtyfb) case_damage damage-dirtyfb --dirtyfb ;;
	damage-burst) case_burst damage-burst ;;
	damage-dirtyfb-burst) case_burst damage-dirtyfb-burst --dirtyfb ;;
	damage-outside-untouched) case_damage damage-outside-untouched --outside ;;
	damage-dirtyfb-outside-untouched)
		case_damage damage-dirtyfb-outside-untouched --dirtyfb --outside
		;;
	damage-outside-2clips)
		# Two small clips far apart with everything else changed: a driver that uploads
		# the clips' bounding box (allowed, but wasteful) shows the change in between.
		case_damage damage-outside-2clips --outside --rect 16,16,8,8 \
			--rect 500,400,8,8
		;;
	damage-dirtyfb-outside-2clips)
		case_damage damage-dirtyfb-outside-2clips --dirtyfb --outside \
			--rect 16,16,8,8 --rect 500,400,8,8
		;;
	flip) case_flip ;;
	pitch) case_layout pitch --pad 64 ;;
	offset) case_layout offset --offset 5 ;;
	pitch-offset) case_layout pitch-offset --pad 64 --offset 3,32 ;;
	*) fail "case-$c" "unknown case $c" ;;
	esac
done

tool_stop
finish
