/*
 * MP4/M4A and ADTS AAC decoding through FFmpeg's own libraries (libavformat's mov and aac
 * demuxers, libavcodec's AAC and ALAC decoders; LGPL-2.1-or-later), compiled to WebAssembly by
 * scripts/build-m4a-wasm.sh. One decode per module instance. The bytes come from JavaScript
 * through two imports (js_read, js_seek), so the file is read where it lies, never copied whole.
 *
 * The calls are the ones the ffmpeg command line makes (open, find_stream_info, read, send,
 * receive) with the packet time base set, so libavcodec trims the encoder delay and padding the
 * demuxer announces (MP4 edit list, iTunSMPB) exactly as ffmpeg does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

/* Reads up to `size` bytes at the current position: the count, 0 at the end, -1 on error. */
IMPORT(js_read) int js_read(uint8_t *buf, int size);
/* Moves to `offset` (whence as fseek; 0x10000 = AVSEEK_SIZE asks the size): the position or -1. */
IMPORT(js_seek) double js_seek(double offset, int whence);

/* Negative answers of m4a_open, mapped to messages in wasm-module.ts. */
enum {
  OPEN_UNREADABLE = -1,  /* neither MP4 nor ADTS as libavformat reads it (or cut before moov) */
  OPEN_NO_AUDIO = -2,    /* no track at all */
  OPEN_VIDEO_ONLY = -3,  /* video but no audio track */
  OPEN_DRM = -4,         /* FairPlay (drms) or encrypted (enca) audio */
  OPEN_CODEC = -5,       /* audio in a codec other than AAC/ALAC: see m4a_codec_tag */
  OPEN_DECODER = -6,     /* the decoder refused the track's configuration */
  OPEN_TRUNCATED = -7,   /* the sample table points past the end of the file */
};

#define IO_BUFFER 65536
#define MAX_CHANNELS 8

static AVFormatContext *fmt;
static AVIOContext *pb;
static AVCodecContext *dec;
static AVPacket *pkt;
static AVFrame *frame;
static int stream_index = -1;
static int draining;
static uint32_t codec_tag;
static float *out[MAX_CHANNELS];
static int out_capacity;
static int out_channels, out_rate;
static int decode_errors;

static int read_packet(void *opaque, uint8_t *buf, int size) {
  (void)opaque;
  int n = js_read(buf, size);
  if (n < 0) return AVERROR(EIO);
  return n == 0 ? AVERROR_EOF : n;
}

static int64_t seek(void *opaque, int64_t offset, int whence) {
  (void)opaque;
  double at = js_seek((double)offset, whence & ~AVSEEK_FORCE);
  return at < 0 ? AVERROR(EIO) : (int64_t)at;
}

static int is_protected(const AVStream *st) {
  uint32_t tag = st->codecpar->codec_tag;
  if (tag == MKTAG('d', 'r', 'm', 's') || tag == MKTAG('e', 'n', 'c', 'a')) return 1;
  for (int i = 0; i < st->nb_side_data; i++) {
    if (st->side_data[i].type == AV_PKT_DATA_ENCRYPTION_INIT_INFO) return 1;
  }
  return 0;
}

/* True when the last indexed sample ends past the end of the file (a cut MP4). */
static int index_past_end(AVStream *st) {
  int n = avformat_index_get_entries_count(st);
  int64_t size = avio_size(pb);
  if (n <= 0 || size <= 0) return 0;
  const AVIndexEntry *last = avformat_index_get_entry(st, n - 1);
  return last && last->pos + last->size > size;
}

EXPORT(m4a_open) int m4a_open(void) {
  av_log_set_level(AV_LOG_QUIET);
  uint8_t *buffer = av_malloc(IO_BUFFER);
  if (!buffer) return AVERROR(ENOMEM);
  pb = avio_alloc_context(buffer, IO_BUFFER, 0, NULL, read_packet, NULL, seek);
  fmt = avformat_alloc_context();
  if (!pb || !fmt) return AVERROR(ENOMEM);
  fmt->pb = pb;
  if (avformat_open_input(&fmt, NULL, NULL, NULL) < 0) return OPEN_UNREADABLE;
  if (avformat_find_stream_info(fmt, NULL) < 0) return OPEN_UNREADABLE;

  int video = 0;
  for (unsigned i = 0; i < fmt->nb_streams; i++) {
    AVStream *st = fmt->streams[i];
    if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) video = 1;
    if (st->codecpar->codec_type != AVMEDIA_TYPE_AUDIO) continue;
    if (is_protected(st)) return OPEN_DRM;
    if (stream_index < 0) stream_index = (int)i;
  }
  if (stream_index < 0) return video ? OPEN_VIDEO_ONLY : OPEN_NO_AUDIO;
  for (unsigned i = 0; i < fmt->nb_streams; i++) {
    if ((int)i != stream_index) fmt->streams[i]->discard = AVDISCARD_ALL;
  }

  AVStream *st = fmt->streams[stream_index];
  codec_tag = st->codecpar->codec_tag;
  enum AVCodecID id = st->codecpar->codec_id;
  if (id != AV_CODEC_ID_AAC && id != AV_CODEC_ID_ALAC) return OPEN_CODEC;
  if (index_past_end(st)) return OPEN_TRUNCATED;

  const AVCodec *codec = avcodec_find_decoder(id);
  dec = avcodec_alloc_context3(codec);
  if (!dec) return AVERROR(ENOMEM);
  if (avcodec_parameters_to_context(dec, st->codecpar) < 0) return OPEN_DECODER;
  dec->pkt_timebase = st->time_base;
  if (avcodec_open2(dec, codec, NULL) < 0) return OPEN_DECODER;
  pkt = av_packet_alloc();
  frame = av_frame_alloc();
  if (!pkt || !frame) return AVERROR(ENOMEM);
  return 0;
}

/* The AAC profile (AV_PROFILE_AAC_*, -99 when unknown) and the codec tag, for messages. */
EXPORT(m4a_profile) int m4a_profile(void) {
  return stream_index < 0 ? -99 : fmt->streams[stream_index]->codecpar->profile;
}

EXPORT(m4a_codec_tag) uint32_t m4a_codec_tag(void) { return codec_tag; }

/* FFmpeg's short name of the audio track's codec ("aac", "mp3", "opus"…), "" when none. */
EXPORT(m4a_codec_name) const char *m4a_codec_name(void) {
  return stream_index < 0 ? "" : avcodec_get_name(fmt->streams[stream_index]->codecpar->codec_id);
}

EXPORT(m4a_is_alac) int m4a_is_alac(void) {
  return stream_index >= 0 && fmt->streams[stream_index]->codecpar->codec_id == AV_CODEC_ID_ALAC;
}

/*
 * The length the container gives the track, in seconds as a fraction (m4a_duration over
 * m4a_duration_scale): the edit list's when there is one. -1 when unknown (ADTS).
 */
EXPORT(m4a_duration) double m4a_duration(void) {
  if (stream_index < 0) return -1;
  AVStream *st = fmt->streams[stream_index];
  if (st->duration <= 0 || st->duration == AV_NOPTS_VALUE) return -1;
  return (double)st->duration * st->time_base.num;
}

EXPORT(m4a_duration_scale) double m4a_duration_scale(void) {
  return stream_index < 0 ? 1 : fmt->streams[stream_index]->time_base.den;
}

/*
 * The original length in samples an iTunes iTunSMPB tag gives (its fourth field), or -1. FFmpeg
 * reads only the priming from it; the length trims the padding at the end.
 */
EXPORT(m4a_itunsmpb_samples) double m4a_itunsmpb_samples(void) {
  AVDictionaryEntry *tag = fmt ? av_dict_get(fmt->metadata, "iTunSMPB", NULL, 0) : NULL;
  if (!tag) return -1;
  unsigned long long fields[4];
  const char *p = tag->value;
  for (int i = 0; i < 4; i++) {
    char *end;
    fields[i] = strtoull(p, &end, 16);
    if (end == p) return -1;
    p = end;
  }
  return fields[3] > 0 ? (double)fields[3] : -1;
}

static int reserve(int samples) {
  if (samples <= out_capacity) return 0;
  for (int c = 0; c < MAX_CHANNELS; c++) {
    av_freep(&out[c]);
    out[c] = av_malloc(sizeof(float) * samples);
    if (!out[c]) return AVERROR(ENOMEM);
  }
  out_capacity = samples;
  return 0;
}

/* Frame to planar float, scaled as ffmpeg's f32le output is. */
static int take_frame(void) {
  int n = frame->nb_samples;
  int channels = frame->ch_layout.nb_channels;
  if (channels <= 0 || channels > MAX_CHANNELS) return AVERROR_PATCHWELCOME;
  int ret = reserve(n);
  if (ret < 0) return ret;
  out_channels = channels;
  out_rate = frame->sample_rate;
  for (int c = 0; c < channels; c++) {
    float *dst = out[c];
    switch (frame->format) {
      case AV_SAMPLE_FMT_FLTP:
        memcpy(dst, frame->extended_data[c], sizeof(float) * n);
        break;
      case AV_SAMPLE_FMT_S16P: {
        const int16_t *src = (const int16_t *)frame->extended_data[c];
        for (int i = 0; i < n; i++) dst[i] = src[i] * (1.0f / 32768.0f);
        break;
      }
      case AV_SAMPLE_FMT_S32P: {
        const int32_t *src = (const int32_t *)frame->extended_data[c];
        for (int i = 0; i < n; i++) dst[i] = (float)(src[i] * (1.0 / 2147483648.0));
        break;
      }
      default:
        return AVERROR_PATCHWELCOME;
    }
  }
  return n;
}

/*
 * Decodes until one frame is out: its samples per channel (read with m4a_channel), 0 at the
 * end, or a negative AVERROR. Damaged packets are skipped as ffmpeg skips them and counted
 * (m4a_decode_errors).
 */
EXPORT(m4a_decode) int m4a_decode(void) {
  for (;;) {
    int ret = avcodec_receive_frame(dec, frame);
    if (ret >= 0) {
      int n = take_frame();
      av_frame_unref(frame);
      if (n != 0) return n;
      continue;
    }
    if (ret == AVERROR_EOF) return 0;
    if (ret != AVERROR(EAGAIN)) {
      if (ret == AVERROR(ENOMEM)) return ret;
      decode_errors++;
      continue;
    }
    if (draining) return 0;
    ret = av_read_frame(fmt, pkt);
    if (ret == AVERROR_EOF) {
      draining = 1;
      avcodec_send_packet(dec, NULL);
      continue;
    }
    if (ret < 0) return ret;
    if (pkt->stream_index == stream_index) {
      if (pkt->flags & AV_PKT_FLAG_CORRUPT) decode_errors++;
      if (avcodec_send_packet(dec, pkt) < 0) decode_errors++;
    }
    av_packet_unref(pkt);
  }
}

EXPORT(m4a_channel) float *m4a_channel(int c) { return c >= 0 && c < MAX_CHANNELS ? out[c] : 0; }
EXPORT(m4a_channels) int m4a_channels(void) { return out_channels ? out_channels : (dec ? dec->ch_layout.nb_channels : 0); }
EXPORT(m4a_sample_rate) int m4a_sample_rate(void) { return out_rate ? out_rate : (dec ? dec->sample_rate : 0); }
EXPORT(m4a_decode_errors) int m4a_decode_errors(void) { return decode_errors; }
