#!/usr/bin/env bash
# The project's one test command (README and CI): tools, system packages, dependencies,
# lint, format, types, then pytest against a throwaway PostgreSQL server.
# Usage: bash scripts/test.sh [PYTEST ARGS...]
# pytest names each test as it runs (-v) and ends with the 15 slowest (--durations=15);
# add -q to see dots instead. pytest runs on several processes (pytest-xdist, `-n auto` in
# pyproject.toml: one per CPU, at least 2, at most 8); add -n0 for one process (a debugger,
# say). In CI, or when KINERJA_TEST_TIMEOUT is set (default 45m, coreutils timeout syntax),
# the pytest run is bounded in time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$SECONDS
section() {
    printf '\n==== %s ====\n' "$*"
    section_start=$SECONDS
}
took() { printf -- '---- %s: %ss\n' "$1" "$((SECONDS - section_start))"; }

failures=()
# Lint, format, types and tests all run, so one run shows every problem; setup steps
# before them stop the run at once (set -e).
check() {
    local name=$1
    shift
    section "$name"
    if "$@"; then
        took "$name ok"
    else
        took "$name FAILED"
        failures+=("$name")
    fi
}

section "uv"
if ! command -v uv >/dev/null 2>&1; then
    # --user works for root and for people; plain install covers a venv, where --user is refused.
    python3 -m pip install --quiet --user "uv==0.13.9" \
        || python3 -m pip install --quiet "uv==0.13.9"
    PATH="$(python3 -c 'import site; print(site.getuserbase())')/bin:$PATH"
    if ! command -v uv >/dev/null 2>&1; then
        # Installed next to python3 but not on PATH (pyenv shims need a rehash, say).
        PATH="$(dirname "$(python3 -c 'import uv; print(uv.find_uv_bin())')"):$PATH"
    fi
    export PATH
fi
uv --version
took "uv"

section "system packages"
bash scripts/install-system-deps.sh
took "system packages"

section "python dependencies (uv sync --frozen --extra test)"
uv sync --frozen --extra test
took "python dependencies"

# The environment is synced above: the runs below must not re-resolve or re-sync it.
check "ruff check" uv run --no-sync ruff check .
check "ruff format --check" uv run --no-sync ruff format --check .
check "mypy (kinerja/)" uv run --no-sync mypy

section "pytest (under scripts/with-postgres.sh)"
pytest_cmd=(bash scripts/with-postgres.sh uv run --no-sync pytest -v --durations=15 "$@")
# A hung browser or server must not eat CI's whole time limit. Not by default at a
# terminal: timeout moves the run out of the foreground, away from Ctrl-C and pdb.
if [ -n "${CI:-}" ] || [ -n "${KINERJA_TEST_TIMEOUT:-}" ]; then
    pytest_cmd=(timeout --kill-after=60 "${KINERJA_TEST_TIMEOUT:-45m}" "${pytest_cmd[@]}")
fi
set +e
"${pytest_cmd[@]}"
status=$?
set -e
case $status in
    0) took "pytest ok" ;;
    5)
        echo "pytest collected no tests: that is a failure, not a pass."
        took "pytest FAILED"
        failures+=("pytest (no tests)")
        ;;
    124)
        echo "pytest did not finish within ${KINERJA_TEST_TIMEOUT:-45m} (KINERJA_TEST_TIMEOUT)."
        took "pytest FAILED"
        failures+=("pytest (timeout)")
        ;;
    *)
        took "pytest FAILED (exit $status)"
        failures+=("pytest")
        ;;
esac

printf '\n==== summary (%ss) ====\n' "$((SECONDS - started))"
if [ "${#failures[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failures[@]}"
    exit 1
fi
echo "All checks passed."
