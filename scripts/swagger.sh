#!/usr/bin/env bash
# Regenerates the OpenAPI (Swagger 2.0) document in docs/ from the handlers'
# annotations, after formatting them.
#   scripts/swagger.sh           regenerate docs/docs.go, swagger.json, swagger.yaml
#   scripts/swagger.sh --check   fail if docs/ differs from what the annotations give
set -euo pipefail
cd "$(dirname "$0")/.."

generate() {
	go tool swag init --quiet --generalInfo main.go --dir ./,./api,./plugins --exclude ./docs,./scripts,./seed \
		--output "$1" --outputTypes go,json,yaml --packageName docs --parseInternal
}

if [ "${1:-}" = "--check" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	generate "$tmp"
	stale=0
	for f in docs.go swagger.json swagger.yaml; do
		if ! diff -q "docs/$f" "$tmp/$f" >/dev/null 2>&1; then
			echo "docs/$f is stale: run scripts/swagger.sh and commit the result" >&2
			stale=1
		fi
	done
	exit "$stale"
fi

go tool swag fmt --dir ./,./api,./plugins --exclude ./docs,./scripts,./seed --generalInfo main.go
generate docs
