import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { PcmScanner, type PcmContainer } from '../audio/formats/pcm'
import { serializePeaks } from '../audio/dsp'
import type { TaskAnswer } from '../workers/types'

export interface PcmScanFileInput {
  path: string
  container: PcmContainer
}

export interface PcmScanFileOutput {
  sampleRate: number
  channels: number
  frames: number
  /** serializePeaks' layout. */
  peaks: Uint8Array
}

/** Read size: the peaks loop then works on bytes still in the CPU cache. */
const READ_BYTES = 1 << 20

/** The bytes of a WAV/AIFF file already in memory, shared with the worker (no copy). */
export interface PcmScanBytesInput {
  bytes: Uint8Array
  container: PcmContainer
}

/**
 * Checks a WAV/AIFF file and computes its peaks (a worker task: it reads the file itself, while
 * the importing thread hashes and stores it). Rejects with AudioError or the file system's error.
 */
export function scanPcmFile(input: PcmScanFileInput): Promise<TaskAnswer<PcmScanFileOutput>> {
  return answer(() => {
    const fd = openSync(input.path, 'r')
    try {
      const scanner = new PcmScanner(input.container, fstatSync(fd).size)
      // One buffer, reused: the scanner keeps no view of what it is given.
      const buffer = new Uint8Array(READ_BYTES)
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, null)
        if (n === 0) break
        scanner.push(buffer.subarray(0, n))
      }
      return scanner
    } finally {
      closeSync(fd)
    }
  })
}

/** scanPcmFile for bytes in shared memory (an import of bytes, while they are being stored). */
export function scanPcmBytes(input: PcmScanBytesInput): Promise<TaskAnswer<PcmScanFileOutput>> {
  return answer(() => {
    const { bytes, container } = input
    const scanner = new PcmScanner(container, bytes.length)
    for (let at = 0; at < bytes.length; at += READ_BYTES) {
      scanner.push(bytes.subarray(at, at + READ_BYTES))
    }
    return scanner
  })
}

/** The scan's result (peaks moved, not copied, to the caller), or its error as a rejection. */
function answer(scan: () => PcmScanner): Promise<TaskAnswer<PcmScanFileOutput>> {
  try {
    const { sampleRate, channels, frames, peaks } = scan().end()
    const value = { sampleRate, channels, frames, peaks: serializePeaks(peaks) }
    return Promise.resolve({ value, transfer: [value.peaks.buffer as ArrayBuffer] })
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

export interface PcmScanTasks {
  /** Checks a WAV/AIFF file and computes its peaks, for an import. */
  'assets-scan-pcm-file': { input: PcmScanFileInput; output: PcmScanFileOutput }
  /** The same for bytes in shared memory (an import of bytes). */
  'assets-scan-pcm-bytes': { input: PcmScanBytesInput; output: PcmScanFileOutput }
}
