#!/bin/bash
# Print the supported kernels installed here, newest of each series:
# Debian's 6.1 and the bookworm build of 6.12. "default" prints one kernel
# to build for: the running one if its headers exist, else the newest.
set -euo pipefail

newest() {
	find /lib/modules -maxdepth 1 -mindepth 1 -printf '%f\n' 2>/dev/null |
		grep -E "$1" | sort -V | tail -n 1
}

supported() {
	local k
	for pat in '^6\.1\.0-[0-9]+-amd64$' '^6\.12\.[0-9]+\+deb12-amd64$'; do
		k=$(newest "$pat")
		[ -n "$k" ] && [ -e "/lib/modules/$k/build" ] && echo "$k"
	done
	return 0
}

case "${1:-all}" in
all) supported ;;
default)
	if [ -e "/lib/modules/$(uname -r)/build" ]; then
		uname -r
	else
		supported | tail -n 1
	fi
	;;
*) echo "usage: $0 [all|default]" >&2; exit 2 ;;
esac
