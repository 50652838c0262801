#!/usr/bin/env bash
# `make run`: starts the local stack, every service that is built, and the gateway, then prints
# where to reach them. `make stop` (run.sh stop): stops the gateway, the services, then the stack.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/env.sh"

ZP_GATEWAY_HTTPS=${ZP_GATEWAY_HTTPS:-127.0.0.1:8443}
ZP_GATEWAY_HTTP=${ZP_GATEWAY_HTTP:-127.0.0.1:8080}
ZP_GATEWAY_METRICS=${ZP_GATEWAY_METRICS:-127.0.0.1:9100}

# Services from the services table (services/services.tsv): name, API (the gateway's upstream)
# and gRPC port (50100 + index). A service is started when its binary is built
# (build/services/<name>/zp-<name>).
mapfile -t SERVICES < <(awk '!/^#/ && NF == 4 {print $1, $3, 50100 + $2}' "$ZP_ROOT/services/services.tsv")

start_process() {  # start_process NAME COMMAND...
  local name=$1
  shift
  if pid_alive "$ZP_RUN_DIR/$name.pid"; then
    say "$name: already running"
    return 0
  fi
  nohup "$@" >"$ZP_RUN_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$ZP_RUN_DIR/$name.pid"
}

if [ "${1:-start}" = stop ]; then
  pid_stop "$ZP_RUN_DIR/gateway.pid" gateway
  for entry in "${SERVICES[@]}"; do
    read -r name _ _ <<<"$entry"
    pid_stop "$ZP_RUN_DIR/$name.pid" "$name"
  done
  "$here/stack.sh" stop all
  exit 0
fi

"$here/stack.sh" start all
"$here/secrets.sh"
cd "$ZP_ROOT"

# Services that sign documents: their keys (secrets.sh) and the URL printed in QR codes.
export ZP_DOCUMENT_KEY_FILE=${ZP_DOCUMENT_KEY_FILE:-$ZP_RUN_DIR/documents/sgec.pem}
export ZP_DOCUMENT_VERIFICATION_URL=${ZP_DOCUMENT_VERIFICATION_URL:-https://$ZP_GATEWAY_HTTPS/v1/sgec/verify/}
# WATIQA calls SGEC on its own account with this key (secrets.sh; its public half is in the JWKS).
export ZP_SERVICE_KEY_FILE=${ZP_SERVICE_KEY_FILE:-$ZP_RUN_DIR/jwt/services/watiqa.pem}

upstreams=()
for entry in "${SERVICES[@]}"; do
  read -r name proto port <<<"$entry"
  bin=$ZP_BUILD_DIR/services/$name/zp-$name
  [ -x "$bin" ] || continue
  start_process "$name" "$bin"
  upstreams+=("$proto=127.0.0.1:$port")
done

start_process gateway "$ZP_BUILD_DIR/gateway/zp-gateway" \
  --https_address "$ZP_GATEWAY_HTTPS" --http_address "$ZP_GATEWAY_HTTP" \
  --metrics_address "$ZP_GATEWAY_METRICS" \
  --tls_cert "$ZP_RUN_DIR/tls/server.crt" --tls_key "$ZP_RUN_DIR/tls/server.key" \
  --jwks_file "$ZP_RUN_DIR/jwt/jwks.json" --redis_address "127.0.0.1:$ZP_REDIS_PORT" \
  --upstreams "$(IFS=,; echo "${upstreams[*]:-}")"
wait_for 30 gateway curl -sf "http://$ZP_GATEWAY_HTTP/healthz"
# Ready when every service answers through the gateway (/readyz asks each one's health).
if ! wait_for 60 "every service through the gateway" curl -sf "http://$ZP_GATEWAY_HTTP/readyz"; then
  say "not serving: $(curl -s "http://$ZP_GATEWAY_HTTP/readyz") (logs: $ZP_RUN_DIR/*.log)"
  exit 1
fi
say "gateway: ready, ${#upstreams[@]} services"

cat <<MSG

zeropapier is running:
  API (HTTPS)  https://${ZP_GATEWAY_HTTPS}/        (CA: $ZP_RUN_DIR/tls/ca.crt)
  API (HTTP)   http://${ZP_GATEWAY_HTTP}/          (local only)
  OpenAPI      https://${ZP_GATEWAY_HTTPS}/openapi.json
  Metrics      http://${ZP_GATEWAY_METRICS}/metrics
  PostgreSQL   postgresql://zp@127.0.0.1:$ZP_PG_PORT/postgres
  Redis        127.0.0.1:$ZP_REDIS_PORT
  Kafka        $(cat "$ZP_RUN_DIR/kafka.bootstrap")   (devkafka)
  Token        $ZP_BUILD_DIR/tools/zpctl/zpctl token --roles civil_agent --territories 01.511.01.01
  Logs         $ZP_RUN_DIR/*.log
Stop everything with: make stop
MSG
