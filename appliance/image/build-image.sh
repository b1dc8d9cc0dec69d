#!/usr/bin/env bash
# `npm run image` (as root): builds the Carillon appliance disk image with debootstrap:
#   build/carillon-<version>-amd64.qcow2  (convert with: qemu-img convert -O vmdk|vpc …)
# Debian 12, kernel, GRUB (BIOS and UEFI), systemd-networkd with DHCP, MariaDB, fail2ban,
# nftables (only the ports in use), chrony, the Carillon .deb (with its bundled Node.js), and
# Asterisk when ASTERISK_APT_SOURCE is given.
#
# Settings (environment):
#   CARILLON_DEB            the .deb to install (default: build it with npm run package)
#   CARILLON_DEBIAN_MIRROR  Debian mirror to build from (default: the one this machine's apt sources
#                           use for bookworm, see appliance/debian-mirror.sh)
#   CARILLON_IMAGE_DEBIAN_MIRROR  the mirror the installed appliance's apt uses (default
#                           http://deb.debian.org/debian: a build machine's local mirror is not the site's)
#   CARILLON_IMAGE_SIZE     disk size (default 8G; the root file system grows to the disk at first boot)
#   CARILLON_ROOT_PASSWORD  console password for root (default: root login locked)
#   ASTERISK_APT_SOURCE     an APT line for a repository with Asterisk 20 or 22, e.g.
#                           "deb [signed-by=/etc/apt/keyrings/asterisk.asc] https://… bookworm main"
#   ASTERISK_APT_KEY        path of that repository's signing key (ASCII-armoured or binary)
#   ASTERISK_VERSION        the Asterisk package version to pin (e.g. 1:22.5.0-1); default: the
#                           candidate at build time, which is then pinned
#   ASTERISK_PACKAGES       packages to install (default: asterisk)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT_DIR=$(pwd)
VERSION=$(node -p 'require("./package.json").version')
MIRROR=$(sh appliance/debian-mirror.sh)
SIZE=${CARILLON_IMAGE_SIZE:-8G}
OUT_DIR=${CARILLON_IMAGE_OUT:-$ROOT_DIR/build}
CACHE=${CARILLON_CI_CACHE:-/var/cache/carillon-ci}
IMAGE="$OUT_DIR/carillon-$VERSION-amd64.qcow2"

say() { echo "image: $*"; }
[ "$(id -u)" = 0 ] || { echo "image: run as root (debootstrap, loop devices, chroot)." >&2; exit 1; }

needed=()
for tool in debootstrap:debootstrap qemu-img:qemu-utils sfdisk:fdisk mkfs.vfat:dosfstools mkfs.ext4:e2fsprogs mcopy:mtools; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || needed+=("${tool#*:}")
done
if [ ${#needed[@]} -gt 0 ]; then
  say "installing build tools: ${needed[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
fi

DEB=${CARILLON_DEB:-$OUT_DIR/carillon_${VERSION}_amd64.deb}
if [ -z "${CARILLON_DEB:-}" ]; then
  say "building the package…"
  CARILLON_DEB_OUT="$OUT_DIR" bash appliance/deb/build.sh
fi
[ -f "$DEB" ] || { echo "image: no package at $DEB" >&2; exit 1; }

with_asterisk=no
if [ -n "${ASTERISK_APT_SOURCE:-}" ]; then
  [ -n "${ASTERISK_APT_KEY:-}" ] && [ -f "$ASTERISK_APT_KEY" ] || { echo "image: ASTERISK_APT_SOURCE is set: ASTERISK_APT_KEY must name its signing key file." >&2; exit 1; }
  with_asterisk=yes
else
  say "NO ASTERISK: ASTERISK_APT_SOURCE is not set (Asterisk is not in Debian 12's archive)."
  say "The image is built without Asterisk; Carillon shows the telephony engine as not installed."
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/carillon-image.XXXXXX")
RAW="$WORK/disk.raw"
MNT="$WORK/mnt"
LOOP=""
CREATED_NODES=()
cleanup() {
  set +e
  if [ -d "$MNT" ]; then
    [ -n "${NETNS:-}" ] && ip netns exec "$NETNS" chroot "$MNT" mariadb-admin --protocol=socket -u root shutdown >/dev/null 2>&1
    [ -n "${NETNS:-}" ] && { for pid in $(ip netns pids "$NETNS" 2>/dev/null); do kill -9 "$pid"; done; ip netns delete "$NETNS" 2>/dev/null; }
    for m in dev/pts dev proc sys ""; do mountpoint -q "$MNT/$m" 2>/dev/null && umount -l "$MNT/$m"; done
  fi
  [ -n "$LOOP" ] && losetup -d "$LOOP"
  for node in "${CREATED_NODES[@]}"; do rm -f "$node"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
started=$(date +%s)

say "partitioning a $SIZE disk (GPT: BIOS boot, EFI system, root)…"
truncate -s "$SIZE" "$RAW"
sfdisk --quiet "$RAW" <<PARTS
label: gpt
size=1MiB, type=21686148-6449-6E6F-744E-656564454649, name=bios
size=127MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=efi
type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root
PARTS
LOOP=$(losetup --find --show --partscan "$RAW")
# Without udev (containers, chroots) the kernel's partitions of the loop device get no /dev
# nodes: ask for them (partx) and make the nodes from sysfs.
CREATED_NODES=()
for _ in $(seq 1 20); do [ -e "/sys/block/${LOOP#/dev/}/${LOOP#/dev/}p3" ] && break; partx -a "$LOOP" 2>/dev/null || true; sleep 0.5; done
for part in 1 2 3; do
  node="${LOOP}p$part"
  if [ ! -b "$node" ]; then
    sys="/sys/block/${LOOP#/dev/}/${LOOP#/dev/}p$part/dev"
    [ -r "$sys" ] || { echo "image: the kernel shows no partition $part on $LOOP." >&2; exit 1; }
    mknod "$node" b "$(cut -d: -f1 "$sys")" "$(cut -d: -f2 "$sys")"
    CREATED_NODES+=("$node")
  fi
done
mkfs.vfat -F 32 -n EFI "${LOOP}p2" >/dev/null
mkfs.ext4 -q -L carillon-root "${LOOP}p3"
mkdir -p "$MNT"
mount "${LOOP}p3" "$MNT"
mkdir -p "$MNT/boot/efi"

say "debootstrap Debian 12 from $MIRROR…"
mkdir -p "$CACHE/image-debs"
base_packages=linux-image-amd64,netbase,grub-pc,grub-efi-amd64-bin,systemd-sysv,systemd-timesyncd-,systemd-resolved,udev,kmod,ifupdown-,locales,console-setup,keyboard-configuration,cloud-guest-utils,e2fsprogs,dbus,less,nano,ca-certificates,mariadb-server,fail2ban,python3-systemd,nftables,chrony,curl,openssl,iproute2,adduser,mariadb-client
# debootstrap has no "minus" syntax: drop the two packages named with a trailing "-".
base_packages=$(echo "$base_packages" | tr ',' '\n' | grep -v -- '-$' | paste -sd, -)
DEBIAN_FRONTEND=noninteractive debootstrap --variant=minbase --cache-dir="$CACHE/image-debs" --include="$base_packages" bookworm "$MNT" "$MIRROR" >/dev/null
for m in proc sys dev dev/pts; do mkdir -p "$MNT/$m"; done
mount -t proc proc "$MNT/proc"
mount -t sysfs sys "$MNT/sys"
mount --bind /dev "$MNT/dev"
mount -t devpts devpts "$MNT/dev/pts"
in_root() { chroot "$MNT" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

IMAGE_MIRROR=${CARILLON_IMAGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cat > "$MNT/etc/apt/sources.list" <<SOURCES
deb $IMAGE_MIRROR bookworm main
deb $IMAGE_MIRROR bookworm-updates main
deb http://security.debian.org/debian-security bookworm-security main
SOURCES

if [ "$with_asterisk" = yes ]; then
  say "adding the Asterisk repository ($ASTERISK_APT_SOURCE)…"
  install -D -m 0644 "$ASTERISK_APT_KEY" "$MNT/etc/apt/keyrings/asterisk.asc"
  echo "$ASTERISK_APT_SOURCE" > "$MNT/etc/apt/sources.list.d/asterisk.list"
  in_root apt-get update -qq
  asterisk_version=${ASTERISK_VERSION:-$(in_root apt-cache policy asterisk | sed -n 's/ *Candidate: //p')}
  [ -n "$asterisk_version" ] && [ "$asterisk_version" != "(none)" ] || { echo "image: the Asterisk repository offers no asterisk package." >&2; exit 1; }
  # Pinned: an apt upgrade on the appliance never moves Asterisk to a version Carillon was not built with.
  printf 'Package: asterisk*\nPin: version %s\nPin-Priority: 1001\n' "$asterisk_version" > "$MNT/etc/apt/preferences.d/asterisk"
  in_root apt-get install -y -qq ${ASTERISK_PACKAGES:-asterisk} >/dev/null
  say "installed Asterisk $asterisk_version (pinned)."
fi

say "installing Carillon…"
cp "$DEB" "$MNT/tmp/carillon.deb"
# postinst creates the database: MariaDB runs inside the image for the install only, in a network
# namespace of its own (its 127.0.0.1:3306 is not the build machine's).
NETNS="carillon-image-$$"
ip netns add "$NETNS"
ip netns exec "$NETNS" ip link set lo up
in_netns() { ip netns exec "$NETNS" chroot "$MNT" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
# Not start-stop-daemon: it would see the build machine's own mariadbd (same PID namespace) and do nothing.
in_netns sh -c 'mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld && (setsid /usr/sbin/mariadbd --user=mysql </dev/null >/dev/null 2>&1 &)'
for _ in $(seq 1 60); do in_netns mariadb-admin --protocol=socket -u root ping >/dev/null 2>&1 && break; sleep 1; done
in_netns dpkg -i /tmp/carillon.deb
in_netns mariadb-admin --protocol=socket -u root shutdown
# Every appliance made from this image gets its own database and ARI passwords, secret key and
# certificate (with its own name and address) at first boot: carillon-firstboot.service.
rm -f "$MNT/etc/carillon/carillon.env" "$MNT/etc/carillon/tls/carillon.crt" "$MNT/etc/carillon/tls/carillon.key" \
  "$MNT/etc/asterisk/ari_carillon.conf" "$MNT/var/lib/carillon/secret.key"
install -m 0644 appliance/image/carillon-firstboot.service "$MNT/etc/systemd/system/carillon-firstboot.service"
for pid in $(ip netns pids "$NETNS"); do kill "$pid" 2>/dev/null || true; done
ip netns delete "$NETNS"
rm -f "$MNT/tmp/carillon.deb"

say "configuring the system…"
echo carillon > "$MNT/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tcarillon\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$MNT/etc/hosts"
root_uuid=$(blkid -s UUID -o value "${LOOP}p3")
efi_uuid=$(blkid -s UUID -o value "${LOOP}p2")
printf 'UUID=%s / ext4 errors=remount-ro 0 1\nUUID=%s /boot/efi vfat umask=0077,nofail 0 2\n' "$root_uuid" "$efi_uuid" > "$MNT/etc/fstab"
mkdir -p "$MNT/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' > "$MNT/etc/systemd/network/20-dhcp.network"
ln -sf /run/systemd/resolve/stub-resolv.conf "$MNT/etc/resolv.conf"
asterisk_rules=""
if [ "$with_asterisk" = yes ]; then
  asterisk_rules=$(printf '    # SIP (phones, trunks), SIP over TLS, WebRTC (WSS), RTP media\n    udp dport 5060 accept\n    tcp dport { 5060, 5061, 8089 } accept\n    udp dport 10000-20000 accept')
fi
awk -v rules="$asterisk_rules" '{ if ($0 == "@ASTERISK_RULES@") { if (rules != "") print rules } else print }' appliance/image/nftables.conf.in > "$MNT/etc/nftables.conf"
# No SSH server in the image: Debian's default sshd jail would keep fail2ban from starting.
printf '[sshd]\nenabled = false\n' > "$MNT/etc/fail2ban/jail.d/defaults-debian.conf"
printf '[DEFAULT]\nbanaction = nftables-multiport\nbanaction_allports = nftables-allports\n' > "$MNT/etc/fail2ban/jail.d/00-nftables.conf"
# The root file system grows to the whole disk at first boot (a VM disk resized, the ISO's target disk).
install -m 0644 appliance/image/carillon-grow-root.service "$MNT/etc/systemd/system/carillon-grow-root.service"
in_root systemctl enable systemd-networkd systemd-resolved nftables chrony fail2ban carillon-grow-root carillon-firstboot carillon carillon-console >/dev/null 2>&1
if [ -n "${CARILLON_ROOT_PASSWORD:-}" ]; then
  echo "root:$CARILLON_ROOT_PASSWORD" | in_root chpasswd
else
  in_root passwd -l root >/dev/null
fi
sed -i 's/^# *\(en_US.UTF-8\)/\1/' "$MNT/etc/locale.gen" && in_root locale-gen >/dev/null 2>&1 || true

say "installing GRUB (BIOS and UEFI)…"
cat > "$MNT/etc/default/grub" <<'GRUB'
GRUB_DEFAULT=0
GRUB_TIMEOUT=2
GRUB_DISTRIBUTOR="Carillon"
GRUB_CMDLINE_LINUX_DEFAULT="quiet"
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200n8 net.ifnames=1"
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --speed=115200"
GRUB
in_root grub-install --target=i386-pc "$LOOP"
in_root update-grub >/dev/null 2>&1
# UEFI: a GRUB image that finds the root file system by UUID and reads the same grub.cfg, copied
# into the EFI system partition with mtools (the build machine may not be able to mount FAT).
# Its early config only sets root and prefix, as grub-install's does: GRUB's normal mode then
# starts from that prefix, reads the module lists ($prefix/x86_64-efi/command.lst: which module
# holds "[", load_env, …) and then $prefix/grub.cfg. A "configfile" here would run grub.cfg
# before those lists are read, and every command outside the image would be "not found".
printf 'search --no-floppy --fs-uuid --set=root %s\nset prefix=($root)/boot/grub\n' "$root_uuid" > "$MNT/tmp/grub-efi-early.cfg"
in_root grub-mkimage -O x86_64-efi -o /tmp/BOOTX64.EFI -p /boot/grub -c /tmp/grub-efi-early.cfg \
  part_gpt part_msdos ext2 fat search search_fs_uuid normal configfile linux echo all_video gfxterm serial terminal gzio efi_gop
export MTOOLS_SKIP_CHECK=1
mmd -i "${LOOP}p2" ::/EFI ::/EFI/BOOT
mcopy -i "${LOOP}p2" "$MNT/tmp/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
rm -f "$MNT/tmp/BOOTX64.EFI" "$MNT/tmp/grub-efi-early.cfg"
# EFI/BOOT/BOOTX64.EFI is the removable-media path: a fresh NVRAM (new VM, replaced board) boots
# it with no boot entry. The grub.cfg it reads is update-grub's, whose commands ([, load_env,
# save_env, insmod …) come from modules under $prefix/x86_64-efi, laid out as grub-install does
# for i386-pc. Without the lists and modules a UEFI boot printed "can't find command" errors,
# took grub.cfg's 30 s "recordfail" timeout and waited on "Press any key to continue".
mkdir -p "$MNT/boot/grub/x86_64-efi"
cp "$MNT"/usr/lib/grub/x86_64-efi/*.mod "$MNT"/usr/lib/grub/x86_64-efi/*.lst "$MNT/boot/grub/x86_64-efi/"
# The build machine's loop device is no boot disk name: GRUB finds the root by UUID.
grep -q "root=UUID=$root_uuid" "$MNT/boot/grub/grub.cfg" || sed -i "s#root=/dev/loop[0-9]*p3#root=UUID=$root_uuid#g" "$MNT/boot/grub/grub.cfg"

in_root apt-get clean
rm -f "$MNT/etc/machine-id" && touch "$MNT/etc/machine-id"
rm -f "$MNT/var/lib/dbus/machine-id"
sync
umount "$MNT/dev/pts" "$MNT/dev" "$MNT/proc" "$MNT/sys" "$MNT"
losetup -d "$LOOP"; LOOP=""
for node in "${CREATED_NODES[@]}"; do rm -f "$node"; done; CREATED_NODES=()

mkdir -p "$OUT_DIR"
say "writing $IMAGE…"
qemu-img convert -c -O qcow2 "$RAW" "$IMAGE.partial"
mv -f "$IMAGE.partial" "$IMAGE"
say "built $IMAGE ($(du -h "$IMAGE" | cut -f1)) in $(( $(date +%s) - started )) s."
say "VMware: qemu-img convert -O vmdk $IMAGE carillon.vmdk; Hyper-V/Azure: qemu-img convert -O vpc $IMAGE carillon.vhd"
