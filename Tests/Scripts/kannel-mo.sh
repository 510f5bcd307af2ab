#!/usr/bin/env bash
# Injects one reply (MO) into the Kannel that kannel-up.sh started in
# STATE_DIR, as if the resident FROM had texted TEXT to TO. Kannel then
# fetches MO_URL with it (%p = FROM, %P = TO, %a = TEXT as UTF-8).
#
#   Tests/Scripts/kannel-mo.sh STATE_DIR FROM TO TEXT
#   e.g. Tests/Scripts/kannel-mo.sh "$dir" 13800000002 10690000 '1'
#        Tests/Scripts/kannel-mo.sh "$dir" 13800000002 10690000 '报名 张三'
#
# TEXT is UTF-8: printable ASCII goes in as GSM text (coding 0), anything
# else (Chinese, newlines) as UCS-2 (coding 2), like a phone would send it. The line goes to the second fake SMSC (MO_PORT
# in STATE_DIR/kannel.env) in fakesmsc's protocol; the long-running fakesmsc
# holds the first one, and a fake SMSC serves one client at a time.
# Returns once bearerbox has logged the message as received (up to 10 s);
# the GET to MO_URL follows asynchronously, within milliseconds locally.
#
# Exit status: 0 received by bearerbox; 64 usage; 69 no running Kannel in
# STATE_DIR; 70 bearerbox did not log the message.
set -euo pipefail

me=kannel-mo
if [[ $# -ne 4 ]]; then
  awk 'NR > 1 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "$0" >&2
  exit 64
fi
state_dir=$1 from=$2 to=$3 text=$4
[[ $from =~ ^\+?[0-9]+$ && $to =~ ^\+?[0-9]+$ ]] ||
  { echo "$me: FROM and TO must be phone numbers (digits, optional leading +)" >&2; exit 64; }
[[ -n $text ]] || { echo "$me: TEXT is empty" >&2; exit 64; }

env_file=$state_dir/kannel.env
mo_port=$(sed -n 's/^MO_PORT=//p' "$env_file" 2>/dev/null || true)
[[ $mo_port =~ ^[0-9]+$ ]] ||
  { echo "$me: no MO_PORT in $env_file; is Kannel up (kannel-up.sh)?" >&2; exit 69; }

# fakesmsc's protocol: "FROM TO text REST-OF-LINE-AS-IS" or
# "FROM TO ucs2 URL-ENCODED-UTF-16BE".
if [[ $text == *$'\n'* ]] || LC_ALL=C grep -q '[^ -~]' <<<"$text"; then
  type=ucs2
  data=$(printf '%s' "$text" | iconv -f UTF-8 -t UTF-16BE | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g') || data=""
  [[ -n $data ]] || { echo "$me: TEXT is not valid UTF-8" >&2; exit 64; }
else
  type=text
  data=$text
fi

access_log=$state_dir/access.log
received() {
  local n
  n=$(grep -c "Receive SMS \[SMSC:mo\].*\[from:$from\] \[to:$to\]" "$access_log" 2>/dev/null) || true
  echo "${n:-0}"
}
before=$(received)

if ! { exec 3<>"/dev/tcp/127.0.0.1/$mo_port"; } 2>/dev/null; then
  echo "$me: cannot connect to the MO fake SMSC on 127.0.0.1:$mo_port; is Kannel up?" >&2
  exit 69
fi
printf '%s %s %s %s\n' "$from" "$to" "$type" "$data" >&3
exec 3>&-

deadline=$((SECONDS + 10))
while (( $(received) <= before )); do
  if (( SECONDS >= deadline )); then
    echo "$me: bearerbox did not log the reply within 10 s (see $access_log and $state_dir/bearerbox.log)" >&2
    exit 70
  fi
  sleep 0.05
done
