import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { PcmScanner, type PcmContainer } from '../audio/pcm-scan'
import { serializePeaks } from '../audio/peaks'
import type { TaskAnswer } from '../workers/tasks'

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

/**
 * Checks a WAV/AIFF file and computes its peaks (a worker task: it reads the file itself, while
 * the importing thread hashes and stores it). Rejects with AudioError or the file system's error.
 */
export function scanPcmFile(input: PcmScanFileInput): Promise<TaskAnswer<PcmScanFileOutput>> {
  try {
    const value = scan(input)
    return Promise.resolve({ value, transfer: [value.peaks.buffer as ArrayBuffer] })
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

function scan({ path, container }: PcmScanFileInput): PcmScanFileOutput {
  const fd = openSync(path, 'r')
  try {
    const scanner = new PcmScanner(container, fstatSync(fd).size)
    // One buffer, reused: the scanner keeps no view of what it is given.
    const buffer = new Uint8Array(READ_BYTES)
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null)
      if (n === 0) break
      scanner.push(buffer.subarray(0, n))
    }
    const { sampleRate, channels, frames, peaks } = scanner.end()
    return { sampleRate, channels, frames, peaks: serializePeaks(peaks) }
  } finally {
    closeSync(fd)
  }
}
