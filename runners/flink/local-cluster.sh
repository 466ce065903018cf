#!/usr/bin/env bash
# Starts or stops a local Flink 1.19 session cluster (one JobManager, one or more TaskManagers) built
# from the Maven Central jars that runners/pom.xml collects. Every endpoint is bound to 127.0.0.1: a
# Flink REST port accepts arbitrary jobs, so it must never listen on other interfaces. A failed task is
# restarted (fixed delay, up to 10 times): the restart strategy is the cluster's, since a job's own
# setting is not enough when a TaskManager dies.
#
#   runners/flink/local-cluster.sh start [--slots=N] [--taskmanagers=N] [--port=8081] [--rpcPort=6123]
#   runners/flink/local-cluster.sh status [--port=8081]
#   runners/flink/local-cluster.sh add-taskmanager   (one more, e.g. to replace a dead one)
#   runners/flink/local-cluster.sh stop
#
# BEAMBERT_FLINK_HOME (default runners/target/flink-cluster) holds the configuration, logs and pids.
#
# Submit a job with: bin/beambert SUBCOMMAND ... --runner=FlinkRunner --flinkMaster=127.0.0.1:8081
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
lib="$root/runners/target/flink-lib"
state="${BEAMBERT_FLINK_HOME:-$root/runners/target/flink-cluster}"
slots=2
taskmanagers=1
port=8081
rpc_port=6123
cmd="${1:-}"
shift || true
for arg in "$@"; do
  case "$arg" in
    --slots=*) slots="${arg#--slots=}" ;;
    --port=*) port="${arg#--port=}" ;;
    --taskmanagers=*) taskmanagers="${arg#--taskmanagers=}" ;;
    --rpcPort=*) rpc_port="${arg#--rpcPort=}" ;;
    *) echo "local-cluster.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

build_lib() {
  if [ ! -d "$lib" ]; then
    echo "local-cluster.sh: collecting the Flink jars (first use)..." >&2
    (cd "$root" && mvn -B -q -pl runners package -DskipTests) >&2
  fi
}

write_config() {
  mkdir -p "$state/conf" "$state/log" "$state/tmp"
  cat >"$state/conf/config.yaml" <<YAML
jobmanager.rpc.address: 127.0.0.1
jobmanager.bind-host: 127.0.0.1
jobmanager.rpc.port: $rpc_port
jobmanager.memory.process.size: 1024m
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
taskmanager.numberOfTaskSlots: $slots
taskmanager.cpu.cores: $slots
# A TaskManager started without Flink's shell scripts needs its memory spelled out (the scripts
# normally compute these and pass them on the command line). Heap = framework + task heap.
taskmanager.memory.framework.heap.size: 128m
taskmanager.memory.task.heap.size: 1536m
taskmanager.memory.framework.off-heap.size: 128m
taskmanager.memory.task.off-heap.size: 0m
taskmanager.memory.network.min: 128m
taskmanager.memory.network.max: 128m
taskmanager.memory.managed.size: 512m
taskmanager.memory.jvm-metaspace.size: 256m
taskmanager.memory.jvm-overhead.min: 192m
taskmanager.memory.jvm-overhead.max: 192m
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $port
# The web UI shows jobs; it does not take jar uploads (jobs come through the REST API's /jobs, as
# the FlinkRunner submits them).
web.submit.enable: false
blob.server.port: 0
io.tmp.dirs: $state/tmp
parallelism.default: $slots
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 10
restart-strategy.fixed-delay.delay: 1 s
# A dead TaskManager is noticed within seconds, not the default 50.
heartbeat.interval: 2000
heartbeat.timeout: 10000
YAML
  cat >"$state/conf/log4j.properties" <<'PROPS'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = FILE
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
PROPS
}

# What Flink's own scripts pass on Java 17 (env.java.opts.all): state and checkpoints serialize JDK
# classes (e.g. Arrays.asList) by reflection.
JAVA17_OPENS="--add-exports=java.base/sun.net.util=ALL-UNNAMED \
--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED \
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED"

start_process() {
  local name="$1" main="$2" heap="$3"
  # shellcheck disable=SC2086
  java $heap $JAVA17_OPENS \
    -Dlog.file="$state/log/$name.log" \
    -Dlog4j.configurationFile="file:$state/conf/log4j.properties" \
    -cp "$lib/*" "$main" --configDir "$state/conf" >"$state/log/$name.out" 2>&1 &
  echo $! >"$state/$name.pid"
}

# GET a REST path of the cluster, body only (bash's /dev/tcp: no curl needed).
rest_get() {
  local reply
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
  reply="$(cat <&3)"
  exec 3<&-
  printf '%s' "${reply#*$'\r\n\r\n'}"
}

start_taskmanager() {
  start_process "taskmanager-$1" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    "-Xmx1664m -Xms1664m -XX:MaxDirectMemorySize=256m -XX:MaxMetaspaceSize=256m"
}

is_running() {
  [ -f "$state/$1.pid" ] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null
}

case "$cmd" in
  add-taskmanager)
    is_running jobmanager || { echo "local-cluster.sh: not running" >&2; exit 1; }
    n=1
    while [ -f "$state/taskmanager-$n.pid" ]; do n=$((n + 1)); done
    start_taskmanager "$n"
    echo "local-cluster.sh: started taskmanager-$n"
    ;;
  start)
    build_lib
    if is_running jobmanager; then
      echo "local-cluster.sh: already running (REST on 127.0.0.1:$port)"; exit 0
    fi
    write_config
    start_process jobmanager org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint "-Xmx768m"
    for i in $(seq 1 "$taskmanagers"); do
      start_taskmanager "$i"
    done
    for _ in $(seq 1 90); do
      if [ "$(rest_get /taskmanagers | grep -o '"slotsNumber"' | wc -l)" -ge "$taskmanagers" ]; then
        echo "local-cluster.sh: Flink session cluster up: REST on 127.0.0.1:$port, $taskmanagers TaskManager(s) of $slots slots (logs in $state/log)"
        exit 0
      fi
      sleep 1
    done
    echo "local-cluster.sh: the cluster did not come up within 90 s; see $state/log" >&2
    exit 1
    ;;
  status)
    if is_running jobmanager; then
      rest_get /overview && echo
    else
      echo "local-cluster.sh: not running"; exit 1
    fi
    ;;
  stop)
    for pidfile in "$state"/taskmanager*.pid "$state"/jobmanager.pid; do
      [ -f "$pidfile" ] || continue
      name="$(basename "$pidfile" .pid)"
      if is_running "$name"; then kill "$(cat "$pidfile")"; fi
      rm -f "$pidfile"
    done
    echo "local-cluster.sh: stopped"
    ;;
  *)
    echo "usage: local-cluster.sh start [--slots=N] [--taskmanagers=N] [--port=P] [--rpcPort=P] | status [--port=P] | add-taskmanager | stop" >&2
    exit 2
    ;;
esac
