# The tmux harness for tests that drive natter's interface in a real terminal
# (tui_*.t, run_local.t, contention.t). Source it instead of lib.sh.
#
# One tmux server per test, on a socket in the test's own directory. It is
# started once with exit-empty off and is only ever stopped by tm_kill_server,
# which waits until the server process has exited: a new session started
# while an old server is still going away fails with "server exited
# unexpectedly" or "no server running" (the race that made run_local.t fail
# one run in two).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"

export TMUX_TMPDIR=$T_TMP
TM=(tmux -f /dev/null -L "natter-test-$$")
TM_SESSION=natter

# tm_kill_server: stops the tmux server and returns once its process is gone.
tm_kill_server() {
	local pid i
	pid=$("${TM[@]}" display -p '#{pid}' 2>/dev/null)
	"${TM[@]}" kill-server 2>/dev/null
	[ -n "$pid" ] || return 0
	for i in $(seq 1 200); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	diag "the tmux server $pid did not exit"
	return 1
}

tm_cleanup() { tm_kill_server; t_cleanup; }
trap tm_cleanup EXIT

# tm_start_server: the tmux server, kept running when its last session ends.
# Its socket gets the owner-execute bit tmux sets while a client is attached:
# natter takes a session nobody is attached to for one nobody watches.
tm_start_server() {
	"${TM[@]}" display -p '#{pid}' >/dev/null 2>&1 && return 0
	"${TM[@]}" start-server \; set -s exit-empty off || return 1
	chmod u+x "$("${TM[@]}" display -p '#{socket_path}')"
}

# tm_run [-s SESSION] [-x COLS] [-y ROWS] SHELL-COMMAND: runs the command in a
# new detached session (replacing one of the same name) with the test's
# environment in UTF-8; "EXIT status" is printed on the screen when it ends.
tm_run() {
	local s=$TM_SESSION x=100 y=24
	while [ $# -gt 1 ]; do
		case $1 in
		-s) s=$2; shift 2 ;;
		-x) x=$2; shift 2 ;;
		-y) y=$2; shift 2 ;;
		*) break ;;
		esac
	done
	tm_start_server || return 1
	"${TM[@]}" kill-session -t "=$s" 2>/dev/null
	"${TM[@]}" new-session -d -s "$s" -x "$x" -y "$y" \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME='$HOME' XDG_DATA_HOME='$XDG_DATA_HOME' \
		XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' \
		$1; echo \"EXIT \$?\"; sleep 600"
}

# tm_natter [-s SESSION] [-x COLS] [-y ROWS] [NATTER-ARGS...]: opens natter's
# interface; its stderr is appended to $T_TMP/natter.err.
tm_natter() {
	local opts=() a args=
	while [ $# -gt 1 ]; do
		case $1 in -s | -x | -y) opts+=("$1" "$2"); shift 2 ;; *) break ;; esac
	done
	for a in "$@"; do args="$args '$a'"; done
	tm_run "${opts[@]}" "'$NATTER'$args 2>>'$T_TMP/natter.err'"
}

# tm_close [SESSION]: ends a session (the server stays).
tm_close() { "${TM[@]}" kill-session -t "=${1:-$TM_SESSION}" 2>/dev/null; }

# pane: the text of the screen of $TM_SESSION.
pane() { "${TM[@]}" capture-pane -p -t "=$TM_SESSION:"; }
# pane_has TEXT: the screen shows TEXT.
pane_has() { pane | grep -qF -- "$1"; }
# keys TEXT: types TEXT literally.
keys() { "${TM[@]}" send-keys -t "=$TM_SESSION:" -l -- "$1"; }
# key KEY...: presses keys by tmux name (Enter, C-c, M-2, ...).
key() { "${TM[@]}" send-keys -t "=$TM_SESSION:" "$@"; }

# wait_screen [-t SECONDS] TEXT: waits until the screen shows TEXT (10 s by
# default); on a timeout, shows the screen in the TAP output and fails.
wait_screen() {
	local n=200 i
	[ "$1" = -t ] && { n=$(($2 * 20)); shift 2; }
	for i in $(seq 1 "$n"); do
		pane_has "$1" && return 0
		sleep 0.05
	done
	diag "waited $((n / 20)) s for \"$1\"; the screen:"
	pane | sed 's/^/#   /'
	return 1
}
