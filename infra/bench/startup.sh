#!/usr/bin/env bash
# Start-up time of the all-in-one server: from `dotnet OrleansLive.Silo.dll` starting to the first
# RTMP play accepted (NetStream.Play.Start for a raw client's handshake, connect, createStream and
# play, rtmp_play_probe.py), on free ports, repeated; prints each run and the median. Then, unless
# STARTUP_IDLE=0, the idle CPU of one more server with no clients (dashboard on, as by default):
# utime+stime from /proc/PID/stat over two windows of STARTUP_IDLE seconds from its first play, the
# first with the runtime's warm-up (tiered JIT), the second after it. Servers run in an empty working
# directory: the host watches its working directory for configuration edits, so a busy one (such as
# /tmp on a build machine) costs CPU that a server's own idle work does not.
#
# Usage: bash infra/bench/startup.sh
# Environment:
#   STARTUP_RUNS    start-ups to time (default 5)
#   STARTUP_IDLE    seconds per idle window (default 60; 0 skips the idle measurement)
#   STARTUP_R2R     1: measure a ReadyToRun publish (dotnet publish -p:PublishReadyToRun=true) of
#                   this checkout instead of its build output
#   BENCH_SILO      OrleansLive.Silo.dll to measure (default this checkout's Release build)
#   STARTUP_ARGS    extra server arguments
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
runs=${STARTUP_RUNS:-5}
idle=${STARTUP_IDLE:-60}
read -r -a extra <<<"${STARTUP_ARGS:-}"
work=$(mktemp -d /tmp/orleanslive-startup.XXXXXX)

if [ -n "${BENCH_SILO:-}" ]; then
  silo=$BENCH_SILO
elif [ "${STARTUP_R2R:-0}" = 1 ]; then
  dotnet publish src/Silo -c Release -p:PublishReadyToRun=true -o "$work/r2r" -nologo -v q
  silo="$work/r2r/OrleansLive.Silo.dll"
else
  dotnet build src/Silo -c Release -nologo -v q
  silo="$root/src/Silo/bin/Release/net10.0/OrleansLive.Silo.dll"
fi
mkdir -p "$work/cwd"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local port
  while true; do
    port=$((10000 + RANDOM % 22000))
    if [ -z "$(ss -Htan "sport = :$port")" ] && [ -z "$(ss -Huan "sport = :$port")" ]; then echo "$port"; return; fi
  done
}

# Starts a server in the background (PID in $server, RTMP port in $rtmp_port); its output goes to a log.
start_server() {
  rtmp_port=$(free_port)
  (cd "$work/cwd" && exec dotnet "$silo" \
    --Gateway:ListenAddress=127.0.0.1 --Gateway:RtmpPort="$rtmp_port" --Gateway:HttpPort="$(free_port)" \
    --Gateway:SrtPort="$(free_port)" --Gateway:RtcPort="$(free_port)" \
    --Api:ListenAddress=127.0.0.1 --Api:Port="$(free_port)" \
    --Orleans:SiloPort="$(free_port)" --Orleans:GatewayPort="$(free_port)" "${extra[@]}" \
    >"$work/server.log" 2>&1) &
  server=$!
}

stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

times=()
cpus=()
for i in $(seq 1 "$runs"); do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(date +%s.%N)
  start_server
  if result=$(python3 "$root/infra/bench/rtmp_play_probe.py" "$rtmp_port" "$start" 60); then
    # The server's CPU time until then: less moved by other load than the wall-clock figure.
    cpu=$(awk -v t="$(ticks "$server")" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')
    echo "run $i: $result cpu=$cpu (load average $load)"
    times+=("$(sed -n 's/.*play=\([0-9.]*\).*/\1/p' <<<"$result")")
    cpus+=("$cpu")
  else
    echo "run $i: no play accepted (load average $load); server log:" >&2
    tail -20 "$work/server.log" >&2
  fi
  stop_server
done
if [ ${#times[@]} -gt 0 ]; then
  median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  echo "first RTMP play accepted, median of ${#times[@]}: $(median "${times[@]}") s after start, $(median "${cpus[@]}") s of server CPU"
fi

if [ "$idle" -gt 0 ]; then
  start_server
  python3 "$root/infra/bench/rtmp_play_probe.py" "$rtmp_port" "$(date +%s.%N)" 60 >/dev/null
  hz=$(getconf CLK_TCK)
  for window in "warm-up, first" "after warm-up, second"; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    before=$(ticks "$server")
    sleep "$idle"
    after=$(ticks "$server")
    awk -v t=$((after - before)) -v hz="$hz" -v s="$idle" -v w="$window" -v load="$load" -v now="$(cut -d' ' -f1-3 /proc/loadavg)" \
      'BEGIN { printf "idle CPU (%s %d s after the first play): %.2f%% of a core (%.2f s CPU; load average %s before, %s after)\n", w, s, 100 * t / hz / s, t / hz, load, now }'
  done
  stop_server
fi
