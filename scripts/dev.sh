#!/usr/bin/env bash
# Run Riposte as it runs at scale, on this machine: the local PostgreSQL and
# a real Meilisearch (the release the tests use, started by scripts/meili.sh),
# in development mode, with http plugins allowed on loopback and private
# addresses.
#
#   scripts/dev.sh [serve flags…]       e.g. scripts/dev.sh --addr :8081
#
# PostgreSQL must answer on 127.0.0.1:5432 as the user postgres (set
# PGPASSWORD if it needs one); the database riposte_dev is created if it is
# missing and kept between runs. Meilisearch starts empty each time and is
# filled from the database before the server starts; it is stopped when the
# server stops (Ctrl-C). The development signing secret lives in
# ${RIPOSTE_DATA_DIR:-data/dev}, so sign-ins survive restarts.
set -euo pipefail
cd "$(dirname "$0")/.."

db=riposte_dev
psql_admin() { psql -v ON_ERROR_STOP=1 -qAt -h 127.0.0.1 -p 5432 -U postgres -d postgres "$@"; }

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
	echo "dev.sh: PostgreSQL does not answer on 127.0.0.1:5432; start it first" >&2
	echo "        (on Debian: pg_ctlcluster <version> main start)" >&2
	exit 1
fi
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
	psql_admin -c "CREATE DATABASE $db"
	echo "dev.sh: created database $db"
fi

work=$(mktemp -d)
export RIPOSTE_MEILI_STATE="${TMPDIR:-/tmp}/riposte-dev-meili-$(id -u)"
cleanup() {
	scripts/meili.sh stop >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

meili_env=$(scripts/meili.sh start)
eval "$meili_env"
export RIPOSTE_MEILI_URL="$RIPOSTE_TEST_MEILI_URL" RIPOSTE_MEILI_KEY="$RIPOSTE_TEST_MEILI_KEY"
unset RIPOSTE_TEST_MEILI_URL RIPOSTE_TEST_MEILI_KEY RIPOSTE_MEILI_BIN
echo "dev.sh: Meilisearch at $RIPOSTE_MEILI_URL"

export RIPOSTE_ENV=development
export RIPOSTE_PLUGINS_ALLOW_PRIVATE=true
export RIPOSTE_DATABASE_URL="postgres://postgres${PGPASSWORD:+:$PGPASSWORD}@127.0.0.1:5432/$db"
export RIPOSTE_DATA_DIR="${RIPOSTE_DATA_DIR:-data/dev}"

go build -o "$work/riposte" .
"$work/riposte" reindex

# The server runs in the background so that a signal to this script (Ctrl-C,
# or a TERM from a supervisor) reaches it and Meilisearch is stopped after it.
"$work/riposte" serve "$@" &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
status=0
while :; do
	wait "$server" && status=0 || status=$?
	kill -0 "$server" 2>/dev/null || break
done
exit "$status"
