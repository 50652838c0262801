#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/, instrumented libraries) and runs each for
# ZP_FUZZ_SECONDS (default 10) on its corpus in tests/fuzz/corpus/<target>. New inputs found go to
# build-fuzz/corpus/<target>, not into the repository. Longer runs: ZP_FUZZ_SECONDS=600.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${ZP_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${ZP_FUZZ_SECONDS:-10}
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DZP_FUZZ=ON >/dev/null
fi
targets="fuzz_jwt fuzz_jwks fuzz_reference fuzz_traceparent fuzz_config fuzz_gateway_transcode
  fuzz_verification_code"
ninja -C "$build" $targets >/dev/null
failed=0
passed=0
for target in $targets; do
  seeds=$root/tests/fuzz/corpus/${target#fuzz_}
  # The gateway's request path gets a longer run: it parses everything a client sends.
  run_for=$seconds
  if [ "$target" = fuzz_gateway_transcode ]; then run_for=${ZP_FUZZ_GATEWAY_SECONDS:-60}; fi
  work=$build/corpus/${target#fuzz_}
  mkdir -p "$work"
  if "$build/tests/fuzz/$target" -max_total_time="$run_for" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$build/$target-" "$work" "$seeds" >"$build/$target.log" 2>&1; then
    passed=$((passed + 1))
    echo "fuzz: $target ran ${run_for}s: $(grep -o 'Done [0-9]* runs' "$build/$target.log" | tail -1)"
  else
    failed=$((failed + 1))
    echo "fuzz: $target FAILED, see $build/$target.log" >&2
    tail -30 "$build/$target.log" >&2
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
