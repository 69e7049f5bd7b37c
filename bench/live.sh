#!/usr/bin/env bash
# Load test of the live programme feed (the programmeChanged subscription, graphql-transport-ws
# over websockets on loopback), the way the fair's screens use it. Each measurement starts the
# server on an empty SQLite database of its own, with the demo fair, and its profiler on.
#
#   fanout: N idle subscribers to ScreenFeed. The server's memory (resident size, heap in use,
#           goroutine stacks, goroutines) before and after they joined gives the cost of one
#           subscriber; then one organiser change, and its latency to every subscriber
#           (receipt − the change's `at`): delivered count, p50, p99, max.
#   resume: 20 clients drop their connections without a close frame, 1,000 times in all,
#           while an organiser cancels and restores sessions every 5–20 ms; each resumes from
#           the last cursor it received, and at the end reads up to the head. Every client must
#           have received each change exactly once, in order: lost, duplicated and
#           out-of-order changes are counted.
#
#   bench/live.sh                          # fanout 1,000 and 10,000, resume 1,000 cycles
#   FANOUT="1000 20000" SOURCES=4 bench/live.sh
#   CYCLES=5000 CLIENTS=50 bench/live.sh
#   PROFILES=/tmp/prof bench/live.sh       # the server's goroutine, heap and CPU profiles
#
# The driver (bench/live) raises its limit of open files to the hard limit and the server
# inherits it: N subscribers take N descriptors on each side (ulimit -Hn must exceed N). From
# one source address, loopback connections are limited by the ephemeral ports
# (/proc/sys/net/ipv4/ip_local_port_range); SOURCES=k connects from 127.0.0.1 to 127.0.0.k.
# Server and driver share the machine's cores; compare runs made on the same machine only.
# The driver exits non-zero on a protocol failure or a lost, repeated or reordered change.
set -euo pipefail
cd "$(dirname "$0")/.."

FANOUT=${FANOUT:-"1000 10000"}
CYCLES=${CYCLES:-1000}
CLIENTS=${CLIENTS:-20}
SOURCES=${SOURCES:-1}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

go build -o "$work/maarid" ./server
go build -o "$work/live" ./bench/live
echo "$(nproc) cores; open files: soft $(ulimit -Sn), hard $(ulimit -Hn); ephemeral ports $(tr '\t' - </proc/sys/net/ipv4/ip_local_port_range)"

profiles=()
if [ -n "${PROFILES:-}" ]; then
	mkdir -p "$PROFILES"
	profiles=(-profiles "$PROFILES")
fi
for n in $FANOUT; do
	echo
	"$work/live" fanout -server "$work/maarid" -n "$n" -sources "$SOURCES" "${profiles[@]}"
done
echo
"$work/live" resume -server "$work/maarid" -cycles "$CYCLES" -clients "$CLIENTS" -sources "$SOURCES"
