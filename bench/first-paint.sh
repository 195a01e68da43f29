#!/usr/bin/env bash
# natter's first paint: the time from exec until its first full screen is
# visible in an 80x24 tmux pane, and its RSS then, with a history.db of 0,
# 10,000 and 1,000,000 messages, beside irssi (empty config) measured the same
# way in the same run. Each figure is the median of $RUNS runs.
# Aim: flat across history sizes (1,000,000 within 1.2x of empty), at most
# three quarters of irssi's time, and no more memory than irssi.
# BENCH_QUICK=1 skips the 1,000,000-message history.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
RUNS=${RUNS:-5}
SIZES="0 10000 1000000"
[ "${BENCH_QUICK:-0}" = 1 ] && SIZES="0 10000"
for c in tmux sqlite3; do
	command -v $c >/dev/null 2>&1 || { echo "first-paint: $c is not installed; skipped"; exit 0; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/natter-bench.XXXXXX")
export TMUX_TMPDIR=$T
TM=(tmux -f /dev/null -L "natter-bench-$$")
# Kept running between sessions: a new session must never reach a server that
# is still exiting after the last one ended ("server exited unexpectedly").
"${TM[@]}" start-server \; set -s exit-empty off
PIDS=()
cleanup() {
	local p
	"${TM[@]}" kill-server 2>/dev/null
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
export XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config XDG_STATE_HOME=$T/state HOME=$T/home
mkdir -p "$HOME"
unset NATTER_SERVER
export NATTER_PASSWORD=bench-password

"$BUILD/natter-server-mock" -p 0 >"$T/server.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 200); do
	URL=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$T/server.log")
	[ -n "$URL" ] && break
	sleep 0.05
done
[ -n "${URL:-}" ] || { echo "first-paint: the server did not start" >&2; exit 1; }

"$BUILD/natter" -D "$T/other" -s "$URL" register other >/dev/null || exit 1
if "$BUILD/natter" -D "$T/probe" -s "$URL" register bench </dev/null 2>&1 >/dev/null |
	grep -q "not available"; then
	echo "first-paint: natter does not open the interface yet; skipped"
	exit 0
fi

# make_history N: a data directory logged in as bench holding N messages.
make_history() {
	local n=$1 d=$T/h$1
	"$BUILD/natter" -D "$d" -s "$URL" login bench >/dev/null || return 1
	local c
	c=$("$BUILD/natter" -D "$d" new "talk-$n" other) || return 1
	[ "$n" -gt 0 ] || return 0
	# Written straight into history.db (schema 1), as a long-lived client would hold.
	sqlite3 "$d/history.db" <<-EOF
		BEGIN;
		WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $n)
		INSERT INTO messages (conv, sender, seq, ts, body)
		  SELECT '$c', 'other', i, 1700000000000 + i * 1000,
		    'message ' || i || ' of the bench history, some words to wrap on the screen'
		  FROM k;
		INSERT INTO ranges (conv, sender, lo, hi) VALUES ('$c', 'other', 1, $n);
		UPDATE conversations SET read_ts = 1700000000000 + $n * 1000,
		  read_id = (SELECT max(id) FROM messages) WHERE id = '$c';
		COMMIT;
	EOF
}

now_us() { echo $(($(date +%s%N) / 1000)); }

# measure NAME PATTERN CMD...: microseconds until the pane shows PATTERN and
# the RSS and anonymous RSS (kB) of the pane's process then; prints "US KB ANON".
measure() {
	local name=$1 pattern=$2
	shift 2
	"${TM[@]}" kill-session -t "$name" 2>/dev/null
	local t0 t1 pid rss anon i
	t0=$(now_us)
	"${TM[@]}" new-session -d -s "$name" -x 80 -y 24 "exec $*"
	for i in $(seq 1 5000); do
		if "${TM[@]}" capture-pane -p -t "$name" 2>/dev/null | grep -qF -- "$pattern"; then
			t1=$(now_us)
			pid=$("${TM[@]}" display -p -t "$name" '#{pane_pid}')
			rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null)
			anon=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null)
			"${TM[@]}" kill-session -t "$name" 2>/dev/null
			echo "$((t1 - t0)) ${rss:-0} ${anon:-0}"
			return 0
		fi
	done
	"${TM[@]}" kill-session -t "$name" 2>/dev/null
	echo "-1 0 0"
}

# median of the numbers on stdin.
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# runs NAME PATTERN CMD...: the medians of $RUNS runs: ms, RSS kB, anonymous RSS kB.
runs() {
	local r us=() kb=() an=() a b c
	for r in $(seq 1 "$RUNS"); do
		read -r a b c < <(measure "$@")
		us+=("$a")
		kb+=("$b")
		an+=("$c")
	done
	local mus mkb man
	mus=$(printf '%s\n' "${us[@]}" | median)
	mkb=$(printf '%s\n' "${kb[@]}" | median)
	man=$(printf '%s\n' "${an[@]}" | median)
	awk -v us="$mus" -v kb="$mkb" -v an="$man" 'BEGIN {printf "%.1f %d %d\n", us / 1000, kb, an}'
}

# The floor: what tmux and this polling cost for a program that prints one line.
read -r floor_ms _ _ < <(runs floor "floor-ready" sh -c "'echo floor-ready; exec sleep 60'")

IRSSI=$(command -v irssi || true)
irssi="- - -"
if [ -n "$IRSSI" ]; then
	mkdir -p "$T/irssi"
	: >"$T/irssi/config"
	irssi=$(runs irssi "Irssi v" env LANG=C.UTF-8 HOME="$T/home" "$IRSSI" --home="$T/irssi" \
		-n bench --noconnect)
fi
read -r irssi_ms irssi_kb irssi_anon <<<"$irssi"

echo "first full screen in an 80x24 tmux pane, median of $RUNS runs;" \
	"floor (tmux + polling, a program printing one line): $floor_ms ms"
printf '%-9s %10s %8s %8s   %10s %8s %8s %8s\n' history "natter ms" "RSS kB" "anon kB" \
	"irssi ms" "RSS kB" "anon kB" "vs empty"
base=
for n in $SIZES; do
	make_history "$n" || { echo "first-paint: cannot build a history of $n" >&2; exit 1; }
	# The screen is complete when the newest message and the status line are up.
	if [ "$n" -gt 0 ]; then want="message $n of"; else want="talk-$n"; fi
	read -r ms kb anon < <(runs natter "$want" env LANG=C.UTF-8 XDG_DATA_HOME="$XDG_DATA_HOME" \
		XDG_CONFIG_HOME="$XDG_CONFIG_HOME" HOME="$HOME" "$BUILD/natter" -D "$T/h$n")
	[ -n "$base" ] || base=$ms
	printf '%-9s %10s %8s %8s   %10s %8s %8s %7.2fx\n' "$n" "$ms" "$kb" "$anon" "$irssi_ms" \
		"$irssi_kb" "$irssi_anon" "$(awk -v a="$ms" -v b="$base" 'BEGIN {print (b > 0 ? a / b : 0)}')"
done
