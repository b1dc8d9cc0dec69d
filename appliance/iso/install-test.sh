#!/usr/bin/env bash
# `npm run test:iso` (opt-in, root): the installer ISO end to end, as an admin would use it.
#   1. boots the ISO under qemu-system-x86_64 with an empty disk, picks a boot menu entry with
#      key presses (as a person at the keyboard would) and lets the installer write the disk;
#      the installer's reboot ends QEMU (-no-reboot);
#   2. checks the disk now holds the appliance's partition table;
#   3. boots that disk alone (no ISO), waits for Carillon's setup page over HTTPS, powers the VM
#      off cleanly and checks, on the disk itself, that the root file system grew to the whole disk.
# Settings (environment):
#   CARILLON_ISO              an ISO built before (default: build one with npm run iso, which also
#                             builds the image unless CARILLON_IMAGE names one)
#   CARILLON_ISO_FIRMWARE     bios (default: SeaBIOS) or uefi (OVMF, Debian package ovmf, with a
#                             fresh copy of its variable store for each boot: the installed disk
#                             must boot from a new NVRAM, through EFI/BOOT/BOOTX64.EFI)
#   CARILLON_ISO_ENTRY        auto (default): the menu's second entry, unattended; ask: the default
#                             entry, answering its one question by typing "yes"
#   CARILLON_DISK_SIZE        the empty target disk (default 12G: bigger than the image's 8G, so
#                             the first boot has a file system to grow)
#   CARILLON_INSTALL_TIMEOUT  seconds for ISO boot + install (default 3600: software emulation)
#   CARILLON_BOOT_TIMEOUT     seconds for the installed disk's setup page (default 900)
#   CARILLON_TEST_KEEP=1      keep the work folder (disk, console logs) for a post-mortem
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(node -p 'require("./package.json").version')
OUT_DIR=${CARILLON_IMAGE_OUT:-build}
ENTRY=${CARILLON_ISO_ENTRY:-auto}
FIRMWARE=${CARILLON_ISO_FIRMWARE:-bios}
OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd
DISK_SIZE=${CARILLON_DISK_SIZE:-12G}
INSTALL_TIMEOUT=${CARILLON_INSTALL_TIMEOUT:-3600}
BOOT_TIMEOUT=${CARILLON_BOOT_TIMEOUT:-900}
say() { echo "test:iso: $*"; }
fail() { echo "test:iso: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (the ISO build and the disk checks need it)."
case "$ENTRY" in auto|ask) ;; *) fail "CARILLON_ISO_ENTRY is auto or ask, not $ENTRY." ;; esac
case "$FIRMWARE" in bios|uefi) ;; *) fail "CARILLON_ISO_FIRMWARE is bios or uefi, not $FIRMWARE." ;; esac
for tool in qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils sfdisk:fdisk dumpe2fs:e2fsprogs debugfs:e2fsprogs curl:curl mdir:mtools; do
  command -v "${tool%%:*}" >/dev/null || fail "${tool%%:*} is not installed (Debian package ${tool#*:})."
done
if [ "$FIRMWARE" = uefi ]; then
  [ -f "$OVMF_CODE" ] && [ -f "$OVMF_VARS" ] || fail "no OVMF firmware at $OVMF_CODE (Debian package ovmf)."
fi

ISO=${CARILLON_ISO:-}
if [ -z "$ISO" ]; then
  bash appliance/iso/build-iso.sh
  ISO="$OUT_DIR/carillon-$VERSION-installer-amd64.iso"
fi
[ -f "$ISO" ] || fail "no ISO at $ISO"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/carillon-iso-test.XXXXXX")
QEMU_PID=""
DRAIN_PID=""
stop_vm() {
  [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null && wait "$QEMU_PID" 2>/dev/null
  [ -n "$DRAIN_PID" ] && kill "$DRAIN_PID" 2>/dev/null && wait "$DRAIN_PID" 2>/dev/null
  QEMU_PID=""; DRAIN_PID=""
  return 0
}
cleanup() {
  stop_vm
  if [ "${CARILLON_TEST_KEEP:-}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
accel=tcg
if [ -w /dev/kvm ] && grep -qE 'vmx|svm' /proc/cpuinfo; then accel=kvm; fi

# The QEMU monitor on a pair of FIFOs (QEMU's "pipe" character device): key presses are sent with
# a plain echo, no socat or netcat needed. Its output is drained into a log (a full FIFO would
# stall QEMU).
# Under UEFI each VM gets OVMF's code read-only and a new copy of its empty variable store, as a
# new machine has: no boot entry points at the installed disk, OVMF must find its fallback path.
start_vm() { # log-name, qemu arguments…
  local name=$1; shift
  local firmware=()
  if [ "$FIRMWARE" = uefi ]; then
    cp "$OVMF_VARS" "$WORK/$name-vars.fd"
    firmware=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
      -drive "if=pflash,format=raw,unit=1,file=$WORK/$name-vars.fd")
  fi
  rm -f "$WORK/monitor.in" "$WORK/monitor.out"
  mkfifo "$WORK/monitor.in" "$WORK/monitor.out"
  qemu-system-x86_64 -accel "$accel" -m 2048 -smp 2 -display none -no-reboot "${firmware[@]}" \
    -serial "file:$WORK/$name.log" \
    -chardev "pipe,id=mon0,path=$WORK/monitor" -mon chardev=mon0,mode=readline "$@" &
  QEMU_PID=$!
  cat "$WORK/monitor.out" >> "$WORK/monitor.log" &
  DRAIN_PID=$!
}
monitor() { echo "$*" > "$WORK/monitor.in"; }
keys() { for key in "$@"; do monitor "sendkey $key"; sleep 0.3; done; }
# The installer's own failure messages (it then waits forever for the admin to read them).
INSTALLER_FAILED='image is missing|No disk found|Nothing was changed|Nothing usable was installed'
# Waits until the console log shows a text; fails if QEMU stops, the installer gives up or the
# deadline passes.
wait_for() { # log-name, text, deadline (epoch seconds), what
  while ! grep -qa -- "$2" "$WORK/$1.log" 2>/dev/null; do
    kill -0 "$QEMU_PID" 2>/dev/null || { tail -40 "$WORK/$1.log" >&2; fail "the VM stopped before: $4"; }
    ! grep -qaE "$INSTALLER_FAILED" "$WORK/$1.log" 2>/dev/null || { tail -20 "$WORK/$1.log" >&2; fail "the installer failed before: $4"; }
    [ "$(date +%s)" -lt "$3" ] || { tail -40 "$WORK/$1.log" >&2; fail "timed out waiting for: $4"; }
    sleep 0.5
  done
}
# The GPT of a qcow2 disk, read from a sparse raw copy (sfdisk cannot read qcow2).
raw_copy() { rm -f "$WORK/disk.raw"; qemu-img convert -O raw "$WORK/disk.qcow2" "$WORK/disk.raw"; }
root_partition() { sfdisk -d "$WORK/disk.raw" | grep -m1 'name="root"'; }
field() { sed -n "s/.*$1[=:] *\([0-9]*\).*/\1/p"; }

qemu-img create -q -f qcow2 "$WORK/disk.qcow2" "$DISK_SIZE"
disk_bytes=$(qemu-img info "$WORK/disk.qcow2" | sed -n 's/^virtual size:.*(\([0-9]*\) bytes).*/\1/p')
say "booting $ISO ($accel, $FIRMWARE) with an empty $DISK_SIZE disk; menu entry: $ENTRY"

# 1. The installer.
t0=$(date +%s)
start_vm install -drive "file=$WORK/disk.qcow2,if=virtio,format=qcow2" -cdrom "$ISO" -boot d -nic none
# GRUB draws its menu on the serial console too (under UEFI twice: through its own serial
# terminal and through OVMF's console, which OVMF also copies to the serial port); its countdown
# (5 s) stops at the first key, read from the keyboard under both firmwares.
wait_for install 'without any question' $((t0 + 600)) "the ISO's boot menu"
t_menu=$(date +%s)
say "the ISO's boot menu is up $((t_menu - t0)) s after power-on"
if [ "$ENTRY" = auto ]; then
  keys down ret
else
  keys ret
  wait_for install 'Type yes and Enter' $((t0 + INSTALL_TIMEOUT)) "the installer's question"
  say "the installer asks its question after $(( $(date +%s) - t_menu )) s: typing yes"
  keys y e s ret
fi
wait_for install 'Writing the system to' $((t0 + INSTALL_TIMEOUT)) "the installer starting to write"
t_write=$(date +%s)
say "the installer began writing $((t_write - t_menu)) s after the menu choice"
while kill -0 "$QEMU_PID" 2>/dev/null; do
  [ "$(date +%s)" -lt $((t0 + INSTALL_TIMEOUT)) ] || { tail -40 "$WORK/install.log" >&2; fail "the install did not finish in $INSTALL_TIMEOUT s."; }
  ! grep -qaE "$INSTALLER_FAILED" "$WORK/install.log" || { tail -20 "$WORK/install.log" >&2; fail "the installer failed."; }
  sleep 2
done
wait "$QEMU_PID" || true; QEMU_PID=""; wait "$DRAIN_PID" 2>/dev/null || true; DRAIN_PID=""
t_installed=$(date +%s)
grep -qa 'Carillon is installed' "$WORK/install.log" || { tail -40 "$WORK/install.log" >&2; fail "QEMU ended without the installer's success message."; }
say "installed: writing took $((t_installed - t_write)) s; ISO boot to power-off $((t_installed - t0)) s"

# 2. The disk holds the appliance: its three partitions, the root one not yet grown.
qemu-img info "$WORK/disk.qcow2" | grep -E 'virtual size|disk size'
raw_copy
sfdisk -d "$WORK/disk.raw"
root_partition >/dev/null || fail "no root partition on the installed disk."
root_end_before=$(( $(root_partition | field start) + $(root_partition | field size) ))
say "root partition ends at $((root_end_before * 512 / 1048576)) MiB of the $((disk_bytes / 1048576)) MiB disk"
# The EFI system partition holds GRUB at the removable-media path, the one a UEFI machine with an
# empty NVRAM boots (the installer writes no boot entry).
esp_start=$(sfdisk -d "$WORK/disk.raw" | grep -m1 'name="efi"' | field start)
[ -n "$esp_start" ] || fail "no EFI system partition on the installed disk."
MTOOLS_SKIP_CHECK=1 mdir -b -i "$WORK/disk.raw@@$((esp_start * 512))" ::/EFI/BOOT/BOOTX64.EFI ||
  fail "the EFI system partition has no EFI/BOOT/BOOTX64.EFI."
rm -f "$WORK/disk.raw"

# 3. The installed disk alone: first boot, setup page, clean power-off.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
HTTPS_PORT=$(free_port)
t1=$(date +%s)
start_vm boot -drive "file=$WORK/disk.qcow2,if=virtio,format=qcow2" \
  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$HTTPS_PORT-:443" -device virtio-net-pci,netdev=n0
say "booting the installed disk ($FIRMWARE); HTTPS on 127.0.0.1:$HTTPS_PORT"
while :; do
  code=$(curl -sk -o "$WORK/setup.html" -w '%{http_code}' --max-time 10 "https://127.0.0.1:$HTTPS_PORT/setup" || true)
  [ "$code" = 200 ] && grep -qi setup "$WORK/setup.html" && break
  kill -0 "$QEMU_PID" 2>/dev/null || { tail -50 "$WORK/boot.log" >&2; fail "the installed system stopped before Carillon answered."; }
  [ $(( $(date +%s) - t1 )) -lt "$BOOT_TIMEOUT" ] || { tail -50 "$WORK/boot.log" >&2; fail "no setup page $BOOT_TIMEOUT s after booting the installed disk."; }
  sleep 5
done
t_setup=$(date +%s)
say "the installed disk's setup page answered over HTTPS $((t_setup - t1)) s after power-on (first boot)"
curl -sk --max-time 10 "https://127.0.0.1:$HTTPS_PORT/api/health" && echo
for _ in $(seq 1 60); do grep -qa 'Open in a browser' "$WORK/boot.log" && break; sleep 2; done
grep -a -A4 'Carillon IPBX' "$WORK/boot.log" | head -8 || true
[ "$FIRMWARE" = bios ] || grep -a -m1 'BdsDxe: starting' "$WORK/boot.log" || true
# GRUB on the installed disk found its modules: a missing one shows as "can't find command" or
# "….mod' not found" and GRUB then waits for a key before booting.
grub_errors="can't find command|\.mod' not found|Press any key to continue"
if grep -qaE "$grub_errors" "$WORK/boot.log"; then
  tr -d '\r' < "$WORK/boot.log" | grep -aoE "error: .*|$grub_errors" | cut -c1-100 | sort | uniq -c >&2
  fail "GRUB on the installed disk reported errors ($FIRMWARE)."
fi
# ACPI power button: systemd shuts down and unmounts, so the file system on disk is consistent.
monitor system_powerdown
for _ in $(seq 1 150); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 2; done
kill -0 "$QEMU_PID" 2>/dev/null && say "no power-off after 300 s: stopping QEMU (the checks may see an unclean file system)"
stop_vm
t_off=$(date +%s)
say "powered off $((t_off - t_setup)) s after the setup page"

# The root file system grew to the whole disk: the partition reaches the disk's end (less the
# 33 sectors of the backup GPT) and ext4 fills the partition; the first-boot marker exists.
raw_copy
sfdisk -d "$WORK/disk.raw" | grep -E 'last-lba|name="root"'
start=$(root_partition | field start)
size=$(root_partition | field size)
last_lba=$(sfdisk -d "$WORK/disk.raw" | field last-lba)
fs=$(dumpe2fs -h "$WORK/disk.raw?offset=$((start * 512))" 2>/dev/null)
blocks=$(echo "$fs" | sed -n 's/^Block count: *//p')
block_size=$(echo "$fs" | sed -n 's/^Block size: *//p')
fs_bytes=$((blocks * block_size))
say "root file system: $((fs_bytes / 1048576)) MiB in a $((size * 512 / 1048576)) MiB partition on a $((disk_bytes / 1048576)) MiB disk (was $((root_end_before * 512 / 1048576)) MiB)"
[ $((start + size - 1)) -eq "$last_lba" ] || fail "the root partition does not reach the end of the disk (ends at LBA $((start + size - 1)), last usable $last_lba)."
[ $((size * 512 - fs_bytes)) -lt $((4 * 1048576)) ] || fail "the root file system ($fs_bytes bytes) does not fill its partition ($((size * 512)) bytes)."
debugfs -R 'stat /var/lib/carillon/.root-grown' "$WORK/disk.raw?offset=$((start * 512))" 2>/dev/null | grep -q 'Type: regular' ||
  fail "the first-boot marker /var/lib/carillon/.root-grown is missing."
rm -f "$WORK/disk.raw"
say "PASS ($FIRMWARE). ISO boot to menu $((t_menu - t0)) s, menu to install done $((t_installed - t_menu)) s, installed disk to setup page $((t_setup - t1)) s."
