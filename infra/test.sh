#!/usr/bin/env bash
# Installs what the tests need (Debian packages) and runs every test project.
# Usage: bash infra/test.sh [extra dotnet test args]
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v srt-live-transmit >/dev/null 2>&1 || need+=(srt-tools)
PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null | grep -q libsrt || need+=(libsrt1.5-openssl)
# Audio transcoding (AAC <-> Opus) binds FFmpeg 5's shared libraries by soname.
for lib in libavcodec.so.59:libavcodec59 libavfilter.so.8:libavfilter8 libswresample.so.4:libswresample4; do
  PATH="$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null | grep -q "${lib%%:*}" || need+=("${lib##*:}")
done
# WebRTC peers: Chromium, aiortc (which brings pylibsrtp, the SRTP interop peer); Debian's own python3.
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import aiortc, pylibsrtp' >/dev/null 2>&1 || need+=(python3-aiortc python3-pylibsrtp)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet build Silo.sln -c Release -nologo -v q
for project in tests/*/*.csproj; do
  grep -q '<IsTestProject>true</IsTestProject>' "$project" || continue
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=$?
done

# One plain summary line over all test projects.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  s=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${s:-0}))
done
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit $status
