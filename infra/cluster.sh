#!/usr/bin/env bash
# Starts a 2 silo + 2 gateway cluster on loopback around one redis-server, for trying the cluster
# by hand. Everything runs in the foreground of this script; Ctrl+C stops it all.
#
#   bash infra/cluster.sh            # build (Release) and start
#
# Ports:   redis 6390 · silo A: API 1985, silo B: API 1986 (Orleans 11111/30000, 11112/30001)
#          gateway A: RTMP 1935, HTTP 8080 · gateway B: RTMP 1936, HTTP 8081
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server" >&2; exit 1; }

dotnet build Silo.sln -c Release -nologo -v q
silo=src/Silo/bin/Release/net10.0/OrleansLive.Silo.dll
gateway=src/GatewayEdge/bin/Release/net10.0/OrleansLive.GatewayEdge.dll
data=$(mktemp -d)
redis="127.0.0.1:6390"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT INT TERM

redis-server --port 6390 --bind 127.0.0.1 --dir "$data" --appendonly yes --save "" --daemonize no >"$data/redis.log" &
pids+=($!)

common=(--Redis:ConnectionString=$redis --Orleans:ClusterId=local-cluster --Orleans:ServiceId=orleans-live)
dotnet "$silo" "${common[@]}" --Gateway:Enabled=false --Orleans:SiloPort=11111 --Orleans:GatewayPort=30000 --Api:Port=1985 &
pids+=($!)
dotnet "$silo" "${common[@]}" --Gateway:Enabled=false --Orleans:SiloPort=11112 --Orleans:GatewayPort=30001 --Api:Port=1986 &
pids+=($!)
dotnet "$gateway" "${common[@]}" --Gateway:Id=gateway-a --Gateway:RtmpPort=1935 --Gateway:HttpPort=8080 &
pids+=($!)
dotnet "$gateway" "${common[@]}" --Gateway:Id=gateway-b --Gateway:RtmpPort=1936 --Gateway:HttpPort=8081 &
pids+=($!)

echo "cluster starting: publish to rtmp://127.0.0.1:1935/live/s, play rtmp://127.0.0.1:1936/live/s or http://127.0.0.1:8081/live/s.flv"
wait -n "${pids[@]}"
