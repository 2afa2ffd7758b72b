#!/usr/bin/env bash
# The chaos run of docs/RELIABILITY.md: redis-server, 3 silos and 3 gateways on loopback (each its own
# process), 2 publishers on each of the first two gateways (an encoder with failover: when its gateway
# dies it publishes to the other one), 30 churning viewers (RTMP, HTTP-FLV) on all three. Every 60 s
# kill -9 of a random silo or gateway and its restart 5 s later, and once, half-way, a redis-server
# restart. Each event is measured: seconds until the API lists every stream again, leases released and
# re-acquired, viewers that lost media (those on the killed gateway must reconnect, no one else may lose
# it), ended session records still there. Prints the events and the verdict (exit 1 on a failed check).
#
#   bash infra/chaos.sh MINUTES [DIR] [chaos options...]     # e.g. bash infra/chaos.sh 10
#   dotnet tests/LoadTool/bin/Release/net10.0/OrleansLive.LoadTool.dll chaos --help
#
# DIR (default chaos-results/DATE) keeps chaos.json (events, players, checks) and one log per process.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: infra/chaos.sh MINUTES [DIR] [chaos options...]}
shift
dir=${1:-chaos-results/$(date -u +%Y%m%d-%H%M%S)}
[[ $# -gt 0 ]] && shift
command -v redis-server >/dev/null || { echo "redis-server missing: apt-get install redis-server" >&2; exit 1; }

dotnet build src/Silo/Silo.csproj -c Release -nologo -v q
dotnet build src/GatewayEdge/GatewayEdge.csproj -c Release -nologo -v q
dotnet build tests/LoadTool/LoadTool.csproj -c Release -nologo -v q
mkdir -p "$dir"
echo "chaos: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with local changes)'), $(date -u '+%Y-%m-%d %H:%M') UTC, $minutes min, results in $dir"
exec dotnet tests/LoadTool/bin/Release/net10.0/OrleansLive.LoadTool.dll chaos \
  --silo src/Silo/bin/Release/net10.0/OrleansLive.Silo.dll \
  --gateway src/GatewayEdge/bin/Release/net10.0/OrleansLive.GatewayEdge.dll \
  --dir "$dir" --minutes "$minutes" "$@"
