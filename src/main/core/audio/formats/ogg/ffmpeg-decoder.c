/*
 * Vorbis and Opus packet decoding through FFmpeg's own decoders (libavcodec's native Vorbis and
 * Opus decoders, LGPL-2.1-or-later), compiled to WebAssembly by scripts/build-ogg-wasm.sh. One
 * stream at a time per module instance (ogg_open starts the next). The Ogg pages are read in JavaScript (ffmpeg.ts): it hands
 * over the codec's header packets once, then batches of audio packets laid end to end in the
 * input buffer with their lengths; every frame they decode to is appended to planar float
 * buffers that JavaScript copies out after the call.
 *
 * The calls are the ones the ffmpeg command line makes (send, receive), so the samples are
 * ffmpeg's; the Opus decoder drops the header's pre-skip itself, as in ffmpeg.
 */
#define FRAME_OUT_MAX_CHANNELS 8
#include "../ffmpeg-frame-out.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* Negative answers of ogg_open, mapped to messages in ffmpeg.ts. */
enum {
  OPEN_CODEC = -1,   /* neither Vorbis (0) nor Opus (1) */
  OPEN_DECODER = -2, /* the decoder refused the header packets */
};

static AVCodecContext *dec;
static AVPacket *pkt;
static AVFrame *frame;
static uint8_t *input;
static int input_capacity;
static int32_t lengths[4096];

/* A buffer of `size` bytes (plus FFmpeg's padding) that JavaScript fills before a call. */
EXPORT(ogg_input) uint8_t *ogg_input(int size) {
  if (size > input_capacity) {
    av_freep(&input);
    input = av_mallocz((size_t)size + AV_INPUT_BUFFER_PADDING_SIZE);
    input_capacity = input ? size : 0;
  }
  return input;
}

/* Where JavaScript writes the length of each packet of a batch (at most ogg_max_packets). */
EXPORT(ogg_lengths) int32_t *ogg_lengths(void) { return lengths; }
EXPORT(ogg_max_packets) int ogg_max_packets(void) { return sizeof lengths / sizeof lengths[0]; }

/*
 * Opens the decoder on the codec's setup, `size` bytes in the input buffer: for Vorbis its three
 * header packets in Xiph lacing (as in Matroska's CodecPrivate), for Opus the OpusHead packet.
 */
EXPORT(ogg_open) int ogg_open(int codec_kind, int size) {
  av_log_set_level(AV_LOG_QUIET);
  /* An instance is reused for the next stream: the previous decoder goes, its buffers stay. */
  avcodec_free_context(&dec);
  out_channels = 0;
  decode_errors = 0;
  enum AVCodecID id = codec_kind == 0 ? AV_CODEC_ID_VORBIS : codec_kind == 1 ? AV_CODEC_ID_OPUS : AV_CODEC_ID_NONE;
  if (id == AV_CODEC_ID_NONE) return OPEN_CODEC;
  const AVCodec *codec = avcodec_find_decoder(id);
  if (!codec) return OPEN_CODEC;
  dec = avcodec_alloc_context3(codec);
  if (!dec) return AVERROR(ENOMEM);
  dec->extradata = av_mallocz((size_t)size + AV_INPUT_BUFFER_PADDING_SIZE);
  if (!dec->extradata) return AVERROR(ENOMEM);
  memcpy(dec->extradata, input, (size_t)size);
  dec->extradata_size = size;
  if (avcodec_open2(dec, codec, NULL) < 0) return OPEN_DECODER;
  if (!pkt) pkt = av_packet_alloc();
  if (!frame) frame = av_frame_alloc();
  if (!pkt || !frame) return AVERROR(ENOMEM);
  return 0;
}

/*
 * Decodes `count` packets laid end to end in the input buffer (lengths in ogg_lengths): the
 * samples per channel they gave (read with ogg_channel), or a negative AVERROR when memory ran
 * out. A packet the decoder refuses is skipped, as ffmpeg skips it, and counted
 * (ogg_decode_errors). count 0 drains the decoder (the end of the stream).
 */
EXPORT(ogg_decode) int ogg_decode(int count) {
  out_length = 0;
  if (count == 0) {
    avcodec_send_packet(dec, NULL);
    int ret = receive_all(dec, frame, 0);
    return ret < 0 ? ret : out_length;
  }
  uint8_t *at = input;
  for (int i = 0; i < count; i++) {
    pkt->data = at;
    pkt->size = lengths[i];
    at += lengths[i];
    if (avcodec_send_packet(dec, pkt) < 0) decode_errors++;
    int ret = receive_all(dec, frame, 0);
    if (ret < 0) return ret;
  }
  return out_length;
}

EXPORT(ogg_channel) float *ogg_channel(int c) { return c >= 0 && c < FRAME_OUT_MAX_CHANNELS ? out[c] : 0; }
EXPORT(ogg_channels) int ogg_channels(void) { return out_channels ? out_channels : (dec ? dec->ch_layout.nb_channels : 0); }
EXPORT(ogg_sample_rate) int ogg_sample_rate(void) { return dec ? dec->sample_rate : 0; }
EXPORT(ogg_decode_errors) int ogg_decode_errors(void) { return decode_errors; }
