#!/usr/bin/env bash
# Install the system packages the tests use, from Debian's archive: the PostgreSQL server
# (scripts/with-postgres.sh; its client tools give pg_dump for the backup tests),
# Chromium (the browser tests drive it with Playwright, not through ChromeDriver) and
# LibreOffice Calc (the format round trip opens, fills and saves the format with it, headless).
# Idempotent: does nothing when they are there. Installs only what is missing, never
# upgrades a package already installed (--no-upgrade), and skips Recommends (desktop
# helpers such as upower, notification-daemon and Mesa's drivers, which no test uses).
set -euo pipefail

# runuser, ldconfig and friends live in sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

missing=()
command -v chromium >/dev/null 2>&1 || missing+=("chromium")
# localc comes with the Calc package itself; soffice alone may be Writer without Calc.
{ command -v localc >/dev/null 2>&1 && command -v soffice >/dev/null 2>&1; } \
    || missing+=("libreoffice-calc")
# lowriter comes with Writer: the LKjIP document (.docx) is opened and printed with it.
command -v lowriter >/dev/null 2>&1 || missing+=("libreoffice-writer")
# A font with Arial's metrics for LibreOffice's PDFs (the print tests count pages): without
# Recommends nothing else brings one on a bare machine.
{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "Liberation Sans"; } \
    || missing+=("fonts-liberation")
# Debian keeps the server binaries off PATH, one folder per major version.
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null \
    || ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null \
    || ! command -v pg_dump >/dev/null 2>&1; then
    missing+=("postgresql")
fi

if [ "${#missing[@]}" -eq 0 ]; then
    echo "System packages present: chromium, LibreOffice Calc and Writer, Liberation fonts, PostgreSQL server and pg_dump."
    exit 0
fi
echo "Missing: ${missing[*]}"

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "Not root and no sudo. As root, run:" >&2
    echo "  apt-get update && apt-get install -y --no-upgrade --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

# Wait for another apt/dpkg run (unattended upgrades, a second test run) instead of failing.
apt_opts=(-q -o DPkg::Lock::Timeout=600)
"${as_root[@]}" apt-get "${apt_opts[@]}" update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${apt_opts[@]}" install -y --no-upgrade --no-install-recommends "${missing[@]}"
