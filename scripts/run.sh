#!/bin/sh
# The main job: set up what is missing, build, and run sgl-host, which
# renders a scene through libsglhost and writes its last frame to a PNG.
# Extra arguments go to sgl-host (see build/examples/sgl-host --help).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
exec ./build/examples/sgl-host "$@"
