#!/usr/bin/env bash
# `herald bench http` against nginx on loopback (Ops/bench/nginx.conf), the
# figure BENCHMARKS.md records. Starts nginx in a scratch prefix, runs the
# benchmark at each concurrency given (default: 16 32 64), stops nginx.
#
#   Ops/bench/bench-http.sh [COUNT] [CONCURRENCY...]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-200000}
shift || true
levels=("${@:-16 32 64}")
herald=.build/release/herald
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $herald ]] || { echo "bench-http: build first (make release)" >&2; exit 69; }
[[ -x $nginx ]] || { echo "bench-http: nginx is not installed (Ops/install-deps.sh --servers)" >&2; exit 69; }
prefix=$(mktemp -d /tmp/herald-bench-nginx.XXXXXX)
trap '"$nginx" -p "$prefix" -c "$PWD/Ops/bench/nginx.conf" -e "$prefix/error.log" -s stop 2>/dev/null || true; rm -rf "$prefix"' EXIT
"$nginx" -p "$prefix" -c "$PWD/Ops/bench/nginx.conf" -e "$prefix/error.log"
for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:8089/ && break; sleep 0.1; done
for c in ${levels[*]}; do
  echo "== concurrency $c"
  "$herald" bench http --url http://127.0.0.1:8089/ --count "$count" --concurrency "$c"
done
