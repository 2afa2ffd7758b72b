#!/usr/bin/env bash
# The control plane's cost per idle client: redis-server, two silos and two standalone gateways on
# loopback (as tests/IntegrationTests/Support/LocalCluster.cs starts them), publishers spread over
# both gateways, then idle RTMP players (players of a stream nobody publishes) spread over both. Two
# measurement windows: publishers alone, then publishers plus the idle players; the difference over
# the players is what one idle client costs in grain calls (Orleans' own message counters, summed
# over both silos, live_grain_calls_total), Redis commands (`info commandstats`), silo CPU and silo memory. Then the latency
# of /api/v1/streams and /api/v1/clients?count=100. Not part of the test run: a shared 2-core machine
# moves the numbers, so read them with care and repeat.
#
# Usage: bash infra/bench/control-plane.sh
# Environment:
#   CP_IDLE         idle players, half on each gateway (default 10000)
#   CP_PUBLISHERS   publishers, half on each gateway (default 200)
#   CP_WINDOW       seconds per measurement window (default 60)
#   CP_SETTLE       seconds after the players connected before measuring (default 75: past the
#                   one write a minute that follows a session's first, so the window is steady)
#   CP_BITRATE      publish bitrate (default 300k)
#   CP_OUT          folder for the logs and results (default a new temp folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

idle=${CP_IDLE:-10000}
publishers=${CP_PUBLISHERS:-200}
window=${CP_WINDOW:-60}
settle=${CP_SETTLE:-75}
bitrate=${CP_BITRATE:-300k}
out=${CP_OUT:-$(mktemp -d /tmp/orleanslive-cp.XXXXXX)}
mkdir -p "$out"
data=$(mktemp -d /tmp/orleanslive-cp-data.XXXXXX)

hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 65536 ]; then hard=65536; fi
ulimit -n "$hard"

dotnet build src/Silo -c Release -nologo -v q >/dev/null
dotnet build src/GatewayEdge -c Release -nologo -v q >/dev/null
dotnet build tests/LoadTool -c Release -nologo -v q >/dev/null
silo_dll="$root/src/Silo/bin/Release/net10.0/OrleansLive.Silo.dll"
gateway_dll="$root/src/GatewayEdge/bin/Release/net10.0/OrleansLive.GatewayEdge.dll"
tool="$root/tests/LoadTool/bin/Release/net10.0/OrleansLive.LoadTool.dll"

free_port() {
  local port
  while true; do
    port=$((10000 + RANDOM % 22000))
    if [ -z "$(ss -Htan "sport = :$port")" ] && [ -z "$(ss -Huan "sport = :$port")" ]; then echo "$port"; return; fi
  done
}

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$data"
}
trap cleanup EXIT

wait_http() {
  local url=$1 i
  for i in $(seq 1 240); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "no answer from $url" >&2
  return 1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$data" --appendonly yes --save "" >"$out/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 40); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.25; done

common=(--Redis:ConnectionString=127.0.0.1:$redis_port --Orleans:ClusterId=cp-$$ --Orleans:ServiceId=orleans-live-cp)
silo_pids=() api_ports=()
for name in a b; do
  api=$(free_port)
  dotnet "$silo_dll" "${common[@]}" --Gateway:Enabled=false --Orleans:SiloPort="$(free_port)" --Orleans:GatewayPort="$(free_port)" \
    --Api:ListenAddress=127.0.0.1 --Api:Port="$api" >"$out/silo-$name.log" 2>&1 &
  pids+=($!) silo_pids+=($!) api_ports+=("$api")
done
for api in "${api_ports[@]}"; do wait_http "http://127.0.0.1:$api/api/v1/versions"; done

gateway_pids=() rtmp_ports=()
for name in a b; do
  rtmp=$(free_port) http=$(free_port)
  dotnet "$gateway_dll" "${common[@]}" --Gateway:Id="gateway-$name" --Gateway:ListenAddress=127.0.0.1 \
    --Gateway:RtmpPort="$rtmp" --Gateway:HttpPort="$http" --Gateway:SrtPort=-1 --Gateway:RtcPort=-1 \
    --Gateway:MaxConnections=$((idle + publishers + 1000)) >"$out/gateway-$name.log" 2>&1 &
  pids+=($!) gateway_pids+=($!) rtmp_ports+=("$rtmp")
  wait_http "http://127.0.0.1:$http/readyz"
done
api="http://127.0.0.1:${api_ports[0]}"
echo "cluster up: redis $redis_port, silo APIs ${api_ports[*]}, gateways RTMP ${rtmp_ports[*]}; results in $out"

# Grain calls run by both silos (live_grain_calls_total, one-way notifications included): the live
# grains' interfaces and grain timers, not Orleans' own system targets and dashboard; with
# BREAKDOWN=1 every interface instead.
grain_calls() {
  local port
  for port in "${api_ports[@]}"; do curl -fsS "http://127.0.0.1:$port/metrics"; done |
    awk '/^live_grain_calls_total/ { match($0, /grain="[^"]*"/); g = substr($0, RSTART + 7, RLENGTH - 8); s[g] += $NF
        if (g ~ /^OrleansLive\./ || g == "IGrainTimerInvoker") t += $NF }
      END { if (ENVIRON["BREAKDOWN"] == "1") { for (g in s) printf "%s=%d ", g, s[g]; print "" } else printf "%d\n", t }'
}
redis_calls() { redis-cli -p "$redis_port" info commandstats | awk -F'[:=,]' '/^cmdstat_/ { s += $3 } END { print s }'; }
# Grain state writes: Orleans' Redis storage writes a record with one script (EVALSHA), which
# commandstats also counts as the HGET, HMSET and EXPIRE it runs; membership writes with EVAL.
redis_writes() {
  redis-cli -p "$redis_port" info commandstats | awk -F'[:=,]' '/^cmdstat_(evalsha|eval|set|del|unlink):/ { s += $3 } END { print s + 0 }'
}
cpu_ticks() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done; echo "$t"; }
rss_kib() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"))); done; echo "$t"; }

# measure LABEL: one window; prints and appends a line to results.tsv.
measure() {
  local label=$1 g0 r0 w0 c0 g1 r1 w1 c1 d0 d1 hz
  hz=$(getconf CLK_TCK)
  BREAKDOWN=1 grain_calls >"$out/$label.grains-before"
  redis-cli -p "$redis_port" info commandstats >"$out/$label.redis-before"
  g0=$(grain_calls) r0=$(redis_calls) w0=$(redis_writes) c0=$(cpu_ticks "${silo_pids[@]}") d0=$(cpu_ticks "${gateway_pids[@]}")
  sleep "$window"
  g1=$(grain_calls) r1=$(redis_calls) w1=$(redis_writes) c1=$(cpu_ticks "${silo_pids[@]}") d1=$(cpu_ticks "${gateway_pids[@]}")
  BREAKDOWN=1 grain_calls >"$out/$label.grains-after"
  redis-cli -p "$redis_port" info commandstats >"$out/$label.redis-after"
  local grain redis writes cpu rss gcpu grss
  grain=$(echo "scale=2; ($g1 - $g0) / $window" | bc)
  redis=$(echo "scale=2; ($r1 - $r0) / $window" | bc)
  writes=$(echo "scale=2; ($w1 - $w0) / $window" | bc)
  cpu=$(echo "scale=2; 100 * ($c1 - $c0) / $hz / $window" | bc)
  rss=$(rss_kib "${silo_pids[@]}")
  gcpu=$(echo "scale=2; 100 * ($d1 - $d0) / $hz / $window" | bc)
  grss=$(rss_kib "${gateway_pids[@]}")
  printf '%s\tgrain_calls/s %s\tredis_cmds/s %s\tredis_writes/s %s\tsilo_cpu_%% %s\tsilo_rss_kib %s\tgateway_cpu_%% %s\tgateway_rss_kib %s\n' \
    "$label" "$grain" "$redis" "$writes" "$cpu" "$rss" "$gcpu" "$grss" | tee -a "$out/results.tsv"
}

clients() { curl -fsS "$api/api/v1/summaries" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["system"]["conn_srs"])'; }

wait_clients() {
  local want=$1 have=0 i
  for i in $(seq 1 600); do
    have=$(clients 2>/dev/null || echo 0)
    [ "$have" -ge "$want" ] && return 0
    sleep 1
  done
  echo "only $have of $want clients listed" >&2
  return 1
}

# latency PATH: 30 reads, median and worst in ms.
latency() {
  local path=$1
  for _ in $(seq 1 30); do curl -fsS -o /dev/null -w '%{time_total}\n' "$api/$path"; done | sort -n |
    awk -v p="$path" '{ a[NR] = $1 * 1000 } END { printf "%s\tp50_ms %.1f\tp90_ms %.1f\tmax_ms %.1f\n", p, a[int(NR / 2)], a[int(NR * 0.9)], a[NR] }' | tee -a "$out/results.tsv"
}

long=$((window * 3 + settle + 600))
half_pub=$((publishers / 2))
for i in 0 1; do
  dotnet "$tool" --url "rtmp://127.0.0.1:${rtmp_ports[$i]}/live/pub$i" --publish --publishers "$half_pub" --bitrate "$bitrate" \
    --warmup 0 --duration "$long" --quiet >"$out/publishers-$i.log" 2>&1 &
  pids+=($!)
done
wait_clients "$publishers"
sleep "$settle"
measure "publishers-only"

half_idle=$((idle / 2))
for i in 0 1; do
  dotnet "$tool" --url "rtmp://127.0.0.1:${rtmp_ports[$i]}/live/idle$i" --rtmp-players "$half_idle" --ramp-rate 500 \
    --connect-timeout 60 --warmup 0 --duration "$long" --quiet >"$out/idle-$i.log" 2>&1 &
  pids+=($!)
done
wait_clients $((publishers + idle))
echo "$(date +%T) $((publishers + idle)) clients listed"
sleep "$settle"
measure "publishers+idle"
latency "api/v1/streams"
latency "api/v1/streams?count=1000"
latency "api/v1/clients?count=100"
latency "api/v1/clients?start=9000&count=100"
latency "api/v1/summaries"
echo "silo pids ${silo_pids[*]}, gateway pids ${gateway_pids[*]}; per idle client: difference of the two windows over $idle"
