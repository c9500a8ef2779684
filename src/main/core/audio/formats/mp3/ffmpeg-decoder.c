/*
 * MPEG audio (MP3, and MP1/MP2) decoding through FFmpeg's own MPEG audio parser and decoders
 * (libavcodec, LGPL-2.1-or-later), compiled to WebAssembly by scripts/build-mp3-wasm.sh. One
 * stream at a time per module instance (mp3_open starts the next). The ID3v2 tags and the
 * Xing/LAME tag frame are handled in JavaScript (decode.ts, frame-index.ts): the bytes after
 * them go through the parser, which cuts them into frames as it does in ffmpeg, and every frame
 * decodes to planar float buffers that JavaScript copies out after the call.
 *
 * The decoders are the floating-point ones: mp3float, the one the ffmpeg command line picks for
 * layer III, and mp1float and mp2float for layers I and II, where ffmpeg picks the fixed-point
 * mp1 and mp2 (16-bit output, a rounding error carried from sample to sample since the start, so
 * a stream decoded in segments could not give the bits of one pass; the float ones differ from
 * them by that rounding only). A float decoder's output depends only on the last frames.
 * Nothing is trimmed here: the gapless trimming is done in JavaScript.
 */
#define FRAME_OUT_MAX_CHANNELS 2
#include "../ffmpeg-frame-out.h"

#define EXPORT(name) __attribute__((export_name(#name)))

/* Negative answers of mp3_open, reported by ffmpeg.ts. */
enum {
  OPEN_LAYER = -1,   /* not layer 1, 2 or 3 */
  OPEN_DECODER = -2, /* the decoder or the parser could not be opened */
};

static AVCodecParserContext *parser;
/* The parser's own context, as libavformat gives it one apart from the decoder's. */
static AVCodecContext *parsed;
static AVCodecContext *dec;
static AVPacket *pkt;
static AVFrame *frame;
static uint8_t *input;
static int input_capacity;
static int channels;

/* A buffer of `size` bytes (plus FFmpeg's padding) that JavaScript fills before a call. */
EXPORT(mp3_input) uint8_t *mp3_input(int size) {
  if (size > input_capacity) {
    av_freep(&input);
    input = av_mallocz((size_t)size + AV_INPUT_BUFFER_PADDING_SIZE);
    input_capacity = input ? size : 0;
  }
  return input;
}

/*
 * Opens the parser and the decoder of MPEG audio layer `layer` (1, 2 or 3, from the stream's
 * first frame) giving `stream_channels` channels (1 or 2): a frame with another channel count
 * is given in the stream's (its first channel repeated, or its first channels).
 */
EXPORT(mp3_open) int mp3_open(int layer, int stream_channels) {
  av_log_set_level(AV_LOG_QUIET);
  /* An instance is reused for the next stream: the previous decoder goes, its buffers stay. */
  avcodec_free_context(&dec);
  avcodec_free_context(&parsed);
  av_parser_close(parser);
  parser = NULL;
  decode_errors = 0;
  out_length = 0;
  channels = stream_channels < 1 ? 1 : stream_channels > FRAME_OUT_MAX_CHANNELS ? FRAME_OUT_MAX_CHANNELS : stream_channels;
  enum AVCodecID id = layer == 1   ? AV_CODEC_ID_MP1
                      : layer == 2 ? AV_CODEC_ID_MP2
                      : layer == 3 ? AV_CODEC_ID_MP3
                                   : AV_CODEC_ID_NONE;
  if (id == AV_CODEC_ID_NONE) return OPEN_LAYER;
  const AVCodec *codec = avcodec_find_decoder(id);
  if (!codec) return OPEN_DECODER;
  dec = avcodec_alloc_context3(codec);
  parsed = avcodec_alloc_context3(NULL);
  if (!dec || !parsed) return AVERROR(ENOMEM);
  parsed->codec_id = id;
  parser = av_parser_init(id);
  if (!parser || avcodec_open2(dec, codec, NULL) < 0) return OPEN_DECODER;
  if (!pkt) pkt = av_packet_alloc();
  if (!frame) frame = av_frame_alloc();
  if (!pkt || !frame) return AVERROR(ENOMEM);
  return 0;
}

/*
 * Parses and decodes the next `size` bytes of the stream (in the input buffer): the samples per
 * channel they gave (read with mp3_channel), or a negative AVERROR when memory ran out. A frame
 * the parser has not seen whole yet waits for the next call; one still incomplete at the end of
 * the stream is never decoded (JavaScript completes a cut last frame, see cut-frame.ts). A packet
 * the decoder refuses (a damaged frame, junk before a frame) is skipped, as ffmpeg skips it, and
 * counted (mp3_decode_errors).
 */
EXPORT(mp3_decode) int mp3_decode(int size) {
  out_length = 0;
  const uint8_t *at = input;
  while (size > 0) {
    uint8_t *data = NULL;
    int data_size = 0;
    int used = av_parser_parse2(parser, parsed, &data, &data_size, at, size, AV_NOPTS_VALUE,
                                AV_NOPTS_VALUE, 0);
    at += used;
    size -= used;
    if (data_size == 0) {
      if (used == 0) break;
      continue;
    }
    pkt->data = data;
    pkt->size = data_size;
    if (avcodec_send_packet(dec, pkt) < 0) decode_errors++;
    int ret = receive_all(dec, frame, channels);
    if (ret < 0) return ret;
  }
  return out_length;
}

EXPORT(mp3_channel) float *mp3_channel(int c) { return c >= 0 && c < FRAME_OUT_MAX_CHANNELS ? out[c] : 0; }
EXPORT(mp3_sample_rate) int mp3_sample_rate(void) { return dec ? dec->sample_rate : 0; }
EXPORT(mp3_decode_errors) int mp3_decode_errors(void) { return decode_errors; }
