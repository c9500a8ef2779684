import { decodeAudioBytes, decodeAudioFile } from '../audio/decode'
import type { TaskAnswer } from '../workers/tasks'
import { decodedPeaks, type DecodedPeaks } from './decoded-peaks'

/** An M4A/AAC file to check: on disk, or its bytes (copied to the worker). */
export type M4aScanInput = { path: string } | { bytes: Uint8Array }

/**
 * Decodes an M4A/AAC file and computes its peaks (a worker task: the decode is one synchronous
 * WebAssembly pass that cannot be split exactly, so it runs whole on a worker while the importing
 * thread hashes and stores the file). Rejects with AudioError or the file system's error.
 */
export async function scanM4a(input: M4aScanInput): Promise<TaskAnswer<DecodedPeaks>> {
  const stream = 'path' in input ? decodeAudioFile(input.path) : decodeAudioBytes(input.bytes)
  const value = await decodedPeaks(stream)
  return { value, transfer: [value.peaks.buffer as ArrayBuffer] }
}
