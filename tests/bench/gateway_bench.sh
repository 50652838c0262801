#!/usr/bin/env bash
# `make bench-gateway`: in one run, with the same payload and concurrency,
#   (a) HTTPS/JSON through the gateway to a trivial unary method (EchoService.Echo),
#   (b) the same method called directly over gRPC (h2load with gRPC framing, h2c),
#   (c) nginx serving the same JSON response as a static file over HTTP/1.1 (the ceiling),
# then the gateway's RSS with 10,000 idle keep-alive connections. Prints requests/s, p50 and p99
# of each and the ratios a/b and a/c. Figures only: nothing is asserted.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export ZP_RUN_DIR=$root/.run/bench-gateway
export ZP_REDIS_PORT=${ZP_BENCH_REDIS_PORT:-56382}
export ZP_BUILD_DIR=${ZP_BUILD_DIR:-$root/build}
source "$root/deploy/local/env.sh"
requests=${ZP_BENCH_REQUESTS:-50000}
clients=${ZP_BENCH_CLIENTS:-32}
ulimit -n "$(ulimit -Hn)"  # 10,000 connections need as many descriptors on each side

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo_port=$(free_port); gw_https=$(free_port); gw_http=$(free_port); nginx_port=$(free_port)
work=$ZP_RUN_DIR/work
rm -rf "$work"; mkdir -p "$work/nginx"

cleanup() {
  [ -n "${conn_pid:-}" ] && kill "$conn_pid" 2>/dev/null || true
  pid_stop "$work/gateway.pid" gateway >/dev/null 2>&1 || true
  pid_stop "$work/echo.pid" echo >/dev/null 2>&1 || true
  [ -f "$work/nginx/nginx.pid" ] && nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true
  "$root/deploy/local/stack.sh" stop redis >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$root/deploy/local/stack.sh" start redis 2>/dev/null
"$root/deploy/local/secrets.sh" 2>/dev/null

message=$(printf 'x%.0s' $(seq 1 64))
printf '{"message":"%s"}' "$message" >"$work/request.json"
"$ZP_BUILD_DIR/tests/bench/zp_echo_server" --grpc_request_file "$work/request.grpc" --message "$message"

"$ZP_BUILD_DIR/tests/bench/zp_echo_server" --address "127.0.0.1:$echo_port" >"$work/echo.log" 2>&1 &
echo $! >"$work/echo.pid"
"$ZP_BUILD_DIR/tests/zp-gateway-testing" --https_address "127.0.0.1:$gw_https" \
  --http_address "127.0.0.1:$gw_http" --metrics_address "" \
  --tls_cert "$ZP_RUN_DIR/tls/server.crt" --tls_key "$ZP_RUN_DIR/tls/server.key" \
  --jwks_file "$ZP_RUN_DIR/jwt/jwks.json" --redis_address "127.0.0.1:$ZP_REDIS_PORT" \
  --upstreams "zp.testing.v1.EchoService=127.0.0.1:$echo_port" \
  --user_burst 100000000 --user_rate 100000000 --log_level warn >"$work/gateway.log" 2>&1 &
echo $! >"$work/gateway.pid"
gw_pid=$(cat "$work/gateway.pid")
echo_pid=$(cat "$work/echo.pid")
wait_for 20 gateway curl -sf "http://127.0.0.1:$gw_http/healthz"

token=$("$ZP_BUILD_DIR/tools/zpctl/zpctl" token --key "$ZP_RUN_DIR/jwt/private.pem" --roles agent --sub bench)
# The same JSON the gateway answers, served by nginx as a file.
curl -s --cacert "$ZP_RUN_DIR/tls/ca.crt" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d @"$work/request.json" \
  "https://127.0.0.1:$gw_https/v1/echo" >"$work/nginx/echo.json"
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /echo.json { root $work/nginx; default_type application/json; }
  }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
wait_for 10 nginx curl -sf "http://127.0.0.1:$nginx_port/echo.json"

# utime + stime of a process, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME REQUESTS CLIENTS h2load-args...: prints
# "NAME rps p50_us p99_us 2xx gateway_cpu_us_per_request echo_cpu_us_per_request"
run() {
  local name=$1 n=$2 c=$3
  shift 3
  local log=$work/$name.tsv
  local out rps ok p50 p99 t0 t1 e0 e1 hz
  hz=$(getconf CLK_TCK)
  t0=$(cpu_ticks "$gw_pid"); e0=$(cpu_ticks "$echo_pid")
  out=$(h2load -n "$n" -c "$c" -t "$((c < 2 ? 1 : 2))" -m 1 --log-file="$log" "$@" 2>&1)
  t1=$(cpu_ticks "$gw_pid"); e1=$(cpu_ticks "$echo_pid")
  rps=$(printf '%s\n' "$out" | sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p')
  ok=$(printf '%s\n' "$out" | sed -n 's/^status codes: \([0-9]*\) 2xx.*/\1/p')
  read -r p50 p99 < <(cut -f3 "$log" | sort -n | awk '{v[NR]=$1} END {print v[int(NR*0.5)], v[int(NR*0.99)]}')
  printf '%s %s %s %s %s %s %s\n' "$name" "$rps" "$p50" "$p99" "$ok" \
    "$(((t1 - t0) * 1000000 / hz / n))" "$(((e1 - e0) * 1000000 / hz / n))"
}

warm=$((requests / 10))
h2load -n "$warm" -c "$clients" -t 2 --h1 -d "$work/request.json" -H 'content-type: application/json' \
  -H "authorization: Bearer $token" "https://127.0.0.1:$gw_https/v1/echo" >/dev/null 2>&1 || true

gateway_https=(--h1 -d "$work/request.json" -H 'content-type: application/json'
  -H "authorization: Bearer $token" "https://127.0.0.1:$gw_https/v1/echo")
gateway_http=(--h1 -d "$work/request.json" -H 'content-type: application/json'
  -H "authorization: Bearer $token" "http://127.0.0.1:$gw_http/v1/echo")
grpc_direct=(-d "$work/request.grpc" -H 'content-type: application/grpc' -H 'te: trailers'
  "http://127.0.0.1:$echo_port/zp.testing.v1.EchoService/Echo")
a=$(run gateway_https "$requests" "$clients" "${gateway_https[@]}")
a_plain=$(run gateway_http "$requests" "$clients" "${gateway_http[@]}")
b=$(run grpc_direct "$requests" "$clients" "${grpc_direct[@]}")
c=$(run nginx_static "$requests" "$clients" --h1 "http://127.0.0.1:$nginx_port/echo.json")
# Latency the gateway adds, without queueing: one client, one request at a time.
single=$((requests / 10))
a1=$(run gateway_https_1 "$single" 1 "${gateway_https[@]}")
b1=$(run grpc_direct_1 "$single" 1 "${grpc_direct[@]}")

rss_idle=$(awk '/VmRSS/ {print $2}' "/proc/$gw_pid/status")
coproc CONN { "$ZP_BUILD_DIR/tests/bench/zp_connections" "$gw_http" 10000; }
conn_pid=$CONN_PID
read -r ready_line <&"${CONN[0]}" || true
rss_10k=$(awk '/VmRSS/ {print $2}' "/proc/$gw_pid/status")
echo done >&"${CONN[1]}"

printf '\ngateway benchmark: %s requests, %s concurrent clients, %s-byte JSON body, 2 load threads\n' \
  "$requests" "$clients" "$(wc -c <"$work/request.json")"
printf '  %-36s %10s %8s %8s %7s %9s %9s\n' "path" "req/s" "p50 us" "p99 us" "2xx" \
  "gw cpu/r" "svc cpu/r"
for line in "$a" "$a_plain" "$b" "$c" "$a1" "$b1"; do
  read -r name rps p50 p99 ok gw_cpu echo_cpu <<<"$line"
  case $name in
    gateway_https) label="(a) gateway, HTTPS/JSON" ;;
    gateway_http) label="    gateway, plain HTTP/JSON" ;;
    grpc_direct) label="(b) direct gRPC (h2c)" ;;
    nginx_static) label="(c) nginx static file, HTTP/1.1"; gw_cpu=-; echo_cpu=- ;;
    gateway_https_1) label="(a1) gateway, HTTPS/JSON, 1 client" ;;
    grpc_direct_1) label="(b1) direct gRPC, 1 client" ;;
  esac
  printf '  %-36s %10s %8s %8s %7s %9s %9s\n' "$label" "$rps" "$p50" "$p99" "$ok" "$gw_cpu" "$echo_cpu"
done
read -r _ a_rps a_p50 _ _ <<<"$a"
read -r _ b_rps b_p50 _ _ <<<"$b"
read -r _ c_rps _ _ _ <<<"$c"
read -r _ _ a1_p50 _ _ <<<"$a1"
read -r _ _ b1_p50 _ _ <<<"$b1"
awk -v a="$a_rps" -v b="$b_rps" -v c="$c_rps" -v ap="$a_p50" -v bp="$b_p50" \
  -v a1="$a1_p50" -v b1="$b1_p50" 'BEGIN {
  printf "  ratio a/b %.2f   ratio a/c %.2f\n", a/b, a/c
  printf "  added p50 latency: %d us with one client (a1 - b1), %d us at %s clients (a - b)\n",
    a1-b1, ap-bp, '"$clients"' }'
printf '  (gw cpu/r, svc cpu/r: CPU microseconds per request in the gateway and the echo service)\n'
printf '  gateway RSS: %s MB idle, %s MB with %s\n' "$((rss_idle / 1024))" "$((rss_10k / 1024))" \
  "${ready_line#ready } idle keep-alive connections"
