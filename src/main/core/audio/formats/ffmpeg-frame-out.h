/*
 * The output side of the FFmpeg decoder modules (mp3/, ogg/ and flac/ffmpeg-decoder.c, each
 * compiled to its own WebAssembly module, so each has one copy of this state): the frames the
 * decoder gives during a call are appended to planar float buffers, which JavaScript reads
 * (or copies out) after the call. The includer defines FRAME_OUT_MAX_CHANNELS first.
 */
#include <stdint.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/mem.h>

#ifndef FRAME_OUT_MAX_CHANNELS
#error "define FRAME_OUT_MAX_CHANNELS before including ffmpeg-frame-out.h"
#endif

static float *out[FRAME_OUT_MAX_CHANNELS];
/* Samples per channel each allocated buffer holds; buffers allocated; samples appended. */
static int out_capacity, out_allocated, out_length;
/* The channels of the last frame appended (as output). */
static int out_channels;
/* Frames the decoder refused during the stream. */
static int decode_errors;

/*
 * Room for `samples` per channel in the first `channels` output buffers. Every allocated buffer
 * keeps out_capacity: an instance decodes the next stream, which may have more channels.
 */
static int reserve(int samples, int channels) {
  if (samples <= out_capacity && channels <= out_allocated) return 0;
  int capacity = out_capacity ? out_capacity : 8192;
  while (capacity < samples) capacity *= 2;
  int allocated = channels > out_allocated ? channels : out_allocated;
  for (int c = 0; c < allocated; c++) {
    float *grown = av_realloc(out[c], sizeof(float) * (size_t)capacity);
    if (!grown) return AVERROR(ENOMEM);
    out[c] = grown;
  }
  out_capacity = capacity;
  out_allocated = allocated;
  return 0;
}

/*
 * Appends `frame` to the output as `channels` channels (0: the frame's own), a frame with fewer
 * giving its last channel again. Planar float is copied; planar 32-bit integers (FLAC's, the
 * sample shifted to the top bits) become int / 2^31, exactly, as ffmpeg converts them.
 */
static int take_frame(const AVFrame *frame, int channels) {
  int n = frame->nb_samples;
  int frame_channels = frame->ch_layout.nb_channels;
  if (channels == 0) channels = frame_channels;
  if (frame_channels <= 0 || channels > FRAME_OUT_MAX_CHANNELS) return AVERROR_PATCHWELCOME;
  if (frame->format != AV_SAMPLE_FMT_FLTP && frame->format != AV_SAMPLE_FMT_S32P) {
    return AVERROR_PATCHWELCOME;
  }
  int ret = reserve(out_length + n, channels);
  if (ret < 0) return ret;
  out_channels = channels;
  for (int c = 0; c < channels; c++) {
    int from = c < frame_channels ? c : frame_channels - 1;
    float *to = out[c] + out_length;
    if (frame->format == AV_SAMPLE_FMT_FLTP) {
      memcpy(to, frame->extended_data[from], sizeof(float) * (size_t)n);
    } else {
      /* Exact: an int32 of at most 24 significant bits is a float; beyond, one rounding. */
      const int32_t *in = (const int32_t *)frame->extended_data[from];
      for (int i = 0; i < n; i++) to[i] = (float)in[i] * (1.0f / 2147483648.0f);
    }
  }
  out_length += n;
  return 0;
}

/* Appends every frame the decoder has ready (as take_frame); a frame it refuses is counted. */
static int receive_all(AVCodecContext *dec, AVFrame *frame, int channels) {
  for (;;) {
    int ret = avcodec_receive_frame(dec, frame);
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return 0;
    if (ret < 0) {
      decode_errors++;
      continue;
    }
    ret = take_frame(frame, channels);
    av_frame_unref(frame);
    if (ret < 0) return ret;
  }
}
