#!/usr/bin/env bash
# The visitor catalogue from the response cache while visitors register for workshops: the
# catalogue's requests/s and latency with 0, 10 and 100 registrations a second (bench/register)
# on one server, on loopback.
#
#   bench/busy.sh                 # SQLite, 50 connections, 20 s per rate
#   RATES="0 10 100" DURATION=30s bench/busy.sh
#   DATABASE=postgres://postgres@127.0.0.1:5432/maarid_bench bench/busy.sh
#
# Needs wrk (apt-get install wrk). Server, load and registrations share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
RATES=${RATES:-"0 10 100"}
OP=${OP:-ProductCatalogue}
VARS=${VARS:-'{"first": 24, "lang": "AR"}'}
FLAGS=${FLAGS:-"--budget 1000000000000000 --exhibitor-budget 1000000000000000 --partner-budget 1000000000000000 --organiser-budget 1000000000000000"}
work=$(mktemp -d)
DATABASE=${DATABASE:-$work/bench.db}
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/maarid" ./server
go build -o "$work/register" ./bench/register
go run ./bench/request -op "$OP" -vars "$VARS" > "$work/request.json"

MAARID_LOG_LEVEL=warn "$work/maarid" --addr 127.0.0.1:18080 --database "$DATABASE" $FLAGS &
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done
BODY_FILE="$work/request.json" wrk -t2 -c"$CONNS" -d3s -s bench/catalogue.lua http://127.0.0.1:18080/graphql >/dev/null

echo "operation $OP $VARS; $THREADS threads, $CONNS connections, $DURATION a rate"
for rate in $RATES; do
	"$work/register" -url http://127.0.0.1:18080/graphql -rate "$rate" > "$work/register-$rate.txt" &
	writer=$!
	echo; echo "== $rate registrations a second"
	BODY_FILE="$work/request.json" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency \
		-s bench/catalogue.lua http://127.0.0.1:18080/graphql | tee "$work/rate-$rate.txt"
	kill -INT "$writer" 2>/dev/null || true
	wait "$writer" 2>/dev/null || true
	cat "$work/register-$rate.txt"
done

rps() { awk '/Requests\/sec/ {print $2}' "$work/rate-$1.txt"; }
p() { awk -v q="$2" '$1 == q {print $2}' "$work/rate-$1.txt"; }
echo
printf '%-28s %12s %10s %10s\n' "registrations a second" "requests/s" "p50" "p99"
for rate in $RATES; do
	printf '%-28s %12s %10s %10s\n' "$rate" "$(rps "$rate")" "$(p "$rate" 50%)" "$(p "$rate" 99%)"
done
