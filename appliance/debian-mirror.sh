#!/bin/sh
# Prints the Debian archive this build machine's apt uses for Debian 12 (bookworm), so builds go
# through the same local mirror or caching proxy as the machine's own apt; Debian's default
# redirector when the sources name none. CARILLON_DEBIAN_MIRROR overrides both.
# Reads one-line sources (sources.list, *.list) and deb822 sources (*.sources).
set -eu
if [ -n "${CARILLON_DEBIAN_MIRROR:-}" ]; then echo "$CARILLON_DEBIAN_MIRROR"; exit 0; fi
dir=${CARILLON_APT_SOURCES_DIR:-/etc/apt}
found=$(
  {
    # One-line form: deb [options] URI suite components…
    cat "$dir/sources.list" "$dir"/sources.list.d/*.list 2>/dev/null |
      sed -e 's/#.*//' -e 's/\[[^]]*\]//' |
      awk '$1 == "deb" { for (i = 3; i <= NF; i++) if ($i == "bookworm") { print $2; exit } }'
    # deb822 form: a stanza whose Types hold deb and whose Suites hold bookworm.
    for f in "$dir"/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk '
        function flush() { if (deb && suite && uri != "") print uri; deb = 0; suite = 0; uri = "" }
        /^[ \t]*$/ { flush(); next }
        /^#/ { next }
        tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
        tolower($1) == "uris:" { uri = $2 }
        tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
        END { flush() }
      ' "$f"
    done
  } | head -n 1
)
echo "${found:-http://deb.debian.org/debian}"
