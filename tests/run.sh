#!/usr/bin/env bash
# `make test`: runs the fuzz targets briefly, then starts a private stack (PostgreSQL, Redis, devkafka on their own ports under
# .run/test), runs every test through ctest against it, and stops it whatever the outcome.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ZP_RUN_DIR=$root/.run/test
export ZP_PG_PORT=${ZP_TEST_PG_PORT:-55433}
export ZP_REDIS_PORT=${ZP_TEST_REDIS_PORT:-56380}
export ZP_PG_FAST=1
export ZP_BUILD_DIR=${ZP_BUILD_DIR:-$root/build}
stack=$root/deploy/local/stack.sh

# The formatting, then the fuzz targets (each briefly; no server needed), so that ctest's summary
# closes the output.
"$root/tools/fmt-check"
"$root/tests/fuzz/run.sh"

trap '"$stack" stop all' EXIT
"$stack" start all

export ZP_TEST_PG_URL=postgresql://zp@127.0.0.1:$ZP_PG_PORT/postgres
export ZP_TEST_REDIS_ADDRESS=127.0.0.1:$ZP_REDIS_PORT
export ZP_TEST_KAFKA_BOOTSTRAP=$(cat "$ZP_RUN_DIR/kafka.bootstrap")

# A service made by tools/new-service, in a scratch copy of the tree: it builds, its tests pass.
"$root/tests/new_service_check.sh"

cd "$ZP_BUILD_DIR"
ctest --output-on-failure -j "${ZP_TEST_JOBS:-3}" --timeout 600 "$@"
