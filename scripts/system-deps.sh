#!/usr/bin/env bash
# Installs the Debian packages Jiebang needs when run as root (as on the project's machines):
# Chromium for browser tests, Pango + Noto CJK for PDFs, gettext for translations,
# the PostgreSQL server and Redis. Elsewhere it only lists what is missing.
set -euo pipefail
packages=(chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 gettext postgresql redis-server)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Missing system packages (install them as root): ${missing[*]}" >&2
fi
