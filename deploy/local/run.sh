#!/usr/bin/env bash
# `make run`: starts the local stack and every service, then prints where to reach them.
# `make stop` (run.sh stop): stops every service, then the stack.
set -euo pipefail
here=$(dirname "${BASH_SOURCE[0]}")
source "$here/env.sh"

if [ "${1:-start}" = stop ]; then
  "$here/stack.sh" stop all
  exit 0
fi

"$here/stack.sh" start all
"$here/secrets.sh"
cat <<MSG

zeropapier local stack is running:
  PostgreSQL  postgresql://zp@127.0.0.1:$ZP_PG_PORT/postgres
  Redis       127.0.0.1:$ZP_REDIS_PORT
  Kafka       $(cat "$ZP_RUN_DIR/kafka.bootstrap")   (devkafka; kcat -b \$(cat .run/kafka.bootstrap) -L)
  Token       $ZP_BUILD_DIR/tools/zpctl/zpctl token --roles civil_agent --territories 01.511.01.01
Stop everything with: make stop
MSG
