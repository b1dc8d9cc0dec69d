#!/usr/bin/env bash
# `npm run iso` (as root): builds build/carillon-<version>-installer-amd64.iso, a hybrid BIOS/UEFI
# ISO (CD, or a USB stick written with dd) that installs the appliance image of `npm run image` to
# the machine's first disk.
#
# Why this design and not the Debian installer with a preseed, or live-build: the ISO carries the
# very system `npm run image` built and tested (same packages, same Carillon, Asterisk when built),
# the install needs no network (a site with no internet access still installs), and it asks one
# question (erase that disk?), none with the boot option carillon.auto. A preseeded Debian
# installer would download and configure every package again at each site, and live-build would
# add a second build system for the same result. The installer itself is a small live Debian
# (debootstrap + live-boot) that writes the image with qemu-img.
#
# Settings: CARILLON_IMAGE (an image built before; default: build one), CARILLON_DEBIAN_MIRROR
# (default: the mirror this machine's apt sources use, see appliance/debian-mirror.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT_DIR=$(pwd)
VERSION=$(node -p 'require("./package.json").version')
MIRROR=$(sh appliance/debian-mirror.sh)
OUT_DIR=${CARILLON_IMAGE_OUT:-$ROOT_DIR/build}
CACHE=${CARILLON_CI_CACHE:-/var/cache/carillon-ci}
ISO="$OUT_DIR/carillon-$VERSION-installer-amd64.iso"
say() { echo "iso: $*"; }
[ "$(id -u)" = 0 ] || { echo "iso: run as root (debootstrap, chroot)." >&2; exit 1; }

needed=()
for tool in debootstrap:debootstrap mksquashfs:squashfs-tools xorriso:xorriso mformat:mtools grub-mkrescue:grub-common; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || needed+=("${tool#*:}")
done
[ -d /usr/lib/grub/i386-pc ] || needed+=(grub-pc-bin)
[ -d /usr/lib/grub/x86_64-efi ] || needed+=(grub-efi-amd64-bin)
if [ ${#needed[@]} -gt 0 ]; then
  say "installing build tools: ${needed[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
fi

IMAGE=${CARILLON_IMAGE:-}
if [ -z "$IMAGE" ]; then
  bash appliance/image/build-image.sh
  IMAGE="$OUT_DIR/carillon-$VERSION-amd64.qcow2"
fi
[ -f "$IMAGE" ] || { echo "iso: no image at $IMAGE" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/carillon-iso.XXXXXX")
LIVE="$WORK/live-root"
cleanup() {
  set +e
  for m in dev/pts dev proc sys; do mountpoint -q "$LIVE/$m" 2>/dev/null && umount -l "$LIVE/$m"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
started=$(date +%s)

say "building the installer's live system (debootstrap)…"
mkdir -p "$CACHE/iso-debs"
debootstrap --variant=minbase --cache-dir="$CACHE/iso-debs" \
  --include=linux-image-amd64,live-boot,systemd-sysv,udev,kmod,qemu-utils,fdisk,util-linux,eject,console-setup \
  bookworm "$LIVE" "$MIRROR" >/dev/null
install -m 0755 appliance/iso/install-carillon "$LIVE/usr/local/sbin/install-carillon"
install -m 0644 appliance/iso/carillon-installer.service "$LIVE/etc/systemd/system/carillon-installer.service"
chroot "$LIVE" systemctl enable carillon-installer.service >/dev/null 2>&1
chroot "$LIVE" passwd -l root >/dev/null
# No login prompt on the serial console (root is locked: nobody could log in), and agetty's
# hang-up of ttyS0 would cut the installer's copy of its messages there.
ln -sf /dev/null "$LIVE/etc/systemd/system/serial-getty@ttyS0.service"
echo carillon-installer > "$LIVE/etc/hostname"
chroot "$LIVE" apt-get clean

ISO_DIR="$WORK/iso"
mkdir -p "$ISO_DIR/live" "$ISO_DIR/carillon" "$ISO_DIR/boot/grub"
cp "$LIVE"/boot/vmlinuz-* "$ISO_DIR/live/vmlinuz"
cp "$LIVE"/boot/initrd.img-* "$ISO_DIR/live/initrd.img"
mksquashfs "$LIVE" "$ISO_DIR/live/filesystem.squashfs" -comp xz -e boot -noappend -quiet
cp "$IMAGE" "$ISO_DIR/carillon/carillon.qcow2"
# all_video: under UEFI the kernel's screen (efifb) is the mode GRUB leaves it; without a video
# module GRUB boots "in blind mode" and a machine without a DRM driver for its card shows nothing.
cat > "$ISO_DIR/boot/grub/grub.cfg" <<GRUB
set timeout=5
set default=0
insmod all_video
serial --speed=115200
terminal_input console serial
terminal_output console serial
menuentry "Install Carillon $VERSION (erases the first disk after one question)" {
  linux /live/vmlinuz boot=live components quiet console=ttyS0,115200 console=tty0
  initrd /live/initrd.img
}
menuentry "Install Carillon $VERSION without any question (unattended)" {
  linux /live/vmlinuz boot=live components quiet carillon.auto console=ttyS0,115200 console=tty0
  initrd /live/initrd.img
}
GRUB
mkdir -p "$OUT_DIR"
grub-mkrescue -o "$ISO.partial" "$ISO_DIR" -- -volid CARILLON >/dev/null 2>&1
mv -f "$ISO.partial" "$ISO"
say "built $ISO ($(du -h "$ISO" | cut -f1)) in $(( $(date +%s) - started )) s."
