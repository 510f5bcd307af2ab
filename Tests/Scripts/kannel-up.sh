#!/usr/bin/env bash
# Starts a throwaway Kannel on 127.0.0.1 for one test: bearerbox, smsbox and
# fakesmsc (the fake operator), on free ports, with everything in STATE_DIR.
#
#   Tests/Scripts/kannel-up.sh STATE_DIR MO_URL
#
# MO_URL is where replies (MO) are fetched with GET. With Kannel escapes in it
# (e.g. http://127.0.0.1:8080/callbacks/kannel/mo?from=%p&text=%a) it is used
# as is; without any '%' the script appends from=%p&to=%P&text=%a.
#
# Prints KEY=VALUE lines on stdout once the gateway takes messages (split at
# the first '='; values are not shell-quoted), and writes the same lines to
# STATE_DIR/kannel.env:
#   SENDSMS_PORT SENDSMS_URL USERNAME PASSWORD ADMIN_PORT ADMIN_PASSWORD
#   SMSBOX_PORT SMSC_PORT MO_PORT MO_URL STATE_DIR FAKESMSC_LOG
# Stop it with Tests/Scripts/kannel-down.sh STATE_DIR (safe to call twice).
#
# Environment (all optional):
#   KANNEL_BASE_PORT      use BASE..BASE+4 instead of free ports (no retry)
#   KANNEL_USERNAME       sendsms user (default herald)
#   KANNEL_PASSWORD       sendsms password (default: random)
#   KANNEL_STARTUP_MO     one fakesmsc message line sent as a reply when the
#                         fake operator connects, e.g. "13800000002 10690000
#                         text hello"; default: none (fakesmsc -m 0 stays up)
#   KANNEL_LOG_LEVEL      0 debug (default) .. 4 panic, for the *.log files
#   KANNEL_START_TIMEOUT  seconds to wait for each attempt (default 20)
#
# Exit status: 0 up; 64 usage; 69 Kannel not installed; 70 did not start
# (the tail of the logs is on stderr, nothing is left running).
set -euo pipefail

me=kannel-up
usage() { awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0" >&2; exit 64; }
fail() { echo "$me: $*" >&2; exit 70; }

# Alive and not a zombie: a box that died during the start stays a zombie
# child of this script until it exits, and kill -0 still finds it.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ -r /proc/$1/stat ]] || return 0
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

[[ $# -eq 2 ]] || usage
state_dir=$1
mo_url=$2

case $mo_url in
  http://*|https://*) ;;
  *) echo "$me: MO_URL must start with http:// or https:// (got '$mo_url')" >&2; exit 64 ;;
esac
if [[ $mo_url == *[[:space:]\"\\]* ]]; then
  echo "$me: MO_URL must not contain spaces, quotes or backslashes" >&2; exit 64
fi
if [[ $mo_url != *%* ]]; then
  if [[ $mo_url == *\?* ]]; then mo_url+="&"; else mo_url+="?"; fi
  mo_url+="from=%p&to=%P&text=%a"
fi

mkdir -p "$state_dir"
state_dir=$(cd "$state_dir" && pwd -P)
if [[ $state_dir == *[\"\\]* || $state_dir == *$'\n'* ]]; then
  echo "$me: STATE_DIR must not contain quotes, backslashes or newlines" >&2; exit 64
fi

# --- the programs -----------------------------------------------------------
# A normal user's PATH on Debian has no /usr/sbin.
find_program() {
  local name=$1 fallback=$2
  command -v "$name" 2>/dev/null || { [[ -x $fallback ]] && echo "$fallback"; } || true
}
bearerbox=${KANNEL_BEARERBOX:-$(find_program bearerbox /usr/sbin/bearerbox)}
smsbox=${KANNEL_SMSBOX:-$(find_program smsbox /usr/sbin/smsbox)}
fakesmsc=${KANNEL_FAKESMSC:-$(find_program fakesmsc /usr/lib/kannel/test/fakesmsc)}
for program in "$bearerbox" "$smsbox" "$fakesmsc"; do
  if [[ -z $program || ! -x $program ]]; then
    echo "$me: Kannel is not installed (need bearerbox, smsbox and fakesmsc)." >&2
    echo "$me: as root: apt-get install -y kannel kannel-extras   (or Ops/install-deps.sh --servers)" >&2
    exit 69
  fi
done

template="$(cd "$(dirname "$0")/../.." && pwd -P)/Ops/kannel/kannel.conf.template"
[[ -r $template ]] || fail "config template not found: $template"

for name in bearerbox smsbox fakesmsc; do
  if [[ -s $state_dir/$name.pid ]] && alive "$(cat "$state_dir/$name.pid")"; then
    echo "$me: $name is already running for $state_dir; run kannel-down.sh $state_dir first" >&2
    exit 64
  fi
done

random_secret() { od -An -tx1 -N12 /dev/urandom | tr -d ' \n'; }
username=${KANNEL_USERNAME:-herald}
password=${KANNEL_PASSWORD:-$(random_secret)}
admin_password=$(random_secret)
log_level=${KANNEL_LOG_LEVEL:-0}
start_timeout=${KANNEL_START_TIMEOUT:-20}
for value in "$username" "$password"; do
  [[ $value =~ ^[A-Za-z0-9._-]+$ ]] || { echo "$me: username/password: use letters, digits, '.', '_', '-'" >&2; exit 64; }
done
[[ $log_level =~ ^[0-4]$ ]] || { echo "$me: KANNEL_LOG_LEVEL must be 0..4" >&2; exit 64; }
[[ $start_timeout =~ ^[1-9][0-9]*$ ]] || { echo "$me: KANNEL_START_TIMEOUT must be whole seconds" >&2; exit 64; }
if [[ -n ${KANNEL_BASE_PORT:-} ]] && ! [[ $KANNEL_BASE_PORT =~ ^[1-9][0-9]*$ && $KANNEL_BASE_PORT -le 65531 ]]; then
  echo "$me: KANNEL_BASE_PORT must be a port number (BASE..BASE+4 are used)" >&2; exit 64
fi

# A fresh start: the logs of an earlier run in the same STATE_DIR would only
# confuse the failure report below.
(cd "$state_dir" && rm -f bearerbox.out bearerbox.log smsbox.out smsbox.log \
  fakesmsc.out access.log smsbox-access.log kannel.env kannel.conf store store.bak \
  ./*.attempt[0-9])

# --- ports ------------------------------------------------------------------
# Five distinct loopback ports that nobody listens on right now. Another test
# can still take one before Kannel binds it; start_kannel notices
# "Address already in use" and the whole start is retried with new ports.
pick_ports() {
  if [[ -n ${KANNEL_BASE_PORT:-} ]]; then
    seq "$KANNEL_BASE_PORT" $((KANNEL_BASE_PORT + 4))
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c '
import socket
held = []
for _ in range(5):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print("\n".join(str(s.getsockname()[1]) for s in held))'
  else
    local -a chosen=()
    local port
    while (( ${#chosen[@]} < 5 )); do
      port=$((20000 + RANDOM % 12000))
      [[ " ${chosen[*]} " == *" $port "* ]] && continue
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue   # taken
      chosen+=("$port")
    done
    printf '%s\n' "${chosen[@]}"
  fi
}

# --- starting -----------------------------------------------------------------
started_pids=()
stop_started() {
  local pid
  ((${#started_pids[@]})) || return 0
  for pid in "${started_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 100); do
    local left=0
    for pid in "${started_pids[@]}"; do alive "$pid" && left=1; done
    ((left)) || break
    sleep 0.1
  done
  for pid in "${started_pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  started_pids=()
  rm -f "$state_dir"/{bearerbox,smsbox,fakesmsc}.pid
}
up=0
trap '((up)) || stop_started' EXIT
trap 'exit 70' INT TERM

admin_status() {
  curl -s --max-time 2 "http://127.0.0.1:$admin_port/status.txt?password=$admin_password" 2>/dev/null || true
}
http_answers() {   # any HTTP answer at all, even a 404
  local code
  code=$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$1" 2>/dev/null || true)
  [[ -n $code && $code != 000 ]]
}
bearerbox_ready() { [[ $(admin_status) == *"Status: running"* ]]; }
smsbox_ready() {
  http_answers "http://127.0.0.1:$sendsms_port/" &&
    [[ $(admin_status) == *"smsbox:"*"on-line"* ]]
}
operator_ready() { admin_status | grep -q '^ *fake\[fake\].*(online'; }

# wait_until WHAT PIDFILE CHECK: polls CHECK until it passes; fails as soon as
# the process in PIDFILE has exited, or at the attempt's deadline.
wait_until() {
  local what=$1 pid_file=$2 check=$3
  while ! $check; do
    alive "$(cat "$pid_file")" || { why="$what exited"; return 1; }
    (( SECONDS < deadline )) || { why="$what not ready after ${start_timeout}s"; return 1; }
    sleep 0.1
  done
}

launch() {   # launch NAME ARGS...: background, no inherited stdio, pid file
  local name=$1; shift
  "$@" </dev/null >>"$state_dir/$name.out" 2>&1 &
  echo $! >"$state_dir/$name.pid"
  started_pids+=("$!")
}

write_config() {
  local config
  config=$(<"$template")
  # Quoted replacements: no '&' or '\' magic (bash 5.2 patsub_replacement).
  config=${config//@STATE_DIR@/"$state_dir"}
  config=${config//@ADMIN_PORT@/"$admin_port"}
  config=${config//@ADMIN_PASSWORD@/"$admin_password"}
  config=${config//@SMSBOX_PORT@/"$smsbox_port"}
  config=${config//@SMSC_PORT@/"$smsc_port"}
  config=${config//@MO_PORT@/"$mo_port"}
  config=${config//@SENDSMS_PORT@/"$sendsms_port"}
  config=${config//@USERNAME@/"$username"}
  config=${config//@PASSWORD@/"$password"}
  config=${config//@LOG_LEVEL@/"$log_level"}
  config=${config//@MO_URL@/"$mo_url"}
  if grep -q '@[A-Z_]*@' <<<"$(grep -v '^#' <<<"$config")"; then
    fail "unfilled placeholder in $template: $(grep -v '^#' <<<"$config" | grep -o '@[A-Z_]*@' | head -1)"
  fi
  printf '%s\n' "$config" >"$state_dir/kannel.conf"
}

start_kannel() {
  deadline=$((SECONDS + start_timeout))
  write_config
  rm -f "$state_dir"/store "$state_dir"/store.bak

  # -v 2: only warnings and errors on the console (*.out); the *.log files
  # get log-level from the config.
  launch bearerbox "$bearerbox" -v 2 "$state_dir/kannel.conf"
  wait_until bearerbox "$state_dir/bearerbox.pid" bearerbox_ready || return 1

  launch smsbox "$smsbox" -v 2 "$state_dir/kannel.conf"
  wait_until smsbox "$state_dir/smsbox.pid" smsbox_ready || return 1

  # fakesmsc sends -m replies, then stays connected until it is killed and
  # prints every MT it gets ("Got message N: <from to type data>").
  local -a fake_args=(-H 127.0.0.1 -r "$smsc_port" -i 1)
  if [[ -n ${KANNEL_STARTUP_MO:-} ]]; then
    fake_args+=(-m 1 "$KANNEL_STARTUP_MO")
  else
    fake_args+=(-m 0 "13800000000 10690000 text never-sent")
  fi
  launch fakesmsc "$fakesmsc" "${fake_args[@]}"
  wait_until fakesmsc "$state_dir/fakesmsc.pid" operator_ready || return 1
}

show_logs() {
  local file
  for file in bearerbox.out bearerbox.log smsbox.out smsbox.log fakesmsc.out; do
    [[ -s $state_dir/$file ]] || continue
    echo "----- tail of $state_dir/$file" >&2
    # Without the backtrace lines a PANIC ends with.
    grep -v 'PANIC: .*\[0x[0-9a-f]*\]$' "$state_dir/$file" | tail -n 15 >&2
  done
}

attempts=3
[[ -n ${KANNEL_BASE_PORT:-} ]] && attempts=1
for attempt in $(seq "$attempts"); do
  mapfile -t ports < <(pick_ports)
  ((${#ports[@]} == 5)) || fail "could not pick free ports"
  admin_port=${ports[0]} smsbox_port=${ports[1]} smsc_port=${ports[2]}
  mo_port=${ports[3]} sendsms_port=${ports[4]}
  why=""
  if start_kannel; then
    break
  fi
  stop_started
  if ((attempt < attempts)) &&
     cat "$state_dir"/*.out "$state_dir"/*.log 2>/dev/null | grep -q 'Address already in use'; then
    echo "$me: a port was taken meanwhile ($why); retrying with new ports" >&2
    for file in "$state_dir"/*.out "$state_dir"/*.log; do
      [[ -e $file ]] && mv -f "$file" "$file.attempt$attempt"
    done
    continue
  fi
  show_logs
  fail "$why (state in $state_dir)"
done

{
  echo "SENDSMS_PORT=$sendsms_port"
  echo "SENDSMS_URL=http://127.0.0.1:$sendsms_port/cgi-bin/sendsms"
  echo "USERNAME=$username"
  echo "PASSWORD=$password"
  echo "ADMIN_PORT=$admin_port"
  echo "ADMIN_PASSWORD=$admin_password"
  echo "SMSBOX_PORT=$smsbox_port"
  echo "SMSC_PORT=$smsc_port"
  echo "MO_PORT=$mo_port"
  echo "MO_URL=$mo_url"
  echo "STATE_DIR=$state_dir"
  echo "FAKESMSC_LOG=$state_dir/fakesmsc.out"
} | tee "$state_dir/kannel.env"
up=1
