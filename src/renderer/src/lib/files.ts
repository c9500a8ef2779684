export const ACCEPTED_AUDIO = 'WAV, AIFF, MP3, FLAC, Ogg Vorbis or Opus'
