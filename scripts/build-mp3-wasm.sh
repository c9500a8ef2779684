#!/bin/sh
# Builds src/main/core/audio/formats/mp3/ffmpeg-wasm.ts: FFmpeg's MPEG audio parser and its
# floating-point decoders for MPEG audio layers I, II and III (mp1float, mp2float, mp3float;
# LGPL-2.1-or-later, nothing GPL or non-free enabled) plus ffmpeg-decoder.c, compiled to
# WebAssembly with Debian's clang and wasi-libc, compressed (brotli) and written as base64, so
# the app needs no build step. The ID3 and Xing/LAME tags are read in TypeScript (header.ts), so
# no demuxer is built. Debian/Ubuntu only; run as root or with sudo for apt.
#
#   sh scripts/build-mp3-wasm.sh            rebuild (a few minutes on 2 cores)
#
# The result is reproducible from the same toolchain: the committed file is what this writes.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/ffmpeg-wasm-common.sh"
WORK=${MP3_WASM_WORK:-/tmp/musicsketch-mp3-wasm}
MP3=$ROOT/src/main/core/audio/formats/mp3

ensure_wasm_toolchain
fetch_ffmpeg_source "$WORK"
cd "$WORK/ffmpeg-$FFMPEG_VERSION"
if [ ! -f libavcodec/libavcodec.a ]; then
  configure_and_make_ffmpeg --disable-avformat --disable-swresample \
    --enable-decoder=mp1float,mp2float,mp3float --enable-parser=mpegaudio
fi
link_wasm_module "$WORK/mp3.wasm" "libavcodec/libavcodec.a libavutil/libavutil.a" \
  "$MP3/ffmpeg-decoder.c"
write_wasm_module_ts "$WORK/mp3.wasm" "$MP3/ffmpeg-wasm.ts" MP3_WASM_BROTLI_BASE64 \
  'MPEG audio (MP1/MP2/MP3) decoder' 'scripts/build-mp3-wasm.sh from ffmpeg-decoder.c'
