# PostgreSQL for the tests: a throwaway cluster from Debian's packages, in a
# temporary directory, listening on a unix socket only (no TCP port to clash
# on). PostgreSQL refuses to run as root, so when the tests run as root the
# cluster runs as the system user natter-pg (created here if needed).
#
#   pg_start            starts a cluster, or reuses the one NATTER_PG_HOST and
#                       NATTER_PG_PORT name (the runner's); sets PG_HOST, PG_PORT
#   pg_url [DB]         prints a postgresql:// URL for -d (DB: a new empty database)
#   pg_stop             stops the cluster pg_start started (not a reused one)
#
# A test that needs PostgreSQL calls pg_start first: it skips the test, with
# the reason, where PostgreSQL can neither be found nor installed.
PG_OWN=0
PG_DBS=0

# pg_bindir: prints the directory of initdb and pg_ctl, or nothing.
pg_bindir() {
	local d c
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) /usr/local/pgsql/bin; do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/psql" ] && { echo "$d"; return; }
	done
	c=$(command -v pg_ctl 2>/dev/null) || return 0
	d=$(dirname "$(readlink -f "$c")")
	[ -x "$d/initdb" ] && [ -x "$d/psql" ] && echo "$d"
}

# pg_as CMD...: runs a command as the cluster's owner.
pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u natter-pg -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	if [ -n "${NATTER_PG_HOST:-}" ] && [ -n "${NATTER_PG_PORT:-}" ]; then
		PG_HOST=$NATTER_PG_HOST PG_PORT=$NATTER_PG_PORT PG_BIN=$(pg_bindir)
		return 0
	fi
	PG_BIN=$(pg_bindir)
	if [ -z "$PG_BIN" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			postgresql >"${T_TMP:-/tmp}/pg-install.log" 2>&1
		PG_BIN=$(pg_bindir)
	fi
	[ -n "$PG_BIN" ] || skip_all "PostgreSQL is not installed and cannot be (initdb and pg_ctl not found; Debian: apt-get install postgresql)"
	if [ "$(id -u)" = 0 ]; then
		id natter-pg >/dev/null 2>&1 ||
			useradd --system --no-create-home --shell /usr/sbin/nologin natter-pg ||
			skip_all "cannot create the user natter-pg to run PostgreSQL (it refuses root)"
	fi
	PG_DIR=$(mktemp -d /tmp/natter-pg.XXXXXX)
	chmod 755 "$PG_DIR"
	[ "$(id -u)" = 0 ] && chown natter-pg "$PG_DIR"
	PG_HOST=$PG_DIR PG_PORT=5432
	if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U natter -A trust -E UTF8 \
		--no-locale >"$PG_DIR/initdb.log" 2>&1; then
		sed 's/^/# initdb: /' "$PG_DIR/initdb.log" >&2
		skip_all "initdb failed: PostgreSQL cannot run here"
	fi
	# fsync off: a test cluster is thrown away, and fsync would measure the disk.
	if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses= -k $PG_DIR -p $PG_PORT -c fsync=off -c max_connections=300" \
		start >/dev/null 2>&1; then
		sed 's/^/# postgres: /' "$PG_DIR/server.log" >&2
		skip_all "PostgreSQL did not start"
	fi
	PG_OWN=1
}

# pg_url [DB]: a URL of database DB, created empty if it is not there; with no
# DB, a new database for each call.
pg_url() {
	local db=${1:-}
	if [ -z "$db" ]; then
		# Unique without a counter: pg_url runs in $(...), which forgets one.
		PG_DBS=$((PG_DBS + 1))
		db=t$$_$(date +%s%N)_$RANDOM
	fi
	"$PG_BIN/psql" -q -h "$PG_HOST" -p "$PG_PORT" -U natter -d postgres \
		-c "CREATE DATABASE \"$db\"" >/dev/null
	printf 'postgresql://natter@/%s?host=%s&port=%s\n' "$db" "$PG_HOST" "$PG_PORT"
}

pg_stop() {
	[ "$PG_OWN" = 1 ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_OWN=0
}
