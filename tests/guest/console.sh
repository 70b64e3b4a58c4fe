#!/bin/bash
# The driver's fbdev console: fbcon draws text into the DRM fbdev emulation's buffer, which the
# driver must flush to the host (damage through the fbdev deferred I/O). Text written to tty1 at
# two known places must appear on head 0 exactly there: every character cell of it holds a
# glyph pixel, every other pixel is the background (tools/kmstest/ppmtext.py on a screendump).
#   console-fbdev   /proc/fb lists the driver's fbdev and a vtcon is bound to it
#   console-text    the text, read back from the screen
#   console-update  new text written later shows too (the console keeps being flushed)
set -uo pipefail
. "$VIRTGPU_TREE/tests/guest/lib.sh"

PPMTEXT=$VIRTGPU_TREE/tools/kmstest/ppmtext.py
TTY=/dev/tty1

check load load_driver || { finish; exit 0; }

fbdev_bound() {
	cat /proc/fb
	grep -H . /sys/class/vtconsole/vtcon*/name /sys/class/vtconsole/vtcon*/bind
	grep -q 'drmfb' /proc/fb || return 1
	for v in /sys/class/vtconsole/vtcon*; do
		grep -q 'frame buffer' "$v/name" && [ "$(cat "$v/bind")" = 1 ] && return 0
	done
	return 1
}
if ! check console-fbdev fbdev_bound; then
	fail console-text "not run: no fbdev console on the driver"
	fail console-update "not run: no fbdev console on the driver"
	finish
	exit 0
fi

# The text grid and its cells: rows and columns from the tty, pixels from the fb.
read -r rows cols <<<"$(stty -F "$TTY" size)"
IFS=, read -r fbw fbh </sys/class/graphics/fb0/virtual_size
cw=$((fbw / cols)) ch=$((fbh / rows))
echo "console: $TTY $cols x $rows cells of ${cw}x$ch on a ${fbw}x$fbh framebuffer"

# put ROW COL TEXT: TEXT at 0-based ROW, COL (escape sequences count from 1).
put() { printf '\033[%d;%dH%s' $(($1 + 1)) $(($2 + 1)) "$3" >"$TTY"; }

# shows NAME RUN...: screendump until ppmtext.py finds exactly RUN... (5 s: deferred I/O).
shows() {
	local name=$1 end out
	shift
	end=$(($(date +%s) + 5))
	while :; do
		screendump "$name" 0 >/dev/null || { echo "screendump failed"; return 1; }
		out=$(python3 -S "$PPMTEXT" "$VIRTGPU_RESULTS/$name.ppm" "$cw" "$ch" "$@") &&
			{ echo "$out"; return 0; }
		[ "$(date +%s)" -lt "$end" ] || { echo "$out"; return 1; }
		sleep 1
	done
}

# Cursor off (it blinks), screen cleared, then two lines far apart.
printf '\033[?25l\033[2J' >"$TTY"
t1='VIRTGPU-CONSOLE-TEST-0123456789' t2='##########'
put 3 2 "$t1"
put $((rows - 4)) $((cols - 12)) "$t2"
check console-text shows console-text "3:2:${#t1}" "$((rows - 4)):$((cols - 12)):${#t2}"

t3='@UPDATED@'
put 10 20 "$t3"
check console-update shows console-update "3:2:${#t1}" "$((rows - 4)):$((cols - 12)):${#t2}" \
	"10:20:${#t3}"
printf '\033[?25h' >"$TTY"
finish
