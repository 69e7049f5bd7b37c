#!/usr/bin/env bash
# Maarid as deployed for a fair (deploy/run.sh: three instances on one PostgreSQL database
# behind HAProxy), loaded through its balancer:
#
#   catalogue: ProductCatalogue (first 24, in Arabic) requests/s and latency through the
#              balancer with three instances, then with one (the other two stopped), with the
#              response cache on (the default) and off; and PostGraphile v4 on the same
#              database answering the same logical page (the same products, their category
#              and its parent, their exhibitor and its stands), in the same run.
#   screens:   N subscribers to ScreenFeed through the balancer (spread over the instances),
#              one change made through the first instance: commit-to-delivery p50/p99; then the
#              same with one instance.
#
#   bench/deployed.sh
#   DURATION=30s CONNS=100 SCREENS=5000 bench/deployed.sh
#   SKIP_POSTGRAPHILE=1 bench/deployed.sh     # without PostGraphile (it needs npx and the registry)
#
# Needs what deploy/run.sh needs (PostgreSQL at MAARID_TEST_POSTGRES_URL or the local server,
# HAProxy, psql), wrk, and npx for PostGraphile. Everything shares the machine's cores, as on a
# one-box deployment; compare runs made on the same machine only.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
SCREENS=${SCREENS:-3000}
PORT=${PORT:-18280}
POSTGRAPHILE_PORT=$((PORT + 10))
# The screens and the load come from this machine; each instance keeps a websocket's
# descriptor, HAProxy two.
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
deployments=()
cleanup() {
	kill $(jobs -p) 2>/dev/null || true
	wait 2>/dev/null || true
	for state in "${deployments[@]}"; do
		[ ! -f "$state/deployment" ] || STATE=$state deploy/run.sh stop >/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/maarid" ./server
go build -o "$work/live" ./bench/live
go run ./bench/request -op ProductCatalogue -vars '{"first": 24, "lang": "AR"}' >"$work/maarid.json"
# The same page as PostGraphile v4 names it: its tables and columns as they are, relations by
# their foreign keys; published products of listed exhibitors, by price then Arabic name.
cat >"$work/postgraphile.json" <<'EOF'
{"query": "query ProductCatalogue { allProducts(first: 24, condition: {published: true, listed: true}, orderBy: [PRICE_MINOR_UNITS_ASC, NAME_SORT_AR_ASC, PRIMARY_KEY_ASC]) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name price priceMinorUnits unit labels available categoryByCategoryId { id name categoryByParentId { id name } } exhibitorByExhibitorId { id name province standsByExhibitorId { nodes { code hall } } } } } } }"}
EOF

echo "$(nproc) cores; $THREADS wrk threads, $CONNS connections, $DURATION per measurement; $SCREENS screens"

# deployment starts one with deploy/run.sh, its name $1 and extra instance flags $2; its
# variables (BALANCER, INSTANCE_1, ORGANISER_KEY, …) are then set here.
deployment() {
	local state=$work/$1
	deployments+=("$state")
	STATE=$state BIN=$work/maarid PORT=$PORT FLAGS=$2 deploy/run.sh start >"$work/$1.start.log" 2>&1 ||
		{ cat "$work/$1.start.log"; exit 1; }
	# shellcheck disable=SC1091
	. "$state/deployment"
	STATE_DIR=$state
}

# instances_up prints how many instances HAProxy finds up.
instances_up() {
	curl -s --max-time 1 "http://$STATS/;csv" | awk -F, '$1 == "maarid" && $2 ~ /^maarid[0-9]$/ && $18 == "UP"' | wc -l
}

# leave_one stops instances 2 and 3 (SIGTERM: they drain) and waits until HAProxy has taken
# them out.
leave_one() {
	kill -TERM "$(cat "$STATE_DIR/maarid-2.pid")" "$(cat "$STATE_DIR/maarid-3.pid")"
	for _ in $(seq 200); do
		[ "$(instances_up)" = 1 ] && break
		sleep 0.1
	done
	[ "$(instances_up)" = 1 ] || { echo "HAProxy still sees $(instances_up) instances up"; exit 1; }
	# Their streams close at the end of the drain; the last instance then has the machine.
	sleep 4
}

# check sends the request of file $2 to URL $1 once and fails on an answer with errors.
check() {
	curl -sf -X POST "$1" -H 'Content-Type: application/json' -H 'Accept-Language: ar' \
		--data-binary @"$2" >"$work/answer.json" || { echo "$1 does not answer"; exit 1; }
	if grep -q '"errors"' "$work/answer.json" || ! grep -q '"totalCount"' "$work/answer.json"; then
		echo "$1 fails the request:"
		head -c 600 "$work/answer.json"
		exit 1
	fi
	echo "  answer: $(wc -c <"$work/answer.json") bytes, totalCount $(grep -oE '"totalCount": ?[0-9]+' "$work/answer.json" | grep -oE '[0-9]+$')"
}

# load runs wrk against URL $1 with the request of file $2, its figures kept as $3.
load() {
	check "$1" "$2"
	BODY_FILE=$2 wrk -t"$THREADS" -c"$CONNS" -d3s -s bench/catalogue.lua "$1" >/dev/null
	BODY_FILE=$2 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s bench/catalogue.lua "$1" >"$work/$3.txt"
	grep -E 'Requests/sec|Non-2xx|Socket errors|^ +(50|99)%' "$work/$3.txt" | sed 's/^/  /'
}

screens() {
	echo "== $SCREENS screens through the balancer, $1"
	"$work/live" fanout -through "$BALANCER" -via "$INSTANCE_1" -key "$ORGANISER_KEY" -n "$SCREENS" |
		tee "$work/screens-$2.txt" | sed 's/^/  /'
}

echo
echo "Deployment 1: the response cache on (the default)"
deployment cached ""
echo "== ProductCatalogue through the balancer, three instances, cache on"
load "http://$BALANCER/graphql" "$work/maarid.json" cached-3
screens "three instances" 3
if [ -z "${SKIP_POSTGRAPHILE:-}" ]; then
	echo "== PostGraphile v4 on the same database (npx postgraphile@4 --disable-query-log)"
	# In a process group of its own: npx runs PostGraphile as its child.
	setsid npx -y postgraphile@4 -c "$DATABASE_URL" -s public -n 127.0.0.1 -p "$POSTGRAPHILE_PORT" \
		--disable-query-log >"$work/postgraphile.log" 2>&1 &
	postgraphile=$!
	for _ in $(seq 600); do
		curl -s -o /dev/null "http://127.0.0.1:$POSTGRAPHILE_PORT/graphql" && break
		sleep 0.2
	done
	load "http://127.0.0.1:$POSTGRAPHILE_PORT/graphql" "$work/postgraphile.json" postgraphile
	kill -- -"$postgraphile" 2>/dev/null || true
	wait "$postgraphile" 2>/dev/null || true
fi
leave_one
echo "== ProductCatalogue through the balancer, one instance, cache on"
load "http://$BALANCER/graphql" "$work/maarid.json" cached-1
screens "one instance" 1
STATE=$STATE_DIR deploy/run.sh stop >/dev/null

echo
echo "Deployment 2: the response cache off (--response-cache-mb 0)"
deployment uncached "--response-cache-mb 0"
echo "== ProductCatalogue through the balancer, three instances, cache off"
load "http://$BALANCER/graphql" "$work/maarid.json" uncached-3
leave_one
echo "== ProductCatalogue through the balancer, one instance, cache off"
load "http://$BALANCER/graphql" "$work/maarid.json" uncached-1
STATE=$STATE_DIR deploy/run.sh stop >/dev/null

rps() { awk '/Requests\/sec/ {print $2}' "$work/$1.txt"; }
p() { awk -v q="$2" '$1 == q {print $2}' "$work/$1.txt"; }
echo
echo "ProductCatalogue, $CONNS connections"
printf '%-34s %12s %10s %10s %16s\n' "" "requests/s" "p50" "p99" "× PostGraphile"
for t in cached-3 cached-1 uncached-3 uncached-1 postgraphile; do
	[ -f "$work/$t.txt" ] || continue
	ratio=-
	[ -f "$work/postgraphile.txt" ] && ratio=$(awk -v a="$(rps $t)" -v b="$(rps postgraphile)" 'BEGIN {printf "%.1f", a/b}')
	printf '%-34s %12s %10s %10s %16s\n' "$t" "$(rps $t)" "$(p $t 50%)" "$(p $t 99%)" "$ratio"
done
echo
echo "$SCREENS screens, one change"
for n in 3 1; do
	printf '%d instance(s): %s\n' "$n" "$(grep -E '^latency' "$work/screens-$n.txt" | sed 's/^latency *//')"
done
