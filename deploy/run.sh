#!/usr/bin/env bash
# Maarid as it is deployed for a fair, on this machine: three instances on one PostgreSQL
# database, behind HAProxy (deploy/haproxy.cfg).
#
#   deploy/run.sh              # start everything, print where it is, stop it all on Ctrl-C
#   deploy/run.sh start        # start everything and return; the state folder is printed
#   STATE=DIR deploy/run.sh status
#   STATE=DIR deploy/run.sh stop   # stop everything started from DIR and drop its database
#
# Settings, from the environment:
#   STATE          folder for the shared settings, pids, logs and the demo organiser key
#                  (a new temporary folder by default)
#   PORT           HAProxy's port (18180); the instances take PORT+1 to PORT+3, HAProxy's
#                  status page PORT+4
#   POSTGRES_URL   a PostgreSQL server and a database to connect to while creating and dropping
#                  the deployment's own (MAARID_TEST_POSTGRES_URL, else the local server)
#   DATABASE_NAME  the database to create (maarid_deploy_ and random characters)
#   KEY_PEPPER     the key pepper shared by the instances (random)
#   DRAIN_TIME     how long a stopping instance drains (3s)
#   ALLOWED_ORIGINS  other sites whose pages may open websockets (none)
#   BUDGET_EXEMPT  networks that spend no budget (127.0.0.0/8: here, everyone)
#   LOG_LEVEL      the instances' log level (warn)
#   BIN            a server binary to run instead of building one
#   FLAGS          more flags for every instance
#
# The instances are started the way a fair's are: the first alone, which migrates the empty
# database and seeds the demo fair (printing the demo keys), then the others together. Every
# instance reads the same maarid.env, as maarid@.service does /etc/maarid/maarid.env.
set -euo pipefail
umask 077

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
command=${1:-foreground}

fail() {
	echo "run.sh: $*" >&2
	exit 1
}

# load reads the state of a deployment started from $STATE.
load() {
	[ -n "${STATE:-}" ] || fail "say which deployment: STATE=DIR $0 $command"
	[ -f "$STATE/deployment" ] || fail "$STATE holds no deployment started by run.sh"
	# shellcheck disable=SC1091
	. "$STATE/deployment"
}

# alive reports whether the process whose pid is in file $1 runs the program $2; a pid reused
# by another program after ours ended is left alone.
alive() {
	local pid
	[ -f "$1" ] || return 1
	pid=$(cat "$1")
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" = "$(readlink -f "$2")" ]
}

# running reports whether process $1 runs; a zombie, ended but not yet reaped by its new
# parent (the script that started it has exited), does not.
running() {
	readlink "/proc/$1/exe" >/dev/null 2>&1
}

# ready waits until http://$1/readyz answers 200, while the process of pid file $2 lives.
ready() {
	local addr=$1 pidfile=$2 log=$3
	for _ in $(seq 600); do
		if curl -sf -o /dev/null --max-time 1 "http://$addr/readyz"; then
			return 0
		fi
		if ! running "$(cat "$pidfile")"; then
			echo "run.sh: the instance on $addr stopped; its log ($log) ends with:" >&2
			tail -n 20 "$log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "run.sh: the instance on $addr is not ready after 60 s; its log ($log) ends with:" >&2
	tail -n 20 "$log" >&2
	return 1
}

# psql_admin runs one statement on the PostgreSQL server, connected to its admin database.
psql_admin() {
	psql "$POSTGRES_URL" -X -q -v ON_ERROR_STOP=1 -c "$1"
}

status() {
	load
	for n in 1 2 3; do
		addr_var=INSTANCE_$n
		addr=${!addr_var}
		if alive "$STATE/maarid-$n.pid" "$BIN"; then
			printf 'maarid%d  %-21s pid %-8s /readyz %s\n' "$n" "$addr" "$(cat "$STATE/maarid-$n.pid")" \
				"$(curl -s --max-time 2 "http://$addr/readyz" || echo 'no answer')"
		else
			printf 'maarid%d  %-21s not running\n' "$n" "$addr"
		fi
	done
	if alive "$STATE/haproxy.pid" "$HAPROXY"; then
		echo "HAProxy  $BALANCER, as it sees the instances:"
		# Columns 2, 18 and 5 of the status page's CSV: the server, its state, its sessions.
		curl -s --max-time 2 "http://$STATS/;csv" |
			awk -F, '$1 == "maarid" && $2 ~ /^maarid/ { printf "  %-8s %-10s %s connections\n", $2, $18, $5 }'
	else
		echo "HAProxy  not running"
	fi
}

stop() {
	load
	# Every instance drains at once (SIGTERM), as systemd would stop them; each is waited for
	# as long as maarid@.service waits, then killed.
	local pids=()
	for n in 1 2 3; do
		if alive "$STATE/maarid-$n.pid" "$BIN"; then
			pid=$(cat "$STATE/maarid-$n.pid")
			kill -TERM "$pid"
			pids+=("$pid")
		fi
	done
	for pid in "${pids[@]}"; do
		for _ in $(seq 300); do
			running "$pid" || break
			sleep 0.1
		done
		if running "$pid"; then
			echo "run.sh: instance $pid did not stop within 30 s: killed" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	if alive "$STATE/haproxy.pid" "$HAPROXY"; then
		pid=$(cat "$STATE/haproxy.pid")
		kill -TERM "$pid"
		for _ in $(seq 50); do
			running "$pid" || break
			sleep 0.1
		done
	fi
	psql_admin "DROP DATABASE IF EXISTS $DATABASE_NAME WITH (FORCE)"
	# The secrets go with the database; the logs stay for reading.
	rm -f "$STATE"/*.pid "$STATE/maarid.env" "$STATE/organiser.key" "$STATE/deployment"
	echo "Stopped; database $DATABASE_NAME dropped. Logs: $STATE"
}

start() {
	PORT=${PORT:-18180}
	POSTGRES_URL=${POSTGRES_URL:-${MAARID_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}}
	DATABASE_NAME=${DATABASE_NAME:-maarid_deploy_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')}
	KEY_PEPPER=${KEY_PEPPER:-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')}
	# Longer than HAProxy takes to mark a draining instance down, even when its checks hang
	# (2.75 s, haproxy.cfg); shorter than the server's 5 s, so that stopping is quick here.
	DRAIN_TIME=${DRAIN_TIME:-3s}
	[[ $DATABASE_NAME =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || fail "DATABASE_NAME $DATABASE_NAME: use lower-case letters, digits and _"
	[ ${#KEY_PEPPER} -ge 32 ] || fail "KEY_PEPPER must have at least 32 characters"
	[[ $PORT =~ ^[0-9]+$ ]] || fail "PORT $PORT is not a port"
	if [ -z "${STATE:-}" ]; then
		STATE=$(mktemp -d "${TMPDIR:-/tmp}/maarid-deploy.XXXXXX")
	fi
	mkdir -p "$STATE"
	[ ! -f "$STATE/deployment" ] || fail "$STATE holds a running deployment: STATE=$STATE $0 stop"
	for tool in curl psql pg_isready; do
		command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install -y curl postgresql-client)"
	done
	if ! command -v haproxy >/dev/null; then
		if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
			echo "Installing HAProxy (apt-get install -y haproxy)…"
			# A fresh machine may not have the package lists yet.
			{ DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy ||
				{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy; }; } >"$STATE/apt-get.log" 2>&1 ||
				fail "apt-get install -y haproxy failed; see $STATE/apt-get.log"
		else
			fail "HAProxy is not installed: apt-get install -y haproxy (as root), then run again"
		fi
	fi
	pg_isready -q -d "$POSTGRES_URL" || fail "PostgreSQL does not answer at $POSTGRES_URL (pg_isready)"

	BALANCER=127.0.0.1:$PORT
	INSTANCE_1=127.0.0.1:$((PORT + 1))
	INSTANCE_2=127.0.0.1:$((PORT + 2))
	INSTANCE_3=127.0.0.1:$((PORT + 3))
	STATS=127.0.0.1:$((PORT + 4))
	# The instances' database: the admin URL with the new database's name as its path.
	DATABASE_URL=$(sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\\1/$DATABASE_NAME#" <<<"$POSTGRES_URL")

	if [ -z "${BIN:-}" ]; then
		echo "Building the server…"
		BIN=$STATE/maarid
		(cd "$root" && go build -o "$BIN" ./server)
	fi
	BIN=$(readlink -f "$BIN")
	HAPROXY=$(command -v haproxy)

	psql_admin "CREATE DATABASE $DATABASE_NAME"
	# Written now, so that stop can drop the database whatever fails next.
	cat >"$STATE/deployment" <<-EOF
		BALANCER='$BALANCER'
		STATS='$STATS'
		INSTANCE_1='$INSTANCE_1'
		INSTANCE_2='$INSTANCE_2'
		INSTANCE_3='$INSTANCE_3'
		POSTGRES_URL='$POSTGRES_URL'
		DATABASE_NAME='$DATABASE_NAME'
		DATABASE_URL='$DATABASE_URL'
		DRAIN_TIME='$DRAIN_TIME'
		BIN='$BIN'
		HAPROXY='$HAPROXY'
	EOF

	# What every instance shares, in the format of /etc/maarid/maarid.env (maarid.env.example
	# says why each must agree). systemd and bash both read KEY='value'.
	cat >"$STATE/maarid.env" <<-EOF
		MAARID_DATABASE_URL='$DATABASE_URL'
		MAARID_KEY_PEPPER='$KEY_PEPPER'
		MAARID_CLIENT_IP_HEADER='X-Forwarded-For'
		MAARID_DRAIN_TIME='$DRAIN_TIME'
		MAARID_LOG_LEVEL='${LOG_LEVEL:-warn}'
	EOF
	if [ -n "${ALLOWED_ORIGINS:-}" ]; then
		echo "MAARID_ALLOWED_ORIGINS='$ALLOWED_ORIGINS'" >>"$STATE/maarid.env"
	fi
	# Here every visitor, screen and test is this machine: its loopback network stands for the
	# venue's, whose screens spend no budget (a fair lists its own network).
	echo "MAARID_BUDGET_EXEMPT='${BUDGET_EXEMPT-127.0.0.0/8}'" >>"$STATE/maarid.env"

	launch() {
		local n=$1 addr_var=INSTANCE_$1
		# shellcheck disable=SC2086 # FLAGS is a list of flags
		(
			set -a
			# shellcheck disable=SC1091
			. "$STATE/maarid.env"
			set +a
			# A session of its own: Ctrl-C in the terminal reaches this script alone, which
			# stops everything in order.
			exec setsid "$BIN" --addr "${!addr_var}" ${FLAGS:-}
		) </dev/null >"$STATE/maarid-$n.log" 2>&1 &
		echo $! >"$STATE/maarid-$n.pid"
	}
	echo "Starting maarid1 on $INSTANCE_1 (migrates and seeds the demo fair)…"
	launch 1
	ready "$INSTANCE_1" "$STATE/maarid-1.pid" "$STATE/maarid-1.log"
	# The demo keys are printed once, by the instance that seeded, organiser first.
	key=$(grep -oE -m1 'ORGANISER +mrd_[A-Za-z0-9_-]{43}' "$STATE/maarid-1.log" | grep -oE 'mrd_[A-Za-z0-9_-]{43}' || true)
	[ -n "$key" ] || fail "maarid1 printed no demo organiser key; see $STATE/maarid-1.log"
	echo "$key" >"$STATE/organiser.key"
	echo "ORGANISER_KEY='$key'" >>"$STATE/deployment"

	echo "Starting maarid2 on $INSTANCE_2 and maarid3 on $INSTANCE_3…"
	launch 2
	launch 3
	ready "$INSTANCE_2" "$STATE/maarid-2.pid" "$STATE/maarid-2.log"
	ready "$INSTANCE_3" "$STATE/maarid-3.pid" "$STATE/maarid-3.log"

	echo "Starting HAProxy on $BALANCER…"
	export LB_BIND=$BALANCER LB_STATS=$STATS LB_SERVER1=$INSTANCE_1 LB_SERVER2=$INSTANCE_2 LB_SERVER3=$INSTANCE_3
	haproxy -c -q -f "$here/haproxy.cfg" || fail "HAProxy refuses $here/haproxy.cfg"
	# -db: in the foreground of its own process, whose pid is kept, logging to its file.
	setsid haproxy -db -f "$here/haproxy.cfg" </dev/null >"$STATE/haproxy.log" 2>&1 &
	echo $! >"$STATE/haproxy.pid"
	# Ready when HAProxy has checked all three instances and finds them up.
	for _ in $(seq 100); do
		up=$(curl -s --max-time 1 "http://$STATS/;csv" 2>/dev/null |
			awk -F, '$1 == "maarid" && $2 ~ /^maarid[0-9]$/ && $18 == "UP" && $37 ~ /^L7OK/' | wc -l || true)
		[ "$up" = 3 ] && break
		alive "$STATE/haproxy.pid" "$HAPROXY" || fail "HAProxy stopped; see $STATE/haproxy.log"
		sleep 0.1
	done
	[ "$up" = 3 ] || fail "HAProxy does not find the three instances up; see http://$STATS/"
	echo "HAPROXY_PID='$(cat "$STATE/haproxy.pid")'" >>"$STATE/deployment"
	for n in 1 2 3; do
		echo "MAARID_${n}_PID='$(cat "$STATE/maarid-$n.pid")'" >>"$STATE/deployment"
	done

	cat <<-EOF

		Maarid is served at http://$BALANCER/ (GraphiQL; the API is /graphql) by three instances:
		  maarid1  http://$INSTANCE_1/  pid $(cat "$STATE/maarid-1.pid")
		  maarid2  http://$INSTANCE_2/  pid $(cat "$STATE/maarid-2.pid")
		  maarid3  http://$INSTANCE_3/  pid $(cat "$STATE/maarid-3.pid")
		HAProxy (pid $(cat "$STATE/haproxy.pid")) and what it sees of them: http://$STATS/
		Database: $DATABASE_NAME on $(sed -E 's#^(postgres(ql)?://)([^@/]*@)?([^/?]*).*#\1\4#' <<<"$POSTGRES_URL")
		Demo organiser key: $key
		State and settings: $STATE;  logs: tail -f $STATE/*.log

		Try:  curl -s http://$BALANCER/graphql -H 'Content-Type: application/json' -d '{"query":"{ programmeCursor }"}'
		      The programme screen: http://$BALANCER/screen
		      Stop one instance (SIGTERM drains it; its screens resume on the others):  kill $(cat "$STATE/maarid-2.pid")
		      STATE=$STATE $0 status
	EOF
}

case $command in
start)
	# A start that fails half-way stops what it started and drops the database it made.
	started=no
	trap '[ "$started" = yes ] || [ ! -f "${STATE:-/nonexistent}/deployment" ] || STATE=$STATE "$0" stop' EXIT
	trap 'exit 130' INT TERM
	start
	started=yes
	echo "      Stop everything and drop the database:  STATE=$STATE $0 stop"
	;;
foreground)
	# Whatever happens from here, Ctrl-C or a failure, stops what was started.
	trap 'echo; [ ! -f "$STATE/deployment" ] || STATE=$STATE "$0" stop' EXIT
	trap 'exit 130' INT TERM
	STATE=${STATE:-$(mktemp -d "${TMPDIR:-/tmp}/maarid-deploy.XXXXXX")}
	start
	echo "      Ctrl-C stops everything and drops the database."
	while alive "$STATE/haproxy.pid" "$HAPROXY"; do sleep 1; done
	echo "run.sh: HAProxy stopped; see $STATE/haproxy.log" >&2
	;;
stop) stop ;;
status) status ;;
*)
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
	;;
esac
