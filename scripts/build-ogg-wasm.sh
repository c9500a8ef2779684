#!/bin/sh
# Builds src/main/core/audio/formats/ogg/ffmpeg-wasm.ts: FFmpeg's native Vorbis and Opus decoders
# (LGPL-2.1-or-later, nothing GPL or non-free enabled; Opus needs libswresample for its SILK
# resampling) plus ffmpeg-decoder.c, compiled to WebAssembly with Debian's clang and
# wasi-libc, compressed (brotli) and written as base64, so the app needs no build step. The Ogg
# pages are read in TypeScript (packets.ts), so no demuxer is built. Debian/Ubuntu only; run
# as root or with sudo for apt.
#
#   sh scripts/build-ogg-wasm.sh            rebuild (about 70 s of CPU: a few minutes on 2 cores)
#
# The result is reproducible from the same toolchain: the committed file is what this writes.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/ffmpeg-wasm-common.sh"
WORK=${OGG_WASM_WORK:-/tmp/musicsketch-ogg-wasm}
OGG=$ROOT/src/main/core/audio/formats/ogg

ensure_wasm_toolchain
fetch_ffmpeg_source "$WORK"
cd "$WORK/ffmpeg-$FFMPEG_VERSION"
if [ ! -f libavcodec/libavcodec.a ]; then
  configure_and_make_ffmpeg --disable-avformat --enable-decoder=vorbis,opus
fi
link_wasm_module "$WORK/ogg.wasm" \
  "libavcodec/libavcodec.a libswresample/libswresample.a libavutil/libavutil.a" \
  "$OGG/ffmpeg-decoder.c"
write_wasm_module_ts "$WORK/ogg.wasm" "$OGG/ffmpeg-wasm.ts" OGG_WASM_BROTLI_BASE64 \
  'Vorbis/Opus decoder' 'scripts/build-ogg-wasm.sh from ffmpeg-decoder.c'
