#!/bin/bash
# Kernels of newer Debian releases, built against in chroots: each suite below gets a
# chroot (mmdebstrap, cached in $VIRTGPU_CACHE, default /var/cache/virtgpu) with the
# suite's newest amd64 kernel headers, the compiler that kernel was built with, make and
# sparse, plus that kernel's image and modules (in the chroot's /boot and /lib/modules, for
# guests). Which kernel is decided when the chroot is built:
# the newest linux-headers-<version>-amd64 the suite offers then, never a fixed version.
#   suite-chroots.sh setup          build the missing chroots (make setup)
#   suite-chroots.sh list           "SUITE KVER ROOT" per chroot; fails naming a missing one
#   suite-chroots.sh run SUITE CMD  CMD inside SUITE's chroot, in the current directory,
#                                   with that directory bind-mounted at the same path
#   suite-chroots.sh refresh [SUITE] rebuild (picks up a newer kernel)
set -euo pipefail

MIRROR=http://deb.debian.org/debian
SECURITY=http://deb.debian.org/debian-security
SUITES=(trixie sid)
cache=${VIRTGPU_CACHE:-/var/cache/virtgpu}
marker=.virtgpu-complete	# written last; holds the kernel release

sources() {
	case $1 in
	sid) echo "deb $MIRROR sid main" ;;
	*)
		echo "deb $MIRROR $1 main"
		echo "deb $MIRROR $1-updates main"
		echo "deb $SECURITY $1-security main"
		;;
	esac
}

# Runs inside the new chroot (mmdebstrap's customize hook): the newest generic amd64
# kernel of the suite (not -cloud or -rt), its headers (they pull in the compiler the
# kernel was built with) and its image, for guests.
# shellcheck disable=SC2016
PICK='set -e
k=$(apt-cache search --names-only "^linux-headers-[0-9][^-]*(-[0-9]+)?-amd64\$" |
	sed -E "s/^linux-headers-([^ ]+) .*/\1/" | sort -V | tail -n 1)
[ -n "$k" ] || { echo "suite-chroots: no amd64 kernel headers in this suite" >&2; exit 1; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"linux-headers-$k" "linux-image-$k"
echo "$k" >/etc/virtgpu-kernel'

# Newer kernels' Makefiles run scripts/checker-valid.sh before C=1/C=2 and, when
# it fails, turn sparse off with a mere make warning; Debian's headers packages do not
# ship the script, so sparse would never run. Ours only asks whether the checker is
# there: one too old for the headers then fails the build with its own errors.
sparse_check() {
	local src
	src=$(readlink -f "$1/lib/modules/$2/source")
	grep -q 'scripts/checker-valid.sh' "$src/Makefile" || return 0
	[ ! -e "$src/scripts/checker-valid.sh" ] || return 0
	cat >"$src/scripts/checker-valid.sh" <<'SH'
#!/bin/sh
# Written by virtgpu's tools/suite-chroots.sh (Debian's headers lack the kernel's own):
# prints 1 when the checker $1 is a command.
if command -v "$1" >/dev/null; then echo 1; else echo 0; fi
SH
	chmod +x "$src/scripts/checker-valid.sh"
}

build() {
	local suite=$1 root=$cache/suite-$1 tmp start
	tmp=$root.tmp.$$
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	mkdir -p "$cache"
	start=$(date +%s)
	echo "suite-chroots: building the $suite chroot in $root (a few minutes, once)" >&2
	# sid's Release file on the mirror can be past its Valid-Until date.
	sources "$suite" | mmdebstrap --variant=apt --format=directory \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--include=make,gcc,sparse,kmod,diffutils,findutils,gawk,initramfs-tools \
		--customize-hook="chroot \"\$1\" /bin/sh -c '$PICK'" \
		"$suite" "$tmp" - >&2
	sparse_check "$tmp" "$(cat "$tmp/etc/virtgpu-kernel")"
	cp "$tmp/etc/virtgpu-kernel" "$tmp/$marker"
	rm -rf "$root"
	mv -T "$tmp" "$root"
	trap - EXIT
	echo "suite-chroots: $suite: kernel $(cat "$root/$marker"), $(chroot "$root" gcc --version |
		head -n 1), built in $(($(date +%s) - start)) s, $(du -sh "$root" | cut -f1)" >&2
}

list() {
	local s root missing=()
	for s in "${SUITES[@]}"; do
		root=$cache/suite-$s
		if [ -s "$root/$marker" ]; then
			echo "$s $(cat "$root/$marker") $root"
		else
			missing+=("$s")
		fi
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		echo "suite-chroots: no chroot for ${missing[*]} (run make setup)" >&2
		return 1
	fi
}

# A private mount namespace: nothing stays mounted on the host.
run() {
	local root=$cache/suite-$1 dir
	shift
	[ -s "$root/$marker" ] || { echo "suite-chroots: no chroot at $root (run make setup)" >&2; exit 1; }
	dir=$(pwd -P)
	mkdir -p "$root$dir"
	# shellcheck disable=SC2016
	unshare --mount --propagation private /bin/sh -c '
		root=$1 dir=$2; shift 2
		mount --rbind /dev "$root/dev" && mount -t proc proc "$root/proc" &&
		mount --bind "$dir" "$root$dir" || exit 1
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$dir" "$@"
	' sh "$root" "$dir" "$@"
}

case "${1:-}" in
setup | refresh)
	mkdir -p "$cache"
	# One builder at a time (parallel make): the second then finds the cache.
	exec 9>"$cache/suite-chroots.lock"
	flock 9
	;;
esac
case "${1:-}" in
setup)
	for s in "${SUITES[@]}"; do
		[ -s "$cache/suite-$s/$marker" ] || build "$s"
	done
	list
	;;
refresh)
	[ $# -lt 2 ] || SUITES=("$2")
	for s in "${SUITES[@]}"; do build "$s"; done
	list
	;;
list) list ;;
run)
	[ $# -ge 3 ] || { echo "usage: $0 run SUITE CMD..." >&2; exit 2; }
	shift
	run "$@"
	;;
*) echo "usage: $0 setup|list|refresh [SUITE]|run SUITE CMD..." >&2; exit 2 ;;
esac
