#!/usr/bin/env bash
# Starts, stops and reports the local infrastructure: PostgreSQL, Redis and devkafka.
#   deploy/local/stack.sh start|stop|status|restart [pg|redis|kafka|all]
# Start and stop are idempotent and wait for readiness; settings come from env.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

pg_running() { [ -f "$ZP_PG_DATA/postmaster.pid" ] && as_pg_user "$PG_BIN/pg_ctl" -D "$ZP_PG_DATA" status >/dev/null 2>&1; }

pg_start() {
  if pg_running; then
    say "postgresql: already running on 127.0.0.1:$ZP_PG_PORT"
    return 0
  fi
  mkdir -p "$ZP_PG_HOME"
  chmod 755 "$ZP_PG_HOME"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$ZP_PG_HOME"; fi
  if [ ! -f "$ZP_PG_DATA/PG_VERSION" ]; then
    say "postgresql: initialising $ZP_PG_DATA"
    as_pg_user "$PG_BIN/initdb" -D "$ZP_PG_DATA" -U zp --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  ln -sfn "$ZP_PG_DATA" "$ZP_RUN_DIR/pgdata"
  local extra=()
  if [ "${ZP_PG_FAST:-0}" = 1 ]; then
    # Test stacks only: durability is traded for speed; nothing there outlives the run.
    extra=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off)
  fi
  # Further server settings, e.g. ZP_PG_OPTIONS="-c shared_buffers=1GB".
  read -r -a more <<<"${ZP_PG_OPTIONS:-}"
  extra+=("${more[@]}")
  wait_port_free "$ZP_PG_PORT" postgresql
  as_pg_user "$PG_BIN/pg_ctl" -D "$ZP_PG_DATA" -w -t 60 -l "$ZP_PG_HOME/postgresql.log" \
    -o "-p $ZP_PG_PORT -c listen_addresses=127.0.0.1 -k $ZP_PG_HOME -c max_connections=400 ${extra[*]}" \
    start >/dev/null
  wait_for 30 postgresql "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$ZP_PG_PORT"
  say "postgresql: ready on 127.0.0.1:$ZP_PG_PORT (socket $ZP_PG_HOME)"
}

pg_stop() {
  if pg_running; then
    as_pg_user "$PG_BIN/pg_ctl" -D "$ZP_PG_DATA" -w -t 60 -m fast stop >/dev/null
    say "postgresql: stopped"
  fi
}

redis_running() { pid_alive "$ZP_RUN_DIR/redis.pid"; }

redis_start() {
  if redis_running; then
    say "redis: already running on 127.0.0.1:$ZP_REDIS_PORT"
    return 0
  fi
  mkdir -p "$ZP_RUN_DIR/redis"
  wait_port_free "$ZP_REDIS_PORT" redis
  redis-server --port "$ZP_REDIS_PORT" --bind 127.0.0.1 --daemonize yes \
    --pidfile "$ZP_RUN_DIR/redis.pid" --dir "$ZP_RUN_DIR/redis" --logfile "$ZP_RUN_DIR/redis.log" \
    --save "" --appendonly no >/dev/null
  wait_for 30 redis redis-cli -h 127.0.0.1 -p "$ZP_REDIS_PORT" ping
  say "redis: ready on 127.0.0.1:$ZP_REDIS_PORT"
}

redis_stop() { pid_stop "$ZP_RUN_DIR/redis.pid" redis; }

kafka_running() { pid_alive "$ZP_RUN_DIR/devkafka.pid"; }

kafka_start() {
  if kafka_running; then
    say "devkafka: already running at $(cat "$ZP_RUN_DIR/kafka.bootstrap" 2>/dev/null)"
    return 0
  fi
  local bin=$ZP_BUILD_DIR/tools/devkafka/devkafka
  [ -x "$bin" ] || { say "devkafka: $bin is not built (make build)"; return 1; }
  rm -f "$ZP_RUN_DIR/kafka.bootstrap"
  nohup "$bin" --brokers 3 --topics "$ZP_KAFKA_TOPICS" \
    --bootstrap_file "$ZP_RUN_DIR/kafka.bootstrap" >"$ZP_RUN_DIR/devkafka.log" 2>&1 </dev/null &
  echo $! >"$ZP_RUN_DIR/devkafka.pid"
  wait_for 30 devkafka test -s "$ZP_RUN_DIR/kafka.bootstrap"
  wait_for 30 "devkafka metadata" kcat -b "$(cat "$ZP_RUN_DIR/kafka.bootstrap")" -L -m 2
  say "devkafka: ready at $(cat "$ZP_RUN_DIR/kafka.bootstrap")"
}

kafka_stop() {
  pid_stop "$ZP_RUN_DIR/devkafka.pid" devkafka
  rm -f "$ZP_RUN_DIR/kafka.bootstrap"
}

status() {
  pg_running && say "postgresql: running on 127.0.0.1:$ZP_PG_PORT" || say "postgresql: stopped"
  redis_running && say "redis: running on 127.0.0.1:$ZP_REDIS_PORT" || say "redis: stopped"
  kafka_running && say "devkafka: running at $(cat "$ZP_RUN_DIR/kafka.bootstrap")" || say "devkafka: stopped"
}

action=${1:-status}
what=${2:-all}
case "$action:$what" in
  start:all) pg_start; redis_start; kafka_start ;;
  stop:all) kafka_stop; redis_stop; pg_stop ;;
  restart:all) kafka_stop; redis_stop; pg_stop; pg_start; redis_start; kafka_start ;;
  start:pg|stop:pg|start:redis|stop:redis|start:kafka|stop:kafka) "${what}_${action}" ;;
  restart:pg|restart:redis|restart:kafka) "${what}_stop"; "${what}_start" ;;
  status:*) status ;;
  *) say "usage: $0 start|stop|restart|status [pg|redis|kafka|all]"; exit 2 ;;
esac
