#!/bin/bash
# Foundation tests: the module binds the device, registers DRM nodes named virtio_gpu, sysfs
# names the module behind its virtio driver, it negotiated what the QEMU command line offers,
# reports in debugfs what QEMU was configured with, offers the host's size first and the
# standard (DMT) sizes after it, and survives unload/load cycles.
# Expectations come as KEY=VALUE arguments:
#   scanouts=N  width=W height=H (head 0)  cycles=N
# Features come from the QEMU command line itself ($VIRTGPU_RESULTS/qemu-cmd.txt): VIRGL on
# virtio-gpu-gl-pci / virtio-vga-gl and off otherwise, EDID unless the device has edid=off,
# RESOURCE_BLOB only with blob=true.
. "$VIRTGPU_TREE/tests/guest/lib.sh"

scanouts=1 width=1280 height=800 cycles=20
for kv in "$@"; do
	case $kv in
	scanouts=* | width=* | height=* | cycles=*) eval "${kv%%=*}=\${kv#*=}" ;;
	*) echo "probe.sh: unknown argument $kv" >&2; exit 2 ;;
	esac
done

# The first virtio GPU's -device value, and what it offers.
gpu_dev=$(tr ' ' '\n' <"$VIRTGPU_RESULTS/qemu-cmd.txt" | grep -E '^virtio-(gpu|vga)' | head -n 1)
offered() {	# offered PROPERTY DEFAULT: the device's value of a boolean property
	case ",$gpu_dev," in
	*",$1=on,"* | *",$1=true,"*) echo yes ;;
	*",$1=off,"* | *",$1=false,"*) echo no ;;
	*) echo "$2" ;;
	esac
}
case ${gpu_dev%%,*} in
virtio-gpu-gl-pci | virtio-vga-gl) virgl=yes ;;
*) virgl=no ;;
esac
edid=$(offered edid yes)
blob=no	# RESOURCE_BLOB is not negotiated until blob resources are implemented
echo "probe.sh: device $gpu_dev: expect virgl=$virgl edid=$edid resource_blob=$blob"

intree_absent() { [ ! -e /sys/module/virtio_gpu ]; }

# field FILE KEY: value of "KEY: value" in a debugfs file
field() { sed -n "s/^$2: //p" "$1"; }

check_bound() {
	ls -d /sys/bus/virtio/drivers/virtgpu/virtio* >/dev/null 2>&1
}

check_nodes() {
	[ -c /dev/dri/card0 ] && [ -c /dev/dri/renderD128 ] || return 1
	for node in /dev/dri/card0 /dev/dri/renderD128; do
		out=$(python3 "$VIRTGPU_TREE/tests/guest/drm_version.py" "$node") || return 1
		echo "$node: $out"
		case $out in virtio_gpu\ *) ;; *) return 1 ;; esac
	done
}

check_features() {
	f=$1/virtgpu/features
	cat "$f"
	[ "$(field "$f" num_scanouts)" = "$scanouts" ] &&
		[ "$(field "$f" virgl)" = "$virgl" ] &&
		[ "$(field "$f" edid)" = "$edid" ] &&
		[ "$(field "$f" resource_blob)" = "$blob" ]
}

# sysfs maps the device to its module: /sys/bus/virtio/drivers/virtgpu/module and
# /sys/module/virtgpu/drivers/ (6.1's register_virtio_driver() leaves the owner to the caller).
check_owner() {
	m=$(readlink /sys/bus/virtio/drivers/virtgpu/module) || { echo "no driver module link"; return 1; }
	echo "drivers/virtgpu/module -> $m"
	ls /sys/module/virtgpu/drivers/
	[ "${m##*/}" = virtgpu ] && [ -e /sys/module/virtgpu/drivers/virtio:virtgpu ]
}

check_scanout0() {
	s=$1/virtgpu/scanouts
	cat "$s"
	[ "$(grep -c '^scanout ' "$s")" = "$scanouts" ] &&
		grep -q "^scanout 0: enabled=1 x=0 y=0 width=$width height=$height " "$s"
}

# Every head gets an EDID of whole 128-byte blocks when the device has them.
check_edid() {
	s=$1/virtgpu/scanouts
	[ "$edid" = yes ] || { ! grep -v ' edid=0$' "$s" | grep -q .; return; }
	! grep -E -v ' edid=(128|256|384|512|640|768|896|1024)$' "$s" | grep -q .
}

# The probe asked each question once and the host answered each.
check_commands() {
	c=$1/virtgpu/commands
	cat "$c"
	n_edid=0
	[ "$edid" = yes ] && n_edid=$scanouts
	grep -q "^GET_DISPLAY_INFO 1 1 0 0$" "$c" &&
		grep -q "^GET_EDID $n_edid $n_edid 0 0$" "$c"
}

sign() { [ "$1" = yes ] && echo + || echo -; }
check_dmesg_features() {
	line=$(dmesg | grep -E '\[drm\] features: ' | tail -n 1)
	echo "$line"
	case $line in
	*"features: $(sign "$virgl")virgl $(sign "$edid")edid "*"$(sign "$blob")resource_blob "*) ;;
	*) return 1 ;;
	esac
}

# Head 0 offers what users pick from: the host's size first (preferred), then the standard
# sizes. Read through GETCONNECTOR (a full probe), not sysfs: fbdev's re-probes list only
# modes up to its framebuffer's size there.
check_modes() {
	list=$("$KMSTEST" list 2>&1) || { echo "vgpu-kmstest list: $list"; return 1; }
	sizes=$(awk '/^connector /{n++} n == 1 && $1 == "mode" {sub(/@.*/, "", $3); print $3}' \
		<<<"$list")
	echo "$(wc -l <<<"$sizes") modes: $(sort -u <<<"$sizes" | sort -t x -k1,1n -k2,2n |
		paste -sd' ')"
	[ "$(head -n 1 <<<"$sizes")" = "${width}x$height" ] ||
		{ echo "first mode $(head -n 1 <<<"$sizes"), want ${width}x$height"; return 1; }
	for s in 640x480 800x600 1024x768 1280x1024 1600x1200 1920x1080; do
		grep -qx "$s" <<<"$sizes" || { echo "no $s"; return 1; }
	done
}

reload_cycles() {
	i=0
	while [ "$i" -lt "$cycles" ]; do
		unload_driver || { echo "unload $i failed"; return 1; }
		[ ! -e /dev/dri/card0 ] || { echo "card0 left behind after unload $i"; return 1; }
		load_driver || { echo "load $i failed"; return 1; }
		d=$(drm_debugfs_dir) && [ -r "$d/virtgpu/scanouts" ] ||
			{ echo "no debugfs after load $i"; return 1; }
		i=$((i + 1))
	done
	echo "$cycles cycles"
}

[ "$VIRTGPU_DRIVER" = ours ] && check intree-not-loaded-before intree_absent
check load load_driver || { finish; exit 0; }
check nodes-named-virtio_gpu check_nodes
if [ "$VIRTGPU_DRIVER" = ours ]; then
	dir=$(drm_debugfs_dir)
	check bound-virtgpu check_bound
	check sysfs-driver-module check_owner
	check dmesg-features-line check_dmesg_features
	check debugfs-features check_features "$dir"
	check debugfs-scanout0-geometry check_scanout0 "$dir"
	check debugfs-edid check_edid "$dir"
	check debugfs-commands check_commands "$dir"
fi
check modes-standard check_modes
[ "$VIRTGPU_DRIVER" = ours ] && check intree-not-loaded intree_absent
check "reload-${cycles}x" reload_cycles
finish
