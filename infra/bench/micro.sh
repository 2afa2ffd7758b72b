#!/usr/bin/env bash
# Micro-benchmarks of the media path (tests/Benchmarks, BenchmarkDotNet): chunk reader, wire-form
# builds, queue and hub fan-out, per-player RTMP and WebRTC sends, FLV/fMP4 writers, each with its
# allocations per operation. Not part of the test run (CI only builds the project): timings on a
# shared machine are for comparing builds on the same machine, one run after the other.
#
# Usage: bash infra/bench/micro.sh [FILTER] [more BenchmarkDotNet arguments]
#   FILTER          BenchmarkDotNet glob over Namespace.Class.Method (default '*'),
#                   e.g. '*ChunkReader*' or '*RtcSend*'
# Environment:
#   MICRO_JOB       BenchmarkDotNet job (default short: 3 warm-up and 3 measured iterations;
#                   "default" for the full statistics, several minutes per benchmark)
#   MICRO_OUT       folder for the reports (default a new temp folder); the Markdown tables land in
#                   MICRO_OUT/results/*-report-github.md
set -euo pipefail
cd "$(dirname "$0")/../.."

filter=${1:-*}
[ $# -gt 0 ] && shift
job=${MICRO_JOB:-short}
out=${MICRO_OUT:-$(mktemp -d /tmp/orleanslive-micro.XXXXXX)}
mkdir -p "$out"

dotnet build tests/Benchmarks -c Release -nologo -v q
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# In process: the build above is what runs (BenchmarkDotNet's own per-run project build would take
# minutes on 2 cores and wants the project file named after the assembly).
dotnet tests/Benchmarks/bin/Release/net10.0/OrleansLive.Benchmarks.dll \
  --filter "$filter" --job "$job" --inProcess --artifacts "$out" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "reports: $out/results"
