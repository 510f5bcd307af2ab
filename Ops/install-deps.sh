#!/usr/bin/env bash
# Installs what Herald needs to build and test, from Debian's packages only.
# Idempotent: a library that pkg-config already finds (or a tool already on
# PATH) is left alone, and `apt-get update` runs at most once per call.
#
#   Ops/install-deps.sh            build libraries (curl, sqlite, microhttpd, openssl)
#   Ops/install-deps.sh --servers  also the test servers (kannel, nginx, prometheus)
#                                  and test tools (openssl, curl, wrk, espeak-ng)
set -euo pipefail

want_servers=0
for arg in "$@"; do
  case "$arg" in
    --servers) want_servers=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown argument '$arg' (try --help)" >&2; exit 64 ;;
  esac
done

missing=()

# pkg-config module -> Debian package
need_lib() {
  local module=$1 package=$2
  if ! pkg-config --exists "$module" 2>/dev/null; then
    missing+=("$package")
  fi
}

# command (or file) -> Debian package
need_tool() {
  local probe=$1 package=$2
  if [[ $probe == /* ]]; then
    [[ -e $probe ]] || missing+=("$package")
  elif ! command -v "$probe" >/dev/null 2>&1; then
    missing+=("$package")
  fi
}

need_tool pkg-config pkg-config
need_lib libcurl libcurl4-openssl-dev
need_lib sqlite3 libsqlite3-dev
need_lib libmicrohttpd libmicrohttpd-dev
need_lib libcrypto libssl-dev
need_tool sqlite3 sqlite3

if [[ $want_servers == 1 ]]; then
  need_tool bearerbox kannel
  need_tool /usr/lib/kannel/test/fakesmsc kannel-extras
  need_tool nginx nginx
  need_tool promtool prometheus
  # The tests' own helpers: a throwaway CA for the TLS tests, readiness polls
  # in Tests/Scripts, and the load generator BENCHMARKS.md compares against.
  need_tool openssl openssl
  need_tool curl curl
  need_tool wrk wrk
  # `herald templates preview --wav` speaks voice templates (its test too).
  need_tool espeak-ng espeak-ng
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: everything Herald needs is installed"
  exit 0
fi

echo "install-deps: missing Debian packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: not running as root, so cannot apt-get install." >&2
  echo "install-deps: run as root:  sudo Ops/install-deps.sh $*" >&2
  echo "install-deps: or by hand:   sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 77
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Server packages must not start their daemons at install time.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=1
fi
trap '[[ $created_policy == 1 ]] && rm -f "$policy"' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
