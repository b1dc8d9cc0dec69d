#!/usr/bin/env bash
# `npm run test:appliance` (opt-in, root): builds the qcow2 image (or takes CARILLON_IMAGE),
# boots it under qemu-system-x86_64 with user networking forwarded to loopback ports, waits for
# Carillon's setup page over HTTPS and prints how long the boot took. The image itself is never
# changed (the VM writes to a throw-away overlay).
#   CARILLON_IMAGE          an image built before (default: build one with npm run image)
#   CARILLON_BOOT_TIMEOUT   seconds to wait for the setup page (default 900: software emulation is slow)
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=$(node -p 'require("./package.json").version')
TIMEOUT=${CARILLON_BOOT_TIMEOUT:-900}
command -v qemu-system-x86_64 >/dev/null || { echo "test:appliance: qemu-system-x86_64 is not installed (Debian package qemu-system-x86)." >&2; exit 1; }

IMAGE=${CARILLON_IMAGE:-}
if [ -z "$IMAGE" ]; then
  bash appliance/image/build-image.sh
  IMAGE="${CARILLON_IMAGE_OUT:-build}/carillon-$VERSION-amd64.qcow2"
fi
[ -f "$IMAGE" ] || { echo "test:appliance: no image at $IMAGE" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/carillon-boot.XXXXXX")
QEMU_PID=""
cleanup() {
  [ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
qemu-img create -q -f qcow2 -F qcow2 -b "$(readlink -f "$IMAGE")" "$WORK/overlay.qcow2"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
HTTPS_PORT=$(free_port)
HTTP_PORT=$(free_port)
accel=tcg
if [ -w /dev/kvm ] && grep -qE 'vmx|svm' /proc/cpuinfo; then accel=kvm; fi
echo "test:appliance: booting $IMAGE ($accel); HTTPS on 127.0.0.1:$HTTPS_PORT, HTTP on 127.0.0.1:$HTTP_PORT"
started=$(date +%s)
qemu-system-x86_64 -accel "$accel" -m 2048 -smp 2 -display none -no-reboot \
  -serial "file:$WORK/console.log" \
  -drive "file=$WORK/overlay.qcow2,if=virtio,format=qcow2" \
  -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$HTTPS_PORT-:443,hostfwd=tcp:127.0.0.1:$HTTP_PORT-:80" \
  -device virtio-net-pci,netdev=n0 &
QEMU_PID=$!

while :; do
  elapsed=$(( $(date +%s) - started ))
  code=$(curl -sk -o "$WORK/setup.html" -w '%{http_code}' --max-time 10 "https://127.0.0.1:$HTTPS_PORT/setup" || true)
  if [ "$code" = 200 ] && grep -qi 'setup' "$WORK/setup.html"; then
    echo "test:appliance: the setup page answered over HTTPS after ${elapsed} s of boot ($accel)."
    curl -s --max-time 10 "http://127.0.0.1:$HTTP_PORT/api/health" && echo
    break
  fi
  if ! kill -0 "$QEMU_PID" 2>/dev/null; then
    echo "test:appliance: the VM stopped before Carillon answered. Console:" >&2
    tail -50 "$WORK/console.log" >&2
    exit 1
  fi
  if [ "$elapsed" -ge "$TIMEOUT" ]; then
    echo "test:appliance: no setup page after $TIMEOUT s. Console:" >&2
    tail -50 "$WORK/console.log" >&2
    exit 1
  fi
  sleep 5
done
# The console banner (/etc/issue.d) is written once Carillon answers: show what the admin sees.
for _ in $(seq 1 60); do grep -q 'Open in a browser' "$WORK/console.log" && break; sleep 2; done
grep -A4 'Carillon IPBX' "$WORK/console.log" | head -8 || true
