import { encodeWavFramesInto, wavBytesPerSample, type WavSampleFormat } from '../audio/formats/wav'
import type { TaskAnswer } from '../workers/types'
import { AlignedBlocks } from '../direct-io/aligned-memory'
import { BufferPool } from './buffer-pool'
import { DirectFile } from '../direct-io/direct-file'
import { openStemPlan, type StemPlan } from './render-plan'
import { StemChunkRenderer } from './stem-chunks'

/** Frames rendered at a time: few enough for a stem, the mix and their source to stay in cache. */
const CHUNK_FRAMES = 1 << 12
/** Frames encoded into each file's buffer before it is written (one system call per file). */
const WRITE_FRAMES = 1 << 16

/** This thread's buffers, reused from range to range. */
const pool = new BufferPool()
const writeBlocks = new AlignedBlocks()

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
export function renderWavRange(
  input: WavRangeInput,
): Promise<TaskAnswer<{ frames: number; direct: boolean }>> {
  const { plan, format, files, withMix, from, to } = input
  if (files.length !== plan.stems.length + (withMix ? 1 : 0)) {
    throw new RangeError('a WAV range needs one file per stem, and one for the mix')
  }
  const frameBytes = 2 * wavBytesPerSample(format)
  const { tracks, close } = openStemPlan(plan, pool)
  const outputs: DirectFile[] = []
  const blocks = writeBlocks.take(files.length, WRITE_FRAMES * frameBytes)
  try {
    for (const file of files) outputs.push(DirectFile.open(file.path))
    const renderer = new StemChunkRenderer(plan.sampleRate, tracks, CHUNK_FRAMES, withMix, {
      simd: true,
    })
    try {
      renderRange(renderer, format, blocks, outputs, files, from, to)
    } finally {
      renderer.close()
    }
  } finally {
    for (const output of outputs) output.close()
    close()
  }
  const direct = outputs.every((output) => output.wroteDirect)
  return Promise.resolve({ value: { frames: to - from, direct } })
}

function renderRange(
  renderer: StemChunkRenderer,
  format: WavSampleFormat,
  blocks: Uint8Array[],
  outputs: DirectFile[],
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
      outputs[k]!.write(blocks[k]!, length, file.dataOffset + block * frameBytes),
    )
  }
}

/** Renders a range of a WAV stems export into its temporary files (for wav-ranges.ts). */
export interface WavRangeTask {
  'export-wav-range': { input: WavRangeInput; output: { frames: number; direct: boolean } }
}
