#!/usr/bin/env bash
# `npm run package`: builds carillon_<version>_amd64.deb with dpkg-deb.
#
# The package holds the compiled server (dist/), its production node_modules (native modules
# argon2 and sqlite3 included), the built admin UI (ui/dist, when built) and the Node.js binary
# that built them, in /opt/carillon/releases/<version>/. Debian 12 ships Node.js 18 and Carillon
# needs 20: bundling the build machine's Node (and the native modules compiled for it) gives the
# appliance one tested pair instead of a dependency on a third-party APT repository.
#
# Environment: CARILLON_DEB_OUT (output folder, default ./build), CARILLON_SKIP_BUILD=1 (reuse
# dist/ and ui/dist as they are, e.g. in tests that just built them).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT_DIR=$(pwd)
VERSION=$(node -p 'require("./package.json").version')
ARCH=amd64
OUT=${CARILLON_DEB_OUT:-$ROOT_DIR/build}
MAINTAINER=${CARILLON_DEB_MAINTAINER:-Carillon packaging <packaging@carillon-pbx.org>}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/carillon-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PKG="$WORK/root"
REL="$PKG/opt/carillon/releases/$VERSION"

say() { echo "package: $*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "package: Node.js $(node --version) builds the package and is bundled into it; Carillon needs 20 or later." >&2
  exit 1
fi

if [ "${CARILLON_SKIP_BUILD:-}" != 1 ]; then
  say "compiling the server (npm run build)…"
  rm -rf dist
  npm run -s build
  if [ -x node_modules/.bin/vite ] || [ -f node_modules/vite/bin/vite.js ]; then
    say "building the admin UI (npm run build:ui)…"
    npm run -s build:ui
  fi
fi
[ -f dist/core/cli/main.js ] || { echo "package: dist/ is missing: run npm run build" >&2; exit 1; }

say "staging $VERSION…"
mkdir -p "$REL"
cp -a dist bin package.json package-lock.json "$REL/"
# Run by the bundled node (/usr/bin/carillon, the unit), never through its "env node" line.
chmod 0644 "$REL/bin/carillon.js"
# Files the compiled code reads next to itself (templates, pages), which tsc does not copy.
(cd "$ROOT_DIR" && find core plugins provisioning -type f ! -name '*.ts' ! -name '*.md' ! -path '*/node_modules/*' ! -path '*/test/*' -print0) |
  while IFS= read -r -d '' file; do
    mkdir -p "$REL/dist/$(dirname "$file")"
    cp -a "$file" "$REL/dist/$file"
  done
find "$REL/dist" \( -name "*.tsbuildinfo" -o -name "*.d.ts" -o -name "*.js.map" \) -delete
if [ -f ui/dist/index.html ]; then
  mkdir -p "$REL/ui"
  cp -a ui/dist "$REL/ui/dist"
else
  say "ui/dist is not built: the package serves the API and the setup page only."
fi

# Production dependencies: the checkout's node_modules (native modules already built for this
# Node), hard-linked and pruned of development packages; no network needed.
cp -al node_modules "$REL/node_modules"
(cd "$REL" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
for native in argon2 sqlite3; do
  [ -d "$REL/node_modules/$native" ] || { echo "package: the native module $native is missing from node_modules" >&2; exit 1; }
done
# Build intermediates of sqlite3 (the addon is build/Release/node_sqlite3.node).
rm -rf "$REL/node_modules/sqlite3/build/Release/obj" "$REL/node_modules/sqlite3/build/Release/obj.target" \
  "$REL/node_modules/sqlite3/build/Release/"*.a "$REL/node_modules/sqlite3/deps" "$REL/node_modules/sqlite3/src"
find "$REL/node_modules" -name '*.map' -delete
find "$REL/node_modules/argon2/prebuilds" -mindepth 1 -maxdepth 1 ! -name 'linux-x64' -exec rm -rf {} + 2>/dev/null || true
# What npm keeps as "production" but never runs here: install-time tools, other libcs' builds,
# tests, lint configuration, documentation pages.
say "$(node appliance/deb/prune-release.mjs "$REL")"

mkdir -p "$REL/node/bin"
cp "$(readlink -f "$(command -v node)")" "$REL/node/bin/node"
strip --strip-unneeded "$REL/node/bin/node" 2>/dev/null || true

install -D -m 0755 appliance/deb/carillon-cli "$PKG/usr/bin/carillon"
install -D -m 0755 appliance/deb/update-console-issue "$PKG/usr/lib/carillon/update-console-issue"
install -D -m 0644 appliance/deb/carillon.service "$PKG/lib/systemd/system/carillon.service"
install -D -m 0644 appliance/deb/carillon-console.service "$PKG/lib/systemd/system/carillon-console.service"
install -D -m 0755 appliance/deb/carillon-helper "$PKG/usr/lib/carillon/carillon-helper"
install -D -m 0644 appliance/deb/carillon-helper.socket "$PKG/lib/systemd/system/carillon-helper.socket"
install -D -m 0644 appliance/deb/carillon-helper@.service "$PKG/lib/systemd/system/carillon-helper@.service"
install -D -m 0640 appliance/deb/carillon.json "$PKG/etc/carillon/carillon.json"
install -D -m 0644 appliance/mariadb/60-carillon.cnf "$PKG/etc/mysql/mariadb.conf.d/60-carillon.cnf"
install -D -m 0644 appliance/mariadb/mariadb-socket-loopback.conf "$PKG/lib/systemd/system/mariadb.socket.d/carillon-loopback.conf"
install -D -m 0644 appliance/fail2ban/filter.d/carillon.conf "$PKG/etc/fail2ban/filter.d/carillon.conf"
install -D -m 0644 appliance/fail2ban/jail.d/carillon.conf "$PKG/etc/fail2ban/jail.d/carillon.conf"
mkdir -p "$PKG/usr/share/carillon/asterisk"
install -m 0644 appliance/asterisk/*.conf "$PKG/usr/share/carillon/asterisk/"
install -D -m 0644 docs/appliance.md "$PKG/usr/share/doc/carillon/appliance.md"
install -D -m 0644 appliance/deb/copyright "$PKG/usr/share/doc/carillon/copyright"
printf 'carillon (%s) stable; urgency=medium\n\n  * Carillon %s.\n\n -- %s  %s\n' "$VERSION" "$VERSION" "$MAINTAINER" "$(date -R)" | gzip -9n > "$WORK/changelog.gz"
install -D -m 0644 "$WORK/changelog.gz" "$PKG/usr/share/doc/carillon/changelog.gz"

mkdir -p "$PKG/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" -e "s|@MAINTAINER@|$MAINTAINER|" appliance/deb/control.in > "$PKG/DEBIAN/control"
for script in preinst postinst prerm postrm; do
  sed "s/@VERSION@/$VERSION/" "appliance/deb/$script" > "$PKG/DEBIAN/$script"
  chmod 0755 "$PKG/DEBIAN/$script"
done
(cd "$PKG" && find etc -type f | sed 's#^#/#' | sort) > "$PKG/DEBIAN/conffiles"
(cd "$PKG" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's#  \./#  #') > "$PKG/DEBIAN/md5sums"

mkdir -p "$OUT"
DEB="$OUT/carillon_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$PKG" "$DEB" >/dev/null
say "built $DEB ($(du -h "$DEB" | cut -f1))"
