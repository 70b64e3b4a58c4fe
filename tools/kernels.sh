#!/bin/bash
# The supported kernels: one place for the set. Each series is a pattern of Debian's own
# kernel releases; the newest installed release of each is the one built and booted.
#   kernels.sh [all]   the newest release of every series, one per line; fails naming each
#                      series that has no kernel with headers here (make setup installs them)
#   kernels.sh default one kernel to build for: the running one if its headers exist, else
#                      the newest supported one
#   kernels.sh series  "NAME REGEX" per series, for tests/vm/suite.py
set -euo pipefail

SERIES=(
	'6.1 ^6\.1\.0-[0-9]+-amd64$'
	'6.12 ^6\.12\.[0-9]+\+deb12-amd64$'
)

newest() {
	find /lib/modules -maxdepth 1 -mindepth 1 -printf '%f\n' 2>/dev/null |
		grep -E "$1" | sort -V | tail -n 1
}

# Prints what it found; returns 1 after naming the missing series on stderr.
supported() {
	local s name pat k missing=()
	for s in "${SERIES[@]}"; do
		name=${s%% *} pat=${s#* }
		k=$(newest "$pat")
		if [ -n "$k" ] && [ -e "/lib/modules/$k/build" ]; then
			echo "$k"
		else
			missing+=("$name")
		fi
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		echo "kernels: no kernel with headers for series ${missing[*]} (run make setup)" >&2
		return 1
	fi
}

case "${1:-all}" in
all) supported ;;
series) printf '%s\n' "${SERIES[@]}" ;;
default)
	if [ -e "/lib/modules/$(uname -r)/build" ]; then
		uname -r
	else
		{ supported 2>/dev/null || true; } | tail -n 1
	fi
	;;
*) echo "usage: $0 [all|default|series]" >&2; exit 2 ;;
esac
