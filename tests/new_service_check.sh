#!/usr/bin/env bash
# Proves tools/new-service: a service generated into a scratch copy of the tree builds, and its
# unit, integration and end-to-end tests pass against the stack that tests/run.sh started. The
# copy compiles through the same ccache (paths hashed relative to each tree), so only what the
# new service adds is compiled again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=${ZP_NEW_SERVICE_CHECK_NAME:-kitcheck}
scratch=$(mktemp -d /tmp/zp-new-service.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/src"
(cd "$root" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) |
  tar -C "$scratch/src" -xf -
"$scratch/src/tools/new-service" "$name" --index 99 >/dev/null
export CCACHE_DIR=${CCACHE_DIR:-$root/.cache/ccache} CCACHE_BASEDIR=$scratch/src CCACHE_NOHASHDIR=1
cmake -S "$scratch/src" -B "$scratch/src/build" -G Ninja \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
ninja -C "$scratch/src/build" -j "$(nproc)" zp-"$name" zp_unit_tests zp_integration_tests \
  zp_e2e_tests >"$scratch/build.log" 2>&1 || { tail -50 "$scratch/build.log" >&2; exit 1; }
cd "$scratch/src/build"
if ! ctest -R "$name" --output-on-failure >"$scratch/ctest.log" 2>&1; then
  cat "$scratch/ctest.log" >&2
  exit 1
fi
echo "new-service: services/$name generated, built, its $(grep -c 'Passed' "$scratch/ctest.log") tests passed"
