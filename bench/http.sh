#!/usr/bin/env bash
# Load test of the visitor catalogue over HTTP on loopback, beside a bare net/http handler
# that answers the same bytes: requests/s, latency percentiles and their ratio. Maarid runs
# twice on the same database: as configured by default (answers kept in the response cache
# until the data changes) and with the response cache off (every request executed).
#
#   bench/http.sh                 # SQLite, 50 connections, 20 s per target
#   CONNS=100 DURATION=30s bench/http.sh
#   DATABASE=postgres://postgres@127.0.0.1:5432/maarid_bench bench/http.sh
#   PROFILE=1 bench/http.sh       # also a 10 s CPU profile of Maarid under load
#
# Every limit is on; the load comes from one address, whose budget is made large enough that
# the load itself is not refused (FLAGS adds flags of your own to both servers).
#
# Needs wrk (apt-get install wrk). Server and load share the machine's cores, as they would on
# a one-box deployment; compare runs made on the same machine only.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
OP=${OP:-ProductCatalogue}
VARS=${VARS:-'{"first": 24, "lang": "AR"}'}
FLAGS=${FLAGS:-"--budget 1000000000000000 --exhibitor-budget 1000000000000000 --partner-budget 1000000000000000 --organiser-budget 1000000000000000"}
work=$(mktemp -d)
DATABASE=${DATABASE:-$work/bench.db}
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/maarid" ./server
go build -o "$work/bare" ./bench/bare
go run ./bench/request -op "$OP" -vars "$VARS" > "$work/request.json"

MAARID_LOG_LEVEL=warn "$work/maarid" --addr 127.0.0.1:18080 --database "$DATABASE" $FLAGS &
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done
MAARID_LOG_LEVEL=warn "$work/maarid" --addr 127.0.0.1:18084 --database "$DATABASE" --response-cache-mb 0 $FLAGS \
	--debug-addr 127.0.0.1:18082 &
for _ in $(seq 100); do curl -sf http://127.0.0.1:18084/healthz >/dev/null && break; sleep 0.1; done

curl -sf -X POST http://127.0.0.1:18080/graphql -H 'Content-Type: application/json' \
	-H 'Accept-Language: ar' --data-binary @"$work/request.json" > "$work/response.json"
if grep -q '"errors"' "$work/response.json"; then
	echo "the request fails:"; cat "$work/response.json"; exit 1
fi
"$work/bare" -addr 127.0.0.1:18081 -body "$work/response.json" &
sleep 0.5

echo "operation $OP $VARS; response $(wc -c < "$work/response.json") bytes; $THREADS threads, $CONNS connections, $DURATION each"
load() {
	BODY_FILE="$work/request.json" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency \
		-s bench/catalogue.lua "$1" | tee "$work/$2.txt"
}
echo; echo "== warm-up"
for port in 18080 18084; do
	BODY_FILE="$work/request.json" wrk -t2 -c"$CONNS" -d3s -s bench/catalogue.lua "http://127.0.0.1:$port/graphql" >/dev/null
done
echo; echo "== Maarid /graphql (default: response cache)"; load http://127.0.0.1:18080/graphql cached
profiler=
if [ -n "${PROFILE:-}" ]; then
	curl -s "http://127.0.0.1:18082/debug/pprof/profile?seconds=10" > bench/cpu.prof &
	profiler=$!
fi
echo; echo "== Maarid /graphql, response cache off"; load http://127.0.0.1:18084/graphql uncached
[ -n "$profiler" ] && wait "$profiler"
echo; echo "== bare net/http, same body"; load http://127.0.0.1:18081/ bare

rps() { awk '/Requests\/sec/ {print $2}' "$work/$1.txt"; }
p() { awk -v q="$2" '$1 == q {print $2}' "$work/$1.txt"; }
echo
printf '%-22s %12s %10s %10s %8s\n' "" "requests/s" "p50" "p99" "× bare"
for t in cached uncached bare; do
	printf '%-22s %12s %10s %10s %8s\n' "$t" "$(rps $t)" "$(p $t 50%)" "$(p $t 99%)" \
		"$(awk -v a="$(rps $t)" -v b="$(rps bare)" 'BEGIN {printf "%.3f", a/b}')"
done
[ -n "$profiler" ] && echo "CPU profile of the uncached server: go tool pprof -top bench/cpu.prof"
exit 0
