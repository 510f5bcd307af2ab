#!/usr/bin/env bash
# Stops the Kannel that kannel-up.sh started in STATE_DIR: fakesmsc, smsbox
# and bearerbox get TERM, then KILL if they are still there after
# KANNEL_STOP_TIMEOUT seconds (default 10). Safe to call twice, or when the
# start failed: a missing pid file, or a pid that is gone or now belongs to
# another program, is skipped.
#
#   Tests/Scripts/kannel-down.sh STATE_DIR
#
# Logs, config and store stay in STATE_DIR. Exit status 0 when nothing of
# ours is left running, 70 otherwise, 64 on bad usage.
set -euo pipefail

me=kannel-down
if [[ $# -ne 1 ]]; then
  awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0" >&2
  exit 64
fi
state_dir=$1
[[ -d $state_dir ]] || exit 0
stop_timeout=${KANNEL_STOP_TIMEOUT:-10}

# The program a pid runs now (comm, at most 15 characters).
program_of() {
  if [[ -r /proc/$1/comm ]]; then
    cat "/proc/$1/comm" 2>/dev/null || true
  else
    ps -o comm= -p "$1" 2>/dev/null || true
  fi
}

pids=()
for name in fakesmsc smsbox bearerbox; do
  pid_file=$state_dir/$name.pid
  [[ -s $pid_file ]] || { rm -f "$pid_file"; continue; }
  pid=$(<"$pid_file")
  if [[ $pid =~ ^[0-9]+$ ]] && [[ $(program_of "$pid") == "$name" ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  fi
done

# Alive and not a zombie (a zombie waits for a parent that never reaps it).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ -r /proc/$1/stat ]] || return 0
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

still_running() {
  local pid
  running=()
  for pid in "${pids[@]}"; do
    alive "$pid" && running+=("$pid")
  done
  ((${#running[@]} > 0))
}

if ((${#pids[@]})); then
  deadline=$((SECONDS + stop_timeout))
  while still_running && ((SECONDS < deadline)); do sleep 0.1; done
  if still_running; then
    echo "$me: still running after ${stop_timeout}s, sending KILL to ${running[*]}" >&2
    kill -KILL "${running[@]}" 2>/dev/null || true
    deadline=$((SECONDS + 5))
    while still_running && ((SECONDS < deadline)); do sleep 0.1; done
    if still_running; then
      echo "$me: could not stop ${running[*]}" >&2
      exit 70
    fi
  fi
fi
rm -f "$state_dir"/{fakesmsc,smsbox,bearerbox}.pid
