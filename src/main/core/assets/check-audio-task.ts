import type { AudioFormat } from '../../../shared/domain'
import { AudioError } from '../audio/audio-error'
import { checkLength } from '../audio/audio-limits'
import { decodeAudioFile, type AudioDecodeStream } from '../audio/decode'
import { PeaksBuilder, serializePeaks } from '../audio/dsp'
import type { Segmented } from '../audio/segmented-decode'
import type { TaskAnswer } from '../workers/types'

/** What checking a compressed file gives an import. */
export interface AudioFileCheck {
  format: AudioFormat
  sampleRate: number
  channels: number
  frames: number
  /** serializePeaks' layout. */
  peaks: Uint8Array
}

/**
 * Decodes a stream to the end to check it, computing its peaks on the way: the decoded audio is
 * never held (memory stays bounded whatever the length). Rejects with AudioError.
 */
export async function checkDecodedStream(stream: AudioDecodeStream): Promise<AudioFileCheck> {
  const info = await stream.info()
  const peaks = new PeaksBuilder(info.channels, undefined, info.expectedFrames)
  let frames = 0
  for await (const chunk of stream.frames()) {
    peaks.push(chunk)
    frames += chunk[0]?.length ?? 0
  }
  if (frames === 0) throw new AudioError('empty', 'the file holds no audio')
  const { format, sampleRate, channels } = info
  return { format, sampleRate, channels, frames, peaks: serializePeaks(peaks.finish()) }
}

/**
 * Checks a file decoded in segments on worker threads, which compute the peaks there: the decoded
 * audio never reaches this thread. The same result as checkDecodedStream of the same decode.
 */
export async function checkSegmented(segmented: Segmented): Promise<AudioFileCheck> {
  const { format, sampleRate, channels, expectedFrames } = segmented.info
  checkLength(expectedFrames ?? 0, sampleRate)
  const peaks = (await segmented.peaks()).finish()
  checkLength(peaks.frames, sampleRate)
  if (peaks.frames === 0) throw new AudioError('empty', 'the file holds no audio')
  return { format, sampleRate, channels, frames: peaks.frames, peaks: serializePeaks(peaks) }
}

/**
 * The worker task of a compressed file's import when it decodes in one pass: the decode, whose
 * work grows with the file's length, stays off the main thread. The decoder's WebAssembly memory
 * goes with the stream (freed at its end).
 */
export async function checkAudioFile(input: { path: string }): Promise<TaskAnswer<AudioFileCheck>> {
  // Peaks are all it keeps of the audio: the decoder may reuse its chunks.
  const checked = await checkDecodedStream(decodeAudioFile(input.path, { borrowed: true }))
  return { value: checked, transfer: [checked.peaks.buffer as ArrayBuffer] }
}

/** Decodes a compressed file in one pass to check it and compute its peaks (an import). */
export interface CheckAudioFileTask {
  'assets-check-audio-file': { input: { path: string }; output: AudioFileCheck }
}
