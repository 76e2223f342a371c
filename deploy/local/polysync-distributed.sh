#!/usr/bin/env bash
# Runs Polysync distributed on one machine without Docker: a Kafka broker process (production jars from Maven
# Central) and the four services as separate processes against one PostgreSQL, each service in its own schema.
#
#   deploy/local/polysync-distributed.sh start   # after ./mvnw -q package -DskipTests
#   deploy/local/polysync-distributed.sh stop
#
# Environment: POLYSYNC_DB_URL (default jdbc:postgresql://127.0.0.1:5432/polysync, created when missing),
# POLYSYNC_DB_USER (postgres), KAFKA_PORT (9092), POLYSYNC_WORK (deploy/local/.work), WORKERS (number of worker
# processes, default 1, ports 8083, 8093, 8103, ...), POLYSYNC_ARGS (extra --key=value arguments for every service,
# e.g. "--polysync.dispatcher.lease-timeout=5s"), POLYSYNC_ADMIN_TOKEN (passed on to the task-service).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${POLYSYNC_WORK:-$root/deploy/local/.work}
db_url=${POLYSYNC_DB_URL:-jdbc:postgresql://127.0.0.1:5432/polysync}
db_user=${POLYSYNC_DB_USER:-postgres}
kafka_port=${KAFKA_PORT:-9092}
services=(dispatcher-service:8082 scheduler-service:8081 worker-service:8083 task-service:8080)
for ((i = 1; i < ${WORKERS:-1}; i++)); do services+=("worker-service:$((8083 + 10 * i))"); done

wait_for() { # url seconds
  for _ in $(seq 1 "$2"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  echo "timed out waiting for $1" >&2; return 1
}

start_broker() {
  mkdir -p "$work/logs"
  if [ ! -d "$work/kafka-lib" ]; then
    "$root/mvnw" -q -B -f "$root/deploy/local/broker-pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$work/kafka-lib"
  fi
  local controller_port=$((kafka_port + 1))
  cat > "$work/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$work/kafka-data
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  if [ ! -f "$work/kafka-data/meta.properties" ]; then
    java -cp "$work/kafka-lib/*" kafka.tools.StorageTool format -t "$(java -cp "$work/kafka-lib/*" kafka.tools.StorageTool random-uuid)" \
      -c "$work/server.properties" >/dev/null
  fi
  nohup java -Xmx512m -cp "$work/kafka-lib/*" kafka.Kafka "$work/server.properties" > "$work/logs/kafka.log" 2>&1 &
  echo $! > "$work/kafka.pid"
  for _ in $(seq 1 60); do (echo > /dev/tcp/127.0.0.1/"$kafka_port") 2>/dev/null && return 0; sleep 1; done
  echo "Kafka did not open port $kafka_port; see $work/logs/kafka.log" >&2; return 1
}

create_database() {
  local name=${db_url##*/}; name=${name%%\?*}
  local host_port=${db_url#jdbc:postgresql://}; host_port=${host_port%%/*}
  local host=${host_port%%:*} port=${host_port##*:}
  if ! psql -h "$host" -p "$port" -U "$db_user" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1; then
    psql -h "$host" -p "$port" -U "$db_user" -d postgres -qc "CREATE DATABASE \"$name\""
  fi
}

start() {
  for s in "${services[@]}"; do
    [ -f "$root/${s%%:*}/target/${s%%:*}.jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
  done
  create_database
  start_broker
  for s in "${services[@]}"; do
    local name=${s%%:*} port=${s##*:}
    # shellcheck disable=SC2086
    nohup java -Xmx384m -jar "$root/$name/target/$name.jar" \
      --server.port="$port" \
      --spring.kafka.bootstrap-servers=127.0.0.1:"$kafka_port" \
      --spring.datasource.url="$db_url" --spring.datasource.username="$db_user" \
      --polysync.worker.worker-id="$name-$port" \
      ${POLYSYNC_ARGS:-} \
      > "$work/logs/$name-$port.log" 2>&1 &
    echo $! > "$work/$name-$port.pid"
  done
  for s in "${services[@]}"; do
    wait_for "http://127.0.0.1:${s##*:}/actuator/health" 120
  done
  echo "Polysync distributed is up: API on http://localhost:8080, Kafka on 127.0.0.1:$kafka_port, logs in $work/logs"
}

stop() {
  for pidfile in "$work"/*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
