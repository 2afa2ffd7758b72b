#!/usr/bin/env bash
# Side-by-side benchmark of nginx-rtmp (Debian's libnginx-mod-rtmp) and our all-in-one server, both
# on loopback, driven by the load tool (tests/LoadTool). HTTP-FLV, HTTP-TS, SRT and WebRTC (WHEP)
# workloads run on ours only (nginx-rtmp serves none of them); the whep-1xN workloads start our
# server with Gateway:RtcPort set (WebRTC is off by default). Not part of the test run: numbers on a
# shared 2-core machine move with whatever else runs, so repeat runs and read them with care.
#
# Usage: bash infra/bench/run.sh
# Environment:
#   BENCH_SERVERS   servers to measure, in order (default "nginx ours"); "ours-mw0" is our server
#                   with Gateway:PlayerMergeAudioMilliseconds=0 (every audio frame sent on its own);
#                   "ours-nobridge" runs with rtmp_to_rtc off (WebRTC players get no audio), so the
#                   whep workloads' difference to "ours" is the AAC-to-Opus bridges' cost
#   BENCH_SIZES     players for the 1-publisher fan-out workloads (default "100 1000 3000")
#   BENCH_MAX       one more RTMP fan-out at this size, the 5,000-player target (default 5000; 0 skips)
#   BENCH_DURATION  measurement window per workload in seconds, after all players started (default 20)
#   BENCH_BITRATE   publish bitrate (default 500k)
#   BENCH_OUT       folder for the JSON results and logs (default a new temp folder)
#   BENCH_WARMUP    seconds of the same load, against the same server, before each measured media
#                   workload (default 0): steady state instead of the first minute after start
#   BENCH_ONLY      run only workloads whose label matches this extended regex (default all)
#   BENCH_SILO      OrleansLive.Silo.dll to measure as "ours" (default this checkout's Release build),
#                   e.g. an older commit's build for a before/after comparison with the same load tool, e.g.
#                   "^ts-" for the HTTP-TS fan-out alone, "^srt-|^rtmp-1x500$" for SRT beside RTMP,
#                   "^whep-|^rtmp-1x(100|500)$" for WebRTC beside RTMP
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

servers=${BENCH_SERVERS:-nginx ours}
sizes=${BENCH_SIZES:-100 1000 3000}
max_size=${BENCH_MAX:-5000}
duration=${BENCH_DURATION:-20}
warmup=${BENCH_WARMUP:-0}
only=${BENCH_ONLY:-.}
bitrate=${BENCH_BITRATE:-500k}
out=${BENCH_OUT:-$(mktemp -d /tmp/orleanslive-bench.XXXXXX)}
mkdir -p "$out"
work=$(mktemp -d /tmp/orleanslive-bench-run.XXXXXX)

# Thousands of sockets on each side: raise the descriptor limit as far as allowed.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -n "$hard"
echo "file descriptor limit: $(ulimit -n)"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v nginx >/dev/null 2>&1 || [ ! -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx libnginx-mod-rtmp >/dev/null
fi

dotnet build src/Silo -c Release -nologo -v q
dotnet build tests/LoadTool -c Release -nologo -v q
tool="$root/tests/LoadTool/bin/Release/net10.0/OrleansLive.LoadTool.dll"
silo=${BENCH_SILO:-"$root/src/Silo/bin/Release/net10.0/OrleansLive.Silo.dll"}

free_port() {
  local port
  while true; do
    # Below Linux's ephemeral range (32768 and up), which the load tool's thousands of players use.
    port=$((10000 + RANDOM % 22000))
    # Free for TCP and UDP alike: SRT binds a UDP port.
    if [ -z "$(ss -Htan "sport = :$port")" ] && [ -z "$(ss -Huan "sport = :$port")" ]; then echo "$port"; return; fi
  done
}

wait_port() {
  local port=$1 i
  for i in $(seq 1 120); do
    if [ -n "$(ss -Hltn "sport = :$port")" ]; then return 0; fi
    sleep 0.5
  done
  echo "nothing listens on port $port" >&2
  return 1
}

wait_udp_port() {
  local port=$1 i
  for i in $(seq 1 120); do
    if [ -n "$(ss -Huan "sport = :$port")" ]; then return 0; fi
    sleep 0.5
  done
  echo "nothing bound UDP port $port" >&2
  return 1
}

server_pid=""
server_pids=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

start_nginx() {
  rtmp_port=$(free_port)
  flv_port=""
  srt_port=""
  mkdir -p "$work/nginx/logs"
  cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $(ulimit -n);
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
events { worker_connections $(( $(ulimit -n) - 100 )); }
rtmp {
  access_log off;
  server {
    listen 127.0.0.1:$rtmp_port;
    chunk_size 60000;
    application live { live on; }
  }
}
EOF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$out/nginx.log" 2>&1 &
  server_pid=$!
  wait_port "$rtmp_port"
  server_pids="$server_pid,$(pgrep -d, -P "$server_pid")"
}

start_ours() {
  local extra=("$@")
  rtmp_port=$(free_port)
  flv_port=$(free_port)
  srt_port=$(free_port)
  rtc_port=-1
  # WebRTC only for the WebRTC workloads, so every other one measures the default configuration.
  if [[ $current == whep-* ]]; then rtc_port=$(free_port); fi
  dotnet "$silo" \
    --Gateway:ListenAddress=127.0.0.1 --Gateway:RtmpPort="$rtmp_port" --Gateway:HttpPort="$flv_port" --Gateway:SrtPort="$srt_port" --Gateway:RtcPort="$rtc_port" \
    --Api:ListenAddress=127.0.0.1 --Api:Port="$(free_port)" \
    --Orleans:SiloPort="$(free_port)" --Orleans:GatewayPort="$(free_port)" \
    --Gateway:MaxConnections=$(( $(ulimit -n) - 100 )) \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:OrleansLive=Warning "${extra[@]}" \
    >"$out/$name.log" 2>&1 &
  server_pid=$!
  wait_port "$rtmp_port"
  wait_port "$flv_port"
  wait_udp_port "$srt_port"
  if [ "$rtc_port" -gt 0 ]; then wait_udp_port "$rtc_port"; fi
  server_pids="$server_pid"
}

# run NAME LABEL tool-args...: one workload, result in $out/NAME-LABEL.json. @URL@, @FLV@ and @SRT@ in
# the arguments stand for the running server's rtmp://127.0.0.1:PORT/live, HTTP port and SRT port.
run() {
  local name=$1 label=$2 arg
  shift 2
  local args=()
  for arg in "$@"; do
    arg=${arg//@URL@/$url}
    arg=${arg//@SRT@/$srt_port}
    args+=("${arg//@FLV@/$flv_port}")
  done
  echo "--- $name: $label (load average $(cut -d" " -f1-3 /proc/loadavg))"
  timeout $((duration + 300)) dotnet "$tool" --server-name "$name" --label "$label" --server-pid "$server_pids" \
    --source-ips 8 --json "$out/$name-$label.json" --quiet "${args[@]}" || echo "(load tool exited with $?)"
}

# Each workload gets a freshly started server, so memory and background work left over from the
# previous one (thousands of closed sessions, a grown heap) do not leak into its figures.
start_server() {
  case $name in
    nginx) start_nginx ;;
    ours) start_ours ;;
    ours-mw0) start_ours --Gateway:PlayerMergeAudioMilliseconds=0 ;;
    ours-nobridge) start_ours --Vhosts:__defaultVhost__:Rtc:RtmpToRtc=false ;;
    *) echo "unknown server $name" >&2; exit 2 ;;
  esac
  # Same settling time for both: our server JIT-compiles and starts Orleans for a few seconds.
  sleep 10
  url="rtmp://127.0.0.1:$rtmp_port/live"
}

# workload LABEL tool-args...: a fresh server, one load, the server stopped. With BENCH_WARMUP,
# a media workload first runs as a warm-up (results dropped) so the measured run sees a warm server.
workload() {
  [[ $1 =~ $only ]] || return 0
  current=$1
  start_server
  if [ "$warmup" -gt 0 ] && [[ " $* " == *" --publish "* || " $* " == *" --srt-publish "* ]]; then
    run "$name" "warmup-$1" "${@:2}" --duration "$warmup"   # the last --duration wins
    rm -f "$out/$name-warmup-$1.json"
  fi
  run "$name" "$@"
  stop_server
}

for name in $servers; do
  workload "0-idle-server" --url "@URL@/none" --duration 1
  for n in $sizes $([ "$max_size" -gt 0 ] && echo "$max_size"); do
    workload "rtmp-1x$n" --url "@URL@/rtmp$n" --publish --bitrate "$bitrate" --rtmp-players "$n" --duration "$duration"
  done
  # The RTMP counterpart of srt-1x500, unless the sizes already hold it.
  if [[ " $sizes " != *" 500 "* ]]; then
    workload "rtmp-1x500" --url "@URL@/rtmp500" --publish --bitrate "$bitrate" --rtmp-players 500 --duration "$duration"
  fi
  if [ "$name" != nginx ]; then
    for n in $sizes; do
      workload "flv-1x$n" --url "@URL@/flv$n" --flv-url "http://127.0.0.1:@FLV@/live/flv$n.flv" \
        --publish --bitrate "$bitrate" --flv-players "$n" --duration "$duration"
    done
    # HTTP-TS at the smallest fan-out beside HTTP-FLV's: one shared mux, each player demuxing it.
    workload "ts-1x100" --url "@URL@/ts100" --ts-url "http://127.0.0.1:@FLV@/live/ts100.ts" \
      --publish --bitrate "$bitrate" --ts-players 100 --duration "$duration"
    # SRT end to end: the stream published over SRT as MPEG-TS, played by SRT callers (one libsrt
    # epoll loop in the tool); then many SRT publishers with one SRT player each.
    for n in 100 500; do
      workload "srt-1x$n" --url "@URL@/srt$n" --srt-port @SRT@ --srt-publish --bitrate "$bitrate" --srt-players "$n" --duration "$duration"
    done
    # WebRTC: RTMP publish, WHEP players (offer to the gateway's HTTP port, ICE, DTLS, SRTP); the
    # stream's AAC reaches them as Opus through the stream's one bridge. Each player's DTLS handshake
    # costs both sides an ECDHE and an ECDSA signature, so the ramp is slower than for TCP players.
    for n in 100 500 1000; do
      workload "whep-1x$n" --url "@URL@/whep$n" --whep-url "http://127.0.0.1:@FLV@/rtc/v1/whep/?app=live&stream=whep$n" \
        --publish --bitrate "$bitrate" --whep-players "$n" --duration "$duration"
    done
    # 20 RTMP streams with one WHEP player each: 20 AAC-to-Opus bridges.
    workload "whep-20x1" --url "@URL@/bridge" --whep-url "http://127.0.0.1:@FLV@/rtc/v1/whep/?app=live&stream=bridge" \
      --publish --publishers 20 --bitrate "$bitrate" --whep-players 20 --duration "$duration"
    workload "srt-100x1" --url "@URL@/srtmulti" --srt-port @SRT@ --srt-publish --publishers 100 --bitrate "$bitrate" --srt-players 100 --duration "$duration"
  fi
  workload "rtmp-200x1" --url "@URL@/multi" --publish --publishers 200 --bitrate "$bitrate" --rtmp-players 200 --duration "$duration"
  # Idle players at two sizes: the difference between the two is the memory each added player
  # costs, without the fixed growth (heap budgets, caches) that the first thousand also pays for.
  workload "rtmp-idle-1000" --url "@URL@/nobody" --rtmp-players 1000 --duration 10
  workload "rtmp-idle-5000" --url "@URL@/nobody" --rtmp-players 5000 --duration 10
done

echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); results in $out"
echo
dotnet "$tool" report "$out"/*.json | tee "$out/table.md"
