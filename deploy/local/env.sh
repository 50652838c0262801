# Shared settings of the local stack scripts; sourced, never run.
# ZP_RUN_DIR holds pid files, logs, keys and the bootstrap file; `make test` uses its own
# (.run/test) with its own ports so that it never disturbs a running `make run`.
ZP_ROOT=${ZP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ZP_RUN_DIR=${ZP_RUN_DIR:-$ZP_ROOT/.run}
ZP_BUILD_DIR=${ZP_BUILD_DIR:-$ZP_ROOT/build}
ZP_PG_PORT=${ZP_PG_PORT:-55432}
ZP_REDIS_PORT=${ZP_REDIS_PORT:-56379}
ZP_KAFKA_TOPICS=${ZP_KAFKA_TOPICS:-zp.sgec.v1,zp.watiqa.v1,zp.chikaya.v1,zp.rokhas.v1,zp.bod.v1,zp.gidct.v1,zp.girct.v1,zp.aujour.v1,zp.smgp.v1,zp.council.v1,zp.sig.v1,zp.opengov.v1}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
mkdir -p "$ZP_RUN_DIR"
ZP_RUN_DIR=$(cd "$ZP_RUN_DIR" && pwd)

# PostgreSQL refuses to run as root, and the checkout may sit where the postgres user cannot
# enter: its data lives under /tmp/zeropapier-<hash of the run dir>/ and .run/pgdata links to it.
ZP_PG_HOME=/tmp/zeropapier-$(printf '%s' "$ZP_RUN_DIR" | sha256sum | cut -c1-12)
ZP_PG_DATA=$ZP_PG_HOME/pgdata

say() { printf '%s\n' "$*" >&2; }

as_pg_user() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2
  shift 2
  local i
  for ((i = 0; i < seconds * 10; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  say "timed out waiting for $what"
  return 1
}

# Processes started from a pid file: is it alive, and stop it (SIGTERM, then wait).
# The fixed local ports sit inside Linux's ephemeral range: an outgoing connection may hold one
# for a moment (it is then bound, not listening). Wait until a listener could bind it.
port_bindable() {
  python3 -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
wait_port_free() {  # wait_port_free PORT NAME
  local i
  for i in $(seq 1 120); do
    port_bindable "$1" && return 0
    sleep 0.5
  done
  say "$2: port $1 is still in use"
  return 1
}

pid_alive() { local p; p=$(cat "$1" 2>/dev/null || true); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
pid_stop() {  # pid_stop PIDFILE NAME
  if pid_alive "$1"; then
    local p
    p=$(cat "$1")
    kill "$p"
    wait_for 30 "$2 to stop" bash -c "! kill -0 $p"
    say "$2: stopped"
  fi
  rm -f "$1"
}

