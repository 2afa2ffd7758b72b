#!/usr/bin/env bash
# Starts a 2 silo + 2 gateway cluster on loopback around one redis-server, for trying the cluster
# by hand and for the failure drills of docs/CLUSTER.md. Each process's output is prefixed with its
# name. A process that dies (or is killed) is reported and the others keep running. Ctrl+C, or
# kill -INT / -TERM of this script, stops the gateways first, then the silos, then redis-server
# (the silos need it to leave the cluster quickly).
#
#   bash infra/cluster.sh            # build (Release) and start
#
# Ports:   redis 6390 · silo A: API 1985, silo B: API 1986 (Orleans 11111/30000, 11112/30001)
#          gateway A: RTMP 1935, HTTP 8080 · gateway B: RTMP 1936, HTTP 8081
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server" >&2; exit 1; }

dotnet build Silo.sln -c Release -nologo -v q
# From here on a failing process is reported, not fatal to the others.
set +e
silo=src/Silo/bin/Release/net10.0/OrleansLive.Silo.dll
gateway=src/GatewayEdge/bin/Release/net10.0/OrleansLive.GatewayEdge.dll
data=$(mktemp -d)
redis="127.0.0.1:6390"
names=() groups=() pids=() gone=()

# start NAME GROUP PORTS COMMAND...: in a session of its own, so a Ctrl+C in the terminal reaches
# only this script, which then stops everything in order; the output filter ignores it too.
start() {
  local name=$1 group=$2 ports=$3
  shift 3
  setsid "$@" > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
  names+=("$name") groups+=("$group") pids+=("$!") gone+=("")
  printf 'cluster.sh: %-9s pid %-7s %s\n' "$name" "$!" "$ports"
}

running() { kill -0 "${pids[$1]}" 2>/dev/null; }

# A process that exited: say which, once.
report() {
  local i=$1 status
  [[ -n ${gone[$i]} ]] && return
  wait "${pids[$i]}" 2>/dev/null
  status=$?
  gone[$i]=$status
  echo "cluster.sh: ${names[$i]} (pid ${pids[$i]}) exited with status $status" >&2
}

# stop GROUP SECONDS: SIGTERM to each running member, SIGKILL to those still there after SECONDS.
stop() {
  local group=$1 seconds=$2 i waited=0 left
  for i in "${!pids[@]}"; do
    [[ ${groups[$i]} == "$group" ]] && running "$i" && kill -TERM "${pids[$i]}"
  done
  while :; do
    left=0
    for i in "${!pids[@]}"; do
      [[ ${groups[$i]} == "$group" ]] && running "$i" && left=1
    done
    ((left == 0 || waited >= seconds * 5)) && break
    sleep 0.2
    waited=$((waited + 1))
  done
  for i in "${!pids[@]}"; do
    if [[ ${groups[$i]} == "$group" ]] && running "$i"; then
      echo "cluster.sh: ${names[$i]} (pid ${pids[$i]}) did not stop within ${seconds} s; killing it" >&2
      kill -KILL "${pids[$i]}"
    fi
  done
  for i in "${!pids[@]}"; do
    [[ ${groups[$i]} == "$group" ]] && report "$i"
  done
}

shutdown() {
  trap '' INT TERM
  echo "cluster.sh: stopping the gateways, then the silos, then redis-server" >&2
  stop gateway 15
  stop silo 30
  stop redis 10
  rm -rf "$data"
  exit 0
}
trap shutdown INT TERM

start redis redis "port 6390" redis-server --port 6390 --bind 127.0.0.1 --dir "$data" --appendonly yes --save "" --daemonize no
common=(--Redis:ConnectionString=$redis --Orleans:ClusterId=local-cluster --Orleans:ServiceId=orleans-live)
start silo-a silo "API 1985, Orleans silo 11111, client 30000" \
  dotnet "$silo" "${common[@]}" --Gateway:Enabled=false --Orleans:SiloPort=11111 --Orleans:GatewayPort=30000 --Api:Port=1985
start silo-b silo "API 1986, Orleans silo 11112, client 30001" \
  dotnet "$silo" "${common[@]}" --Gateway:Enabled=false --Orleans:SiloPort=11112 --Orleans:GatewayPort=30001 --Api:Port=1986
start gateway-a gateway "RTMP 1935, HTTP 8080" \
  dotnet "$gateway" "${common[@]}" --Gateway:Id=gateway-a --Gateway:RtmpPort=1935 --Gateway:HttpPort=8080 --Gateway:SrtPort=10080 --Gateway:RtcPort=8000
start gateway-b gateway "RTMP 1936, HTTP 8081" \
  dotnet "$gateway" "${common[@]}" --Gateway:Id=gateway-b --Gateway:RtmpPort=1936 --Gateway:HttpPort=8081 --Gateway:SrtPort=10081 --Gateway:RtcPort=8001

echo "cluster.sh: starting; publish to rtmp://127.0.0.1:1935/live/s, play rtmp://127.0.0.1:1936/live/s or http://127.0.0.1:8081/live/s.flv; Ctrl+C stops all"
while :; do
  left=0
  for i in "${!pids[@]}"; do
    if running "$i"; then
      left=1
    else
      report "$i"
    fi
  done
  if ((left == 0)); then
    echo "cluster.sh: every process has exited" >&2
    rm -rf "$data"
    exit 1
  fi
  # In the background, so a signal runs the trap at once.
  sleep 1 &
  wait $!
done
