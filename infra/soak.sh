#!/usr/bin/env bash
# The soak of docs/RELIABILITY.md: the all-in-one server (its own process, HLS and DVR on) for MINUTES
# with 16 RTMP and 4 SRT publishers and 400 viewers who play a random stream over RTMP, HTTP-FLV, HTTP-TS,
# HLS, SRT or WebRTC (WHEP) for 10-120 s, leave and come back. Every 10 s the server's RSS, GC heap,
# threads, open descriptors and grain activations go to soak.csv; at the end the viewers leave, then the
# publishers, and the drill checks that descriptors and activations came back, that every DVR file
# probes and that no player stalled, then prints the figures and the verdict (exit 1 on a failed check).
#
#   bash infra/soak.sh MINUTES [DIR] [soak options...]     # e.g. bash infra/soak.sh 60
#   dotnet tests/LoadTool/bin/Release/net10.0/OrleansLive.LoadTool.dll soak --help
#
# DIR (default soak-results/DATE) keeps soak.csv, soak.json (samples, players, DVR probes, checks),
# server.log, and the HLS and DVR files. The run uses both cores: run nothing else beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: infra/soak.sh MINUTES [DIR] [soak options...]}
shift
dir=${1:-soak-results/$(date -u +%Y%m%d-%H%M%S)}
[[ $# -gt 0 ]] && shift
command -v ffprobe >/dev/null || { echo "ffprobe missing: apt-get install ffmpeg" >&2; exit 1; }

dotnet build src/Silo/Silo.csproj -c Release -nologo -v q
dotnet build tests/LoadTool/LoadTool.csproj -c Release -nologo -v q
mkdir -p "$dir"
echo "soak: commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with local changes)'), $(date -u '+%Y-%m-%d %H:%M') UTC, $minutes min, results in $dir"
# The tool's own threads are many (400 players); the server is measured, not the tool.
exec dotnet tests/LoadTool/bin/Release/net10.0/OrleansLive.LoadTool.dll soak \
  --silo src/Silo/bin/Release/net10.0/OrleansLive.Silo.dll --dir "$dir" --minutes "$minutes" "$@"
