#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARGS...]
#
# Start a throwaway PostgreSQL server for one command: a fresh cluster in a temp dir,
# listening only on 127.0.0.1 on a free port, with a database "kinerja_test". Exports
# KINERJA_TEST_POSTGRES_URL, runs CMD, then always stops the server and deletes the dir.
# Exits with CMD's exit code. Several can run at once: each has its own dir and port.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

# Debian keeps one folder of server binaries per major version; take the newest.
pg_bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    pg_bin=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
fi
if [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
    echo "with-postgres: no PostgreSQL server binaries (initdb, pg_ctl);" \
        "run scripts/install-system-deps.sh" >&2
    exit 1
fi

# runuser, ldconfig and friends live in sbin, which a non-login PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# initdb refuses to run as root: as root, the cluster belongs to the "postgres" user.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "with-postgres: running as root, but there is no 'postgres' user to own the cluster" >&2
        exit 1
    fi
    as_owner=(runuser -u postgres --)
fi

# In /tmp rather than $TMPDIR: the postgres user must reach it, and a unix socket path
# has to stay under about 100 characters.
dir=$(mktemp -d /tmp/kinerja-pg.XXXXXX)
data="$dir/data"
log="$dir/server.log"

cleanup() {
    if [ -f "$data/postmaster.pid" ]; then
        (cd "$dir" && "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 30 stop \
            >/dev/null 2>&1) || {
            pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
            [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
        }
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${#as_owner[@]}" -gt 0 ]; then
    chown postgres: "$dir"
fi
chmod 700 "$dir"

# Run the server tools from inside the dir: the postgres user may not be allowed to enter
# the caller's working directory.
in_dir() { (cd "$dir" && "${as_owner[@]}" "$@"); }

# Trust authentication is fine here: the cluster is created for this command only, listens
# on loopback alone, has no data worth protecting, and is deleted when the command ends.
if ! in_dir "$pg_bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
    echo "with-postgres: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    exit 1
fi

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A free port can be taken by someone else before the server binds it: try a few.
started=""
for _ in 1 2 3 4 5; do
    port=$(free_port)
    # Durability settings are off: a crash loses only a throwaway test database.
    if in_dir "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir" \
        -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
        started=yes
        break
    fi
done
if [ -z "$started" ]; then
    echo "with-postgres: the server did not start; its log:" >&2
    cat "$log" >&2 || true
    exit 1
fi

"$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres kinerja_test

export KINERJA_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/kinerja_test"
echo "with-postgres: PostgreSQL $("$pg_bin/pg_ctl" --version | awk '{print $3}')" \
    "on 127.0.0.1:$port (data in $dir)"

set +e
"$@"
status=$?
set -e
exit "$status"
