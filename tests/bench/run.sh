#!/usr/bin/env bash
# `make bench` (relay, pool), `make bench-sgec`, `make bench-chikaya`, `make bench-watiqa` and
# `make bench-import`: start a private stack (own ports, under .run/bench), runs the benchmarks, prints
# their figures and ratios, and stops the stack. Durable settings (fsync on), as in production.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export ZP_RUN_DIR=$root/.run/bench
export ZP_PG_PORT=${ZP_BENCH_PG_PORT:-55434}
export ZP_REDIS_PORT=${ZP_BENCH_REDIS_PORT:-56381}
export ZP_BUILD_DIR=${ZP_BUILD_DIR:-$root/build}
stack=$root/deploy/local/stack.sh
# pg_stat_statements: the benchmarks say where the database time goes.
export ZP_PG_OPTIONS="${ZP_PG_OPTIONS:-} -c shared_preload_libraries=pg_stat_statements"
trap '"$stack" stop all' EXIT
"$stack" start all
bench=$ZP_BUILD_DIR/tests/bench/zp_bench
url=postgresql://zp@127.0.0.1:$ZP_PG_PORT/postgres
echo
if [ "${1:-}" = chikaya ] || [ "${1:-}" = watiqa ]; then  # the services and the gateway as processes
  export ZP_TEST_PG_URL=$url ZP_TEST_REDIS_ADDRESS=127.0.0.1:$ZP_REDIS_PORT
  export ZP_TEST_KAFKA_BOOTSTRAP=$(cat "$ZP_RUN_DIR/kafka.bootstrap")
  "$bench" "$1" --seconds "${ZP_BENCH_SECONDS:-10}" --acts "${ZP_BENCH_COMPLAINTS:-1000000}"
  exit
fi
if [ "${1:-}" = import ]; then  # make bench-import
  export ZP_TEST_PG_URL=$url
  "$bench" import --pg_url "$url" --kafka_bootstrap "$(cat "$ZP_RUN_DIR/kafka.bootstrap")" \
    --records "${ZP_BENCH_RECORDS:-1000000}"
  exit
fi
if [ "${1:-}" = sgec ]; then  # make bench-sgec
  "$bench" sgec --pg_url "$url" --kafka_bootstrap "$(cat "$ZP_RUN_DIR/kafka.bootstrap")" --clients "${ZP_BENCH_CLIENTS:-8}" \
    --seconds "${ZP_BENCH_SECONDS:-10}" --acts "${ZP_BENCH_ACTS:-1000000}" \
    --registrations "${ZP_BENCH_REGISTRATIONS:-10000}"
  exit
fi
"$bench" relay --pg_url "$url" --kafka_bootstrap "$(cat "$ZP_RUN_DIR/kafka.bootstrap")" \
  --events "${ZP_BENCH_EVENTS:-20000}"
echo
"$bench" pool --pg_url "$url" --clients "${ZP_BENCH_CLIENTS:-8}" --seconds "${ZP_BENCH_SECONDS:-10}"
