#!/usr/bin/env bash
# Fuzzing of the parsers (docs/RELIABILITY.md). The targets live in tests/UnitTests/Fuzz/FuzzTargets*.cs.
#   infra/fuzz.sh list                      the targets, their seeds and what they reach
#   infra/fuzz.sh TARGET MINUTES [SEED]     in-process mutation run; findings go to findings/TARGET
#   infra/fuzz.sh all MINUTES               every target for MINUTES each
#   infra/fuzz.sh afl TARGET MINUTES        AFL++ (Debian afl++) with SharpFuzz-instrumented assemblies
#   infra/fuzz.sh replay TARGET FILE...     runs saved inputs once and says what each does
#   infra/fuzz.sh corpus                    regenerates the derived corpora (needs ffmpeg and curl)
# FINDINGS (default: findings/ in the repository) holds what the runs save.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
findings=${FINDINGS:-$root/findings}
dll=tests/UnitTests/bin/Release/net10.0/OrleansLive.UnitTests.dll

build() {
    dotnet build tests/UnitTests/UnitTests.csproj -c Release -nologo -v q >/dev/null
}

fuzz() {
    dotnet "$dll" fuzz "$@"
}

afl() {
    local target=$1 minutes=$2
    command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 1; }
    local tools=$root/.tools
    if [ ! -x "$tools/sharpfuzz" ]; then
        dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
    fi
    # A copy of the build whose parser assemblies carry AFL coverage probes (the tests keep the plain ones).
    local work=$findings/afl-$target
    rm -rf "$work/bin" "$work/in"
    mkdir -p "$work"
    cp -r tests/UnitTests/bin/Release/net10.0 "$work/bin"
    for assembly in OrleansLive.Media.dll OrleansLive.GatewayEdge.dll; do
        "$tools/sharpfuzz" "$work/bin/$assembly" >/dev/null
    done
    dotnet "$work/bin/OrleansLive.UnitTests.dll" fuzz seeds "$target" "$work/in"
    # -t 1000+: an input over a second is a hang; the .NET start-up of each fork is paid once.
    AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
        timeout --signal=INT "$((minutes * 60))" \
        afl-fuzz -i "$work/in" -o "$work/out" -t 1000+ -m none -- dotnet "$work/bin/OrleansLive.UnitTests.dll" fuzz afl "$target" \
        >"$work/afl.log" 2>&1 || true
    local stats=$work/out/default/fuzzer_stats
    [ -f "$stats" ] || { tail -20 "$work/afl.log"; exit 1; }
    grep -E '^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg)' "$stats"
    echo "crashes: $work/out/default/crashes  hangs: $work/out/default/hangs"
}

case "${1:-}" in
    list) build; fuzz list ;;
    replay) shift; build; fuzz replay "$@" ;;
    corpus) build; fuzz corpus "$root/tests/UnitTests/Corpus" ;;
    afl) [ $# -eq 3 ] || { sed -n '2,9p' "$0"; exit 2; }; build; afl "$2" "$3" ;;
    all)
        [ $# -eq 2 ] || { sed -n '2,9p' "$0"; exit 2; }
        build
        status=0
        for target in $(fuzz list | awk '{print $1}'); do
            fuzz run "$target" "$2" "${RANDOM}" "$findings" || status=1
        done
        exit $status
        ;;
    ''|-h|--help) sed -n '2,9p' "$0"; exit 2 ;;
    *)
        [ $# -ge 2 ] || { sed -n '2,9p' "$0"; exit 2; }
        build
        fuzz run "$1" "$2" "${3:-$RANDOM}" "$findings"
        ;;
esac
