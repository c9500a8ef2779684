#!/bin/sh
# Builds src/main/core/audio/formats/flac/ffmpeg-wasm.ts: FFmpeg's FLAC parser and decoder
# (LGPL-2.1-or-later, nothing GPL or non-free enabled) plus ffmpeg-decoder.c, compiled to
# WebAssembly with Debian's clang and wasi-libc, compressed (brotli) and written as base64, so
# the app needs no build step. STREAMINFO and the metadata blocks are read in TypeScript
# (header.ts), so no demuxer is built. Debian/Ubuntu only; run as root or with sudo for apt.
#
#   sh scripts/build-flac-wasm.sh           rebuild (a few minutes on 2 cores)
#
# The result is reproducible from the same toolchain: the committed file is what this writes.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/ffmpeg-wasm-common.sh"
WORK=${FLAC_WASM_WORK:-/tmp/musicsketch-flac-wasm}
FLAC=$ROOT/src/main/core/audio/formats/flac

ensure_wasm_toolchain
fetch_ffmpeg_source "$WORK"
cd "$WORK/ffmpeg-$FFMPEG_VERSION"
if [ ! -f libavcodec/libavcodec.a ]; then
  configure_and_make_ffmpeg --disable-avformat --disable-swresample \
    --enable-decoder=flac --enable-parser=flac
fi
link_wasm_module "$WORK/flac.wasm" "libavcodec/libavcodec.a libavutil/libavutil.a" \
  "$FLAC/ffmpeg-decoder.c"
write_wasm_module_ts "$WORK/flac.wasm" "$FLAC/ffmpeg-wasm.ts" FLAC_WASM_BROTLI_BASE64 \
  'FLAC decoder' 'scripts/build-flac-wasm.sh from ffmpeg-decoder.c'
