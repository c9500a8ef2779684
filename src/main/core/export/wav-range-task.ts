import { closeSync, openSync, writeSync } from 'node:fs'
import { encodeWavFramesInto, wavBytesPerSample, type WavSampleFormat } from '../audio/wav-encode'
import type { TaskAnswer } from '../workers/tasks'
import { BufferPool } from './buffer-pool'
import { openStemPlan, type StemPlan } from './render-plan'
import { StemChunkRenderer } from './stem-chunks'

/** Frames rendered at a time: few enough for a stem, the mix and their source to stay in cache. */
const CHUNK_FRAMES = 1 << 12
/** Frames encoded into each file's buffer before it is written (one system call per file). */
const WRITE_FRAMES = 1 << 16

/** This thread's buffers, reused from range to range. */
const pool = new BufferPool()

/** One range of a WAV export, for a worker thread: it writes into the files the caller made. */
export interface WavRangeInput {
  plan: StemPlan
  format: WavSampleFormat
  /** The temporary file of each stem and then of the mix (when withMix), with its data offset. */
  files: { path: string; dataOffset: number }[]
  withMix: boolean
  from: number
  to: number
}

/**
 * Renders frames [from, to) of every stem (and the mix) and writes them at their place in the
 * stereo WAV files, which already exist (headers written by the caller).
 */
export function renderWavRange(input: WavRangeInput): Promise<TaskAnswer<{ frames: number }>> {
  const { plan, format, files, withMix, from, to } = input
  if (files.length !== plan.stems.length + (withMix ? 1 : 0)) {
    throw new RangeError('a WAV range needs one file per stem, and one for the mix')
  }
  const frameBytes = 2 * wavBytesPerSample(format)
  const { tracks, close } = openStemPlan(plan, pool)
  const fds: number[] = []
  const blocks = files.map(() => new Uint8Array(pool.take(WRITE_FRAMES * frameBytes)))
  try {
    for (const file of files) fds.push(openSync(file.path, 'r+'))
    const renderer = new StemChunkRenderer(plan.sampleRate, tracks, CHUNK_FRAMES, withMix, {
      simd: true,
    })
    try {
      renderRange(renderer, format, blocks, fds, files, from, to)
    } finally {
      renderer.close()
    }
  } finally {
    for (const fd of fds) closeSync(fd)
    for (const block of blocks) pool.give(block.buffer)
    close()
  }
  return Promise.resolve({ value: { frames: to - from } })
}

function renderRange(
  renderer: StemChunkRenderer,
  format: WavSampleFormat,
  blocks: Uint8Array[],
  fds: number[],
  files: WavRangeInput['files'],
  from: number,
  to: number,
): void {
  const frameBytes = 2 * wavBytesPerSample(format)
  for (let block = from; block < to; block += WRITE_FRAMES) {
    const blockEnd = Math.min(to, block + WRITE_FRAMES)
    for (let at = block; at < blockEnd; at += CHUNK_FRAMES) {
      const end = Math.min(blockEnd, at + CHUNK_FRAMES)
      const offset = (at - block) * frameBytes
      renderer.render(at, end, (k, audio) => {
        encodeWavFramesInto(format, audio, 0, end - at, blocks[k]!, offset)
      })
    }
    const length = (blockEnd - block) * frameBytes
    files.forEach((file, k) =>
      writeAll(fds[k]!, blocks[k]!, length, file.dataOffset + block * frameBytes),
    )
  }
}

function writeAll(fd: number, bytes: Uint8Array, length: number, position: number): void {
  for (let done = 0; done < length;) {
    done += writeSync(fd, bytes, done, length - done, position + done)
  }
}
