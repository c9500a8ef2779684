#!/bin/sh
# Builds src/main/core/audio/formats/m4a/wasm.ts: FFmpeg's MP4/ADTS demuxers and AAC/ALAC
# decoders (LGPL-2.1-or-later, nothing GPL or non-free enabled) plus decoder.c beside it, compiled
# to WebAssembly with Debian's clang and wasi-libc (steps in ffmpeg-wasm-common.sh), compressed
# (brotli) and written as base64, so the app needs no build step. Debian/Ubuntu only; run as root
# or with sudo for apt.
#
#   sh scripts/build-m4a-wasm.sh            rebuild (about 10 minutes on 2 cores)
#
# The result is reproducible from the same toolchain: the committed file is what this writes.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/ffmpeg-wasm-common.sh"
WORK=${M4A_WASM_WORK:-/tmp/musicsketch-m4a-wasm}
M4A=$ROOT/src/main/core/audio/formats/m4a

ensure_wasm_toolchain
fetch_ffmpeg_source "$WORK"
cd "$WORK/ffmpeg-$FFMPEG_VERSION"
if [ ! -f libavcodec/libavcodec.a ]; then
  configure_and_make_ffmpeg --disable-swresample \
    --enable-decoder=aac,alac --enable-demuxer=mov,aac --enable-parser=aac
fi
link_wasm_module "$WORK/m4a.wasm" \
  "libavformat/libavformat.a libavcodec/libavcodec.a libavutil/libavutil.a" \
  "$M4A/decoder.c"
write_wasm_module_ts "$WORK/m4a.wasm" "$M4A/wasm.ts" M4A_WASM_BROTLI_BASE64 \
  'M4A/AAC decoder' 'scripts/build-m4a-wasm.sh from decoder.c'
