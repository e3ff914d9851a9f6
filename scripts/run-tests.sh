#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set.
set -uo pipefail
cd "$(dirname "$0")/.."
run() {
    local label=$1; shift
    echo "=== pytest on $label ==="
    env "$@" .venv/bin/pytest -p no:cacheprovider
    local rc=$?
    if [ $rc -eq 5 ]; then
        echo "pytest collected no tests on $label: the suite is broken" >&2
        exit 1
    fi
    [ $rc -eq 0 ] || exit $rc
}
run SQLite DATABASE_URL=
if [ -n "${TEST_DATABASE_URL:-}" ]; then
    run PostgreSQL DATABASE_URL="$TEST_DATABASE_URL"
fi
