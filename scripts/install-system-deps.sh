#!/usr/bin/env bash
# Install the system packages the tests need (PostgreSQL server, Chromium, ChromeDriver)
# from Debian's archive. Idempotent: does nothing when they are already there.
set -euo pipefail

# runuser, ldconfig and friends live in sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

PACKAGES=(postgresql chromium chromium-driver)

missing=()
command -v chromium >/dev/null 2>&1 || missing+=("chromium")
command -v chromedriver >/dev/null 2>&1 || missing+=("chromedriver")
# Debian keeps the server binaries off PATH, one folder per major version.
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
    || ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; then
    missing+=("PostgreSQL server (initdb, pg_ctl)")
fi

if [ "${#missing[@]}" -eq 0 ]; then
    echo "System packages present: chromium, chromedriver, PostgreSQL server."
    exit 0
fi
echo "Missing: ${missing[*]}"

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "Not root and no sudo. As root, run:" >&2
    echo "  apt-get update && apt-get install -y ${PACKAGES[*]}" >&2
    exit 1
fi

# Wait for another apt/dpkg run (unattended upgrades, a second test run) instead of failing.
apt_opts=(-o DPkg::Lock::Timeout=600)
"${as_root[@]}" apt-get "${apt_opts[@]}" update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${apt_opts[@]}" install -y "${PACKAGES[@]}"
