#!/usr/bin/env bash
# Reproduces the console's vendored players: downloads the pinned npm tarballs and copies their
# minified builds and licences into src/Silo/Web/vendor. The copies are committed, so neither the
# build nor the running server needs the network (no CDN at run time).
set -euo pipefail

HLS_VERSION=1.6.15
MPEGTS_VERSION=1.7.3
DASHJS_VERSION=5.2.1

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/src/Silo/Web/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "hls.js@$HLS_VERSION" "mpegts.js@$MPEGTS_VERSION" "dashjs@$DASHJS_VERSION" >/dev/null
mkdir -p hls mpegts dashjs "$out"
tar xzf "hls.js-$HLS_VERSION.tgz" -C hls
tar xzf "mpegts.js-$MPEGTS_VERSION.tgz" -C mpegts
tar xzf "dashjs-$DASHJS_VERSION.tgz" -C dashjs

cp hls/package/dist/hls.min.js "$out/hls.min.js"
cp hls/package/LICENSE "$out/hls.js.LICENSE"
# mpegts.js ships one minified UMD build, dist/mpegts.js.
cp mpegts/package/dist/mpegts.js "$out/mpegts.min.js"
cp mpegts/package/LICENSE "$out/mpegts.js.LICENSE"
# dash.js: the player alone (no DRM, MSS or offline modules), with the notices of what it bundles.
umd=dashjs/package/dist/modern/umd
cp "$umd/dash.mediaplayer.min.js" "$out/dash.mediaplayer.min.js"
{ cat dashjs/package/LICENSE.md; echo; echo "Bundled in dash.mediaplayer.min.js:"; cat "$umd/dash.mediaplayer.min.js.LICENSE.txt"; } > "$out/dash.js.LICENSE"
cat > "$out/VERSIONS" <<VERSIONS
hls.js $HLS_VERSION (Apache-2.0) https://www.npmjs.com/package/hls.js
mpegts.js $MPEGTS_VERSION (Apache-2.0) https://www.npmjs.com/package/mpegts.js
dash.js $DASHJS_VERSION (BSD-3-Clause) https://www.npmjs.com/package/dashjs (dist/modern/umd/dash.mediaplayer.min.js)
VERSIONS
echo "vendored hls.js $HLS_VERSION, mpegts.js $MPEGTS_VERSION and dash.js $DASHJS_VERSION into $out"
