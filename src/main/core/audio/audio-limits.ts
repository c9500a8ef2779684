import { AudioError } from './audio-error'

/*
 * What an imported file may hold. Beyond these the file is refused with words, before its audio
 * is decoded where its headers tell, and as soon as the decode passes them otherwise: a file a few
 * megabytes long can decode to days of silence (a "decompression bomb").
 */

/** The longest audio an import takes, in seconds. */
export const MAX_IMPORT_SECONDS = 6 * 3600

/** Sample rates an import takes (telephone audio to the highest studio rates). */
export const MIN_SAMPLE_RATE = 1000
export const MAX_SAMPLE_RATE = 768_000

/** The most channels an import takes (FLAC's own limit; 7.1 surround). */
export const MAX_CHANNELS = 8

const rates = `${MIN_SAMPLE_RATE.toLocaleString('en')} and ${MAX_SAMPLE_RATE.toLocaleString('en')} Hz`

/** Refuses a rate no audio has; `what` names the header ("the WAV header"). */
export function checkSampleRate(rate: number, what: string): void {
  if (!(rate >= MIN_SAMPLE_RATE && rate <= MAX_SAMPLE_RATE)) {
    throw new AudioError(
      'corrupt',
      `${what} says a sample rate of ${rate} Hz; audio must be between ${rates}`,
    )
  }
}

/** Refuses more channels than an import takes; `what` names the header. */
export function checkChannels(channels: number, what: string): void {
  if (channels > MAX_CHANNELS) {
    throw new AudioError(
      'unsupported',
      `${what} says ${channels} channels; at most ${MAX_CHANNELS} can be imported`,
    )
  }
}

/** Refuses audio longer than MAX_IMPORT_SECONDS: `frames` announced or decoded so far. */
export function checkLength(frames: number, sampleRate: number): void {
  if (sampleRate > 0 && frames > MAX_IMPORT_SECONDS * sampleRate) {
    throw new AudioError(
      'unsupported',
      `the audio is longer than ${MAX_IMPORT_SECONDS / 3600} hours, the longest an import may be`,
    )
  }
}
