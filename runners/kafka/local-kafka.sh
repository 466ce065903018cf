#!/usr/bin/env bash
# Starts or stops a single-node Kafka broker (KRaft mode: broker and controller in one JVM) built
# from the Maven Central jars that runners/kafka/pom.xml collects, and sends documents to it. Both
# listeners (clients and controller) are bound to 127.0.0.1.
#
#   runners/kafka/local-kafka.sh start [--port=9092] [--controllerPort=9093]
#   runners/kafka/local-kafka.sh topic TOPIC [PARTITIONS] [--port=9092]
#   runners/kafka/local-kafka.sh produce TOPIC [FILE] [--perSecond=N] [--port=9092]
#                                  (one message per document of a corpus file, or standard input)
#   runners/kafka/local-kafka.sh stop
#
# BEAMBERT_KAFKA_HOME (default runners/kafka/target/kafka-broker) holds the configuration, the data,
# the log and the pid. Read the topic with:
#   bin/beambert pretraining-data --streaming --input=kafka://127.0.0.1:9092/TOPIC ...
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
module="$root/runners/kafka"
lib="$module/target/kafka-lib"
state="${BEAMBERT_KAFKA_HOME:-$module/target/kafka-broker}"
port=9092
controller_port=9093
cmd="${1:-}"
shift || true
positional=()
extra=()
for arg in "$@"; do
  case "$arg" in
    --port=*) port="${arg#--port=}" ;;
    --controllerPort=*) controller_port="${arg#--controllerPort=}" ;;
    --perSecond=*) extra+=("$arg") ;;
    --*) echo "local-kafka.sh: unknown option '$arg'" >&2; exit 2 ;;
    *) positional+=("$arg") ;;
  esac
done

build_lib() {
  if [ ! -d "$lib" ] || [ ! -f "$module/target/beambert-kafka-broker-0.1.0-SNAPSHOT.jar" ]; then
    echo "local-kafka.sh: collecting the Kafka jars (first use)..." >&2
    (cd "$root" && mvn -B -q -pl runners/kafka -am install -DskipTests) >&2
  fi
}

classpath() {
  echo "$lib/*:$module/target/beambert-kafka-broker-0.1.0-SNAPSHOT.jar"
}

java_bin() {
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}

running() {
  [ -f "$state/kafka.pid" ] && kill -0 "$(cat "$state/kafka.pid")" 2>/dev/null
}

# The topic and produce tools log warnings to standard error, so that standard output holds only
# their result (produce: the number of documents sent).
tools_logging() {
  mkdir -p "$state"
  cat >"$state/log4j2-tools.properties" <<PROPS
rootLogger.level=WARN
rootLogger.appenderRef.err.ref=err
appender.err.type=Console
appender.err.name=err
appender.err.target=SYSTEM_ERR
appender.err.layout.type=PatternLayout
appender.err.layout.pattern=%d{HH:mm:ss} %p %c{1} - %m%n
PROPS
  echo "-Dlog4j2.configurationFile=$state/log4j2-tools.properties"
}

listening() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
  start)
    build_lib
    if running; then
      echo "local-kafka.sh: a broker is already running (pid $(cat "$state/kafka.pid"))" >&2
      exit 1
    fi
    mkdir -p "$state"
    cat >"$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$state/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
    cat >"$state/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$state/kafka.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=%d %p %c - %m%n
PROPS
    java="$(java_bin)"
    if [ ! -f "$state/data/meta.properties" ]; then
      id="$("$java" -cp "$(classpath)" kafka.tools.StorageTool random-uuid)"
      "$java" -Dlog4j2.configurationFile="$state/log4j2.properties" -cp "$(classpath)" \
        kafka.tools.StorageTool format -t "$id" -c "$state/server.properties" --standalone >/dev/null
    fi
    nohup "$java" -Xmx512m -Dlog4j2.configurationFile="$state/log4j2.properties" \
      -cp "$(classpath)" kafka.Kafka "$state/server.properties" >"$state/kafka.out" 2>&1 &
    echo $! >"$state/kafka.pid"
    for _ in $(seq 1 120); do
      if listening "$port"; then
        echo "local-kafka.sh: Kafka broker up on 127.0.0.1:$port (KRaft; data and log in $state)" >&2
        exit 0
      fi
      if ! running; then
        echo "local-kafka.sh: the broker exited; see $state/kafka.out and $state/kafka.log" >&2
        rm -f "$state/kafka.pid"
        exit 1
      fi
      sleep 0.5
    done
    echo "local-kafka.sh: the broker did not listen on 127.0.0.1:$port within 60 s; see $state/kafka.log" >&2
    exit 1
    ;;
  topic)
    build_lib
    [ ${#positional[@]} -ge 1 ] || { echo "usage: local-kafka.sh topic TOPIC [PARTITIONS]" >&2; exit 2; }
    "$(java_bin)" -cp "$(classpath)" "$(tools_logging)" io.beambert.kafka.CreateTopic \
      "127.0.0.1:$port" "${positional[@]}"
    ;;
  produce)
    build_lib
    [ ${#positional[@]} -ge 1 ] || { echo "usage: local-kafka.sh produce TOPIC [FILE]" >&2; exit 2; }
    "$(java_bin)" -cp "$(classpath)" "$(tools_logging)" io.beambert.kafka.ProduceDocuments \
      "127.0.0.1:$port" "${positional[@]}" ${extra[@]+"${extra[@]}"}
    ;;
  stop)
    if [ -f "$state/kafka.pid" ]; then
      pid="$(cat "$state/kafka.pid")"
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        for _ in $(seq 1 60); do
          kill -0 "$pid" 2>/dev/null || break
          sleep 0.5
        done
        kill -9 "$pid" 2>/dev/null || true
      fi
      rm -f "$state/kafka.pid"
    fi
    echo "local-kafka.sh: stopped" >&2
    ;;
  *)
    echo "usage: local-kafka.sh start|topic|produce|stop (see the comment at the top)" >&2
    exit 2
    ;;
esac
