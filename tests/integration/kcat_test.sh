#!/usr/bin/env bash
# kcat, a Kafka client nobody here wrote, produces to and consumes from devkafka.
set -euo pipefail
bootstrap=${ZP_TEST_KAFKA_BOOTSTRAP:?set by tests/run.sh}
topic=zp.kcat.$(date +%s%N)
for i in $(seq 1 100); do echo "key-$((i % 7)):message $i"; done |
  kcat -b "$bootstrap" -t "$topic" -P -K: -X acks=all -X enable.idempotence=true
got=$(kcat -b "$bootstrap" -t "$topic" -C -o beginning -e -q -f '%k:%s\n' | sort)
want=$(for i in $(seq 1 100); do echo "key-$((i % 7)):message $i"; done | sort)
if [ "$got" != "$want" ]; then
  echo "kcat: consumed messages differ from produced ones" >&2
  diff <(echo "$want") <(echo "$got") | head >&2
  exit 1
fi
kcat -b "$bootstrap" -L -t "$topic" | grep -q "3 brokers"
echo "kcat: 100 messages produced and consumed through devkafka (3 brokers)"
