#!/usr/bin/env bash
# Low-Latency HLS under load: our Release silo with Hls:LowLatency on the default vhost (1 s segments,
# 0.2 s parts), one publisher from the load tool (a keyframe a second) and N LL-HLS players that poll
# as hls.js does (blocking reload for the preload-hinted part, then the parts). Prints the load tool's
# report: server CPU and RSS, and latency from the publisher's send to each part's arrival.
#
# Usage: bash infra/bench/llhls.sh
# Environment: LL_PLAYERS (default 200), LL_DURATION window in seconds (default 20), LL_BITRATE (default 500k),
#              LL_OUT folder for the JSON and the server log (default a new temp folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
players=${LL_PLAYERS:-200}
duration=${LL_DURATION:-20}
bitrate=${LL_BITRATE:-500k}
out=${LL_OUT:-$(mktemp -d /tmp/orleanslive-llhls.XXXXXX)}
mkdir -p "$out"

free_port() {
  local port
  while true; do
    port=$((10000 + RANDOM % 22000))
    if [ -z "$(ss -Htan "sport = :$port")" ] && [ -z "$(ss -Huan "sport = :$port")" ]; then echo "$port"; return; fi
  done
}

dotnet build src/Silo -c Release -nologo -v q
dotnet build tests/LoadTool -c Release -nologo -v q
rtmp=$(free_port)
http=$(free_port)
cd "$out"
dotnet "$root/src/Silo/bin/Release/net10.0/OrleansLive.Silo.dll" \
  --Gateway:ListenAddress=127.0.0.1 --Gateway:RtmpPort="$rtmp" --Gateway:HttpPort="$http" --Gateway:SrtPort="$(free_port)" \
  --Gateway:RtcPort=-1 --Gateway:RtcTcpPort=-1 --Api:ListenAddress=127.0.0.1 --Api:Port="$(free_port)" \
  --Orleans:SiloPort="$(free_port)" --Orleans:GatewayPort="$(free_port)" \
  --Vhosts:__defaultVhost__:Hls:Enabled=true --Vhosts:__defaultVhost__:Hls:LowLatency=true --Vhosts:__defaultVhost__:Hls:Fragment=1 \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:OrleansLive=Warning >"$out/silo.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if [ -n "$(ss -Htln "sport = :$http")" ]; then break; fi
  sleep 0.5
done
dotnet "$root/tests/LoadTool/bin/Release/net10.0/OrleansLive.LoadTool.dll" --url "rtmp://127.0.0.1:$rtmp/live/ll" --publish --gop 1 \
  --bitrate "$bitrate" --llhls-players "$players" --llhls-url "http://127.0.0.1:$http/live/ll.m3u8" --warmup 4 \
  --duration "$duration" --stall-ms 1500 --server-pid "$server" --label "llhls-1x$players" --server-name ours --json "$out/llhls.json" --quiet
echo "results in $out"
