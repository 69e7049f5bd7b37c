#!/usr/bin/env bash
# Time from `go run ./server` on an empty database to the first answered query, the way a
# newcomer starts Maarid: the build (from Go's cache after the first time), the migration, the
# demo fair's seeding and the first ProductCatalogue page.
#
#   bench/startup.sh            # three runs
#   RUNS=10 bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
go run ./bench/request -op ProductCatalogue -vars '{"first": 24, "lang": "AR"}' > "$work/request.json"
go build -o /dev/null ./server # warm the build cache, as after a first run

for run in $(seq "$RUNS"); do
	rm -f "$work"/maarid.db*
	start=$(date +%s%N)
	MAARID_ADDR=127.0.0.1:18083 MAARID_DATABASE_URL="$work/maarid.db" go run ./server >"$work/log.txt" 2>&1 &
	gorun=$!
	for _ in $(seq 3000); do
		curl -sf -X POST http://127.0.0.1:18083/graphql -H 'Content-Type: application/json' \
		--data-binary @"$work/request.json" -o "$work/answer.json" 2>/dev/null && break
		sleep 0.01
	done
	end=$(date +%s%N)
	grep -q '"totalCount"' "$work/answer.json" || { echo "bad answer"; cat "$work/answer.json"; exit 1; }
	echo "run $run: $(( (end - start) / 1000000 )) ms to the first answered query ($(grep -o 'duration=[0-9.a-z]*' "$work/log.txt" | head -1 | cut -d= -f2) of it seeding)"
	pkill -INT -P "$gorun" || true # the server, child of go run
	wait "$gorun" 2>/dev/null || true
done
