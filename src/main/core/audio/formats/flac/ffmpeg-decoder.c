/*
 * FLAC decoding through FFmpeg's own FLAC parser and decoder (libavcodec, LGPL-2.1-or-later),
 * compiled to WebAssembly by scripts/build-flac-wasm.sh. One stream at a time per module
 * instance (flac_open starts the next). STREAMINFO and the other metadata blocks are read in
 * JavaScript (header.ts): it opens the decoder on STREAMINFO and hands over the bytes from the
 * first frame on, which the parser cuts into frames as it does in ffmpeg.
 *
 * The decoder gives planar 32-bit integers (the sample in the top bits, asked for with
 * request_sample_fmt), written out as int / 2^(bits-1), as ffmpeg and our WAV codec scale them.
 * A call stops once its output holds OUTPUT_BUDGET samples per channel and goes on with
 * flac_more, so what a call leaves in the module's memory stays bounded however small the
 * frames are (hours of silence fit in a few megabytes).
 */
#define FRAME_OUT_MAX_CHANNELS 8
#include "../ffmpeg-frame-out.h"
#include <libavutil/crc.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/* Negative answers of flac_open, reported by ffmpeg.ts. */
enum {
  OPEN_DECODER = -2, /* the decoder or the parser could not be opened */
};

/* Samples per channel after which a call returns (the frame that passes it is kept whole). */
#define OUTPUT_BUDGET (1 << 16)

static AVCodecParserContext *parser;
/* The parser's own context, as libavformat gives it one apart from the decoder's. */
static AVCodecContext *parsed;
static AVCodecContext *dec;
static AVPacket *pkt;
static AVFrame *frame;
static uint8_t *input;
static int input_capacity;
/* What the parser has not read yet of the bytes given to the last flac_decode. */
static const uint8_t *pending;
static int pending_size;
/* 1 once flac_end started flushing the parser. */
static int flushing;
static int channels;

/* A buffer of `size` bytes (plus FFmpeg's padding) that JavaScript fills before a call. */
EXPORT(flac_input) uint8_t *flac_input(int size) {
  if (size > input_capacity) {
    av_freep(&input);
    input = av_mallocz((size_t)size + AV_INPUT_BUFFER_PADDING_SIZE);
    input_capacity = input ? size : 0;
  }
  return input;
}

/*
 * Opens the parser and the decoder on the stream's STREAMINFO, the `size` bytes of its block
 * (34) in the input buffer, giving `stream_channels` channels: a frame with another channel
 * count is given in the stream's (its last channel repeated, or its first channels). A STREAMINFO
 * the decoder refuses (a block size below 16) is left out: the frame headers say the rest.
 */
EXPORT(flac_open) int flac_open(int stream_channels, int size) {
  av_log_set_level(AV_LOG_QUIET);
  /* An instance is reused for the next stream: the previous decoder goes, its buffers stay. */
  avcodec_free_context(&dec);
  avcodec_free_context(&parsed);
  av_parser_close(parser);
  parser = NULL;
  decode_errors = 0;
  out_length = 0;
  pending = NULL;
  pending_size = 0;
  flushing = 0;
  channels = stream_channels < 1                        ? 1
             : stream_channels > FRAME_OUT_MAX_CHANNELS ? FRAME_OUT_MAX_CHANNELS
                                                        : stream_channels;
  const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_FLAC);
  if (!codec) return OPEN_DECODER;
  for (int with_streaminfo = 1; with_streaminfo >= 0; with_streaminfo--) {
    avcodec_free_context(&dec);
    dec = avcodec_alloc_context3(codec);
    if (!dec) return AVERROR(ENOMEM);
    dec->request_sample_fmt = AV_SAMPLE_FMT_S32P;
    if (with_streaminfo) {
      dec->extradata = av_mallocz((size_t)size + AV_INPUT_BUFFER_PADDING_SIZE);
      if (!dec->extradata) return AVERROR(ENOMEM);
      memcpy(dec->extradata, input, (size_t)size);
      dec->extradata_size = size;
    }
    if (avcodec_open2(dec, codec, NULL) >= 0) break;
    if (!with_streaminfo) return OPEN_DECODER;
  }
  parsed = avcodec_alloc_context3(NULL);
  if (!parsed) return AVERROR(ENOMEM);
  parsed->codec_id = AV_CODEC_ID_FLAC;
  parser = av_parser_init(AV_CODEC_ID_FLAC);
  if (!parser) return OPEN_DECODER;
  if (!pkt) pkt = av_packet_alloc();
  if (!frame) frame = av_frame_alloc();
  if (!pkt || !frame) return AVERROR(ENOMEM);
  return 0;
}

/*
 * Decodes a frame the parser passed on. One whose CRC-16 fails (damage, or junk between frames)
 * is dropped, not counted: the shortfall shows at the end, as with the frame parser this decoder
 * replaced. A frame the decoder refuses is counted (flac_decode_errors).
 */
static int decode_packet(uint8_t *data, int size) {
  if (av_crc(av_crc_get_table(AV_CRC_16_ANSI), 0, data, (size_t)size) != 0) return 0;
  pkt->data = data;
  pkt->size = size;
  if (avcodec_send_packet(dec, pkt) < 0) decode_errors++;
  return receive_all(dec, frame, channels);
}

/* Parses (and decodes) the pending bytes, or flushes the parser, until the budget is reached. */
static int run(void) {
  out_length = 0;
  while (out_length < OUTPUT_BUDGET) {
    uint8_t *data = NULL;
    int data_size = 0;
    if (pending_size > 0) {
      int used = av_parser_parse2(parser, parsed, &data, &data_size, pending, pending_size,
                                  AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
      pending += used;
      pending_size -= used;
      if (data_size == 0 && used == 0) pending_size = 0;
    } else if (flushing) {
      av_parser_parse2(parser, parsed, &data, &data_size, NULL, 0, AV_NOPTS_VALUE,
                       AV_NOPTS_VALUE, 0);
      if (data_size == 0) break;
    } else {
      break;
    }
    if (data_size > 0) {
      int ret = decode_packet(data, data_size);
      if (ret < 0) return ret;
    }
  }
  return out_length;
}

/*
 * Starts on the next `size` bytes of the stream (in the input buffer): the samples per channel
 * decoded (read with flac_channel), at most about OUTPUT_BUDGET; flac_more gives the rest, until
 * it answers 0. A negative AVERROR when memory ran out. A frame the parser has not seen whole
 * yet waits for the next bytes or for flac_end.
 */
EXPORT(flac_decode) int flac_decode(int size) {
  memset(input + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
  pending = input;
  pending_size = size;
  return run();
}

/* The next samples of the bytes given to flac_decode, or of flac_end: 0 when all are out. */
EXPORT(flac_more) int flac_more(void) { return run(); }

/* Ends the stream: the parser passes on its last frames (as flac_decode, then flac_more). */
EXPORT(flac_end) int flac_end(void) {
  pending_size = 0;
  flushing = 1;
  return run();
}

EXPORT(flac_channel) float *flac_channel(int c) { return c >= 0 && c < FRAME_OUT_MAX_CHANNELS ? out[c] : 0; }
EXPORT(flac_decode_errors) int flac_decode_errors(void) { return decode_errors; }
