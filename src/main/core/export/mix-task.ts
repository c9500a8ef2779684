import { closeSync, constants, openSync } from 'node:fs'
import type { MixProtection } from '../../../shared/domain'
import { FLAC_STREAMINFO_OFFSET, FlacEncoder } from '../audio/formats/flac'
import { LoudnessMeter } from '../audio/dsp'
import { encodeWavFramesInto, wavBytesPerSample, type WavSampleFormat } from '../audio/formats/wav'
import { writeAt } from '../direct-io/direct-file'
import { TruePeakLimiter } from '../master/limiter'
import { OversFinder, type OversFound } from '../master/overs'
import type { TaskAnswer } from '../workers/types'
import { BufferPool } from './buffer-pool'
import { openStemPlan, type StemPlan } from './render-plan'
import { SequentialWriter } from './sequential-writer'
import { StemChunkRenderer } from './stem-chunks'
import { isCanceled, reportChunks } from './task-signals'

/** Frames rendered, processed and encoded at a time (the unit of the progress a task reports). */
export const MIX_CHUNK_FRAMES = 1 << 12

/** This thread's read buffers, reused from mix to mix. */
const pool = new BufferPool()

export type MixOutput =
  | { kind: 'wav'; format: WavSampleFormat; path: string; dataOffset: number }
  | { kind: 'flac'; bitsPerSample: 16 | 24; path: string; dataOffset: number }

/** One pass over an export's mix, for a worker thread. */
export interface MixInput {
  plan: StemPlan
  frames: number
  /** Linear gain on the sum of the stems: the master gain (and the headroom's reduction). */
  gain: number
  /** 'limiter' runs the true-peak limiter; the other two write the gained mix as it is. */
  protection: MixProtection
  /** The true-peak ceiling (linear): the limiter's, and the threshold of an over. */
  ceiling: number
  /** The file to write (its header already there), or null to only measure. */
  output: MixOutput | null
  /** Shared with the export (task-signals.ts): cancel, and chunks done at `slot`. */
  signals?: { words: Int32Array; slot: number }
}

export interface MixMeasure {
  /** True peak (linear, BS.1770-4) of what the pass produced. */
  truePeak: number
  integratedLufs: number
  /** The limiter's deepest gain (1 without a limiter, or when it never acted). */
  lowestGain: number
  overs: OversFound
}

/**
 * Renders the mix of an export in one ordered stream, through the master (gain, then the limiter
 * when asked), measures what comes out (true peak, loudness, overs) and writes it when an output
 * is given. One stream because a limiter carries its state from sample to sample: the stems'
 * ranges render in parallel beside it.
 */
export function renderMix(input: MixInput): Promise<TaskAnswer<MixMeasure>> {
  const { plan, frames, gain, protection, ceiling, output } = input
  const { tracks, close } = openStemPlan(plan, pool)
  const fd = output === null ? null : openSync(output.path, constants.O_RDWR | constants.O_NOFOLLOW)
  try {
    const sink = output === null || fd === null ? null : openSink(output, plan.sampleRate, fd)
    const limiter =
      protection === 'limiter' ? new TruePeakLimiter(plan.sampleRate, { ceiling }) : null
    // The overs finder measures the true peak of every sample: the meter need not again.
    const meter = new LoudnessMeter(plan.sampleRate, 2, false)
    const overs = new OversFinder(plan.sampleRate, ceiling)
    const buffer: [Float32Array, Float32Array] = [
      new Float32Array(MIX_CHUNK_FRAMES),
      new Float32Array(MIX_CHUNK_FRAMES),
    ]
    const emit = (from: number, n: number): void => {
      if (n <= 0) return
      const left = buffer[0].subarray(from, from + n)
      const right = buffer[1].subarray(from, from + n)
      meter.push([left, right])
      overs.push(left, right, n)
      sink?.write(buffer, from, n)
    }
    const renderer = new StemChunkRenderer(plan.sampleRate, tracks, MIX_CHUNK_FRAMES, true, {
      simd: true,
    })
    // The limiter's output lags by its latency: that many frames are dropped at the start and
    // flushed with silence at the end, so the file has exactly `frames` frames, in time.
    let skip = limiter?.latency ?? 0
    const { words, slot = 0 } = input.signals ?? {}
    try {
      for (let from = 0, chunks = 1; from < frames; from += MIX_CHUNK_FRAMES, chunks++) {
        if (isCanceled(words)) throw new Error('the export was canceled')
        const to = Math.min(frames, from + MIX_CHUNK_FRAMES)
        const n = to - from
        renderer.render(from, to, (k, audio) => {
          if (k !== tracks.length) return
          for (let c = 0; c < 2; c++) {
            const source = audio[c]!
            const target = buffer[c]!
            if (gain === 1) target.set(source.subarray(0, n))
            else for (let i = 0; i < n; i++) target[i] = source[i]! * gain
          }
        })
        if (limiter) {
          limiter.process(buffer[0], buffer[1], buffer[0], buffer[1], n)
          const dropped = Math.min(skip, n)
          skip -= dropped
          emit(dropped, n - dropped)
        } else {
          emit(0, n)
        }
        reportChunks(words, slot, chunks)
      }
    } finally {
      renderer.close()
    }
    if (limiter) {
      let tail = Math.min(limiter.latency, frames) - skip
      while (tail > 0) {
        const n = Math.min(tail, MIX_CHUNK_FRAMES)
        buffer[0].fill(0, 0, n)
        buffer[1].fill(0, 0, n)
        limiter.process(buffer[0], buffer[1], buffer[0], buffer[1], n)
        emit(0, n)
        tail -= n
      }
    }
    sink?.finish()
    const found = overs.result()
    return Promise.resolve({
      value: {
        truePeak: found.truePeak,
        integratedLufs: meter.integrated(),
        lowestGain: limiter?.lowestGain ?? 1,
        overs: found,
      },
    })
  } finally {
    if (fd !== null) closeSync(fd)
    close()
  }
}

interface Sink {
  write(audio: [Float32Array, Float32Array], from: number, n: number): void
  finish(): void
}

function openSink(output: MixOutput, sampleRate: number, fd: number): Sink {
  const writer = new SequentialWriter(fd, output.dataOffset)
  if (output.kind === 'wav') {
    const frameBytes = 2 * wavBytesPerSample(output.format)
    const bytes = new Uint8Array(MIX_CHUNK_FRAMES * frameBytes)
    return {
      write: (audio, from, n) => {
        const size = encodeWavFramesInto(output.format, audio, from, n, bytes, 0)
        writer.write(bytes.subarray(0, size))
      },
      finish: () => void writer.flush(),
    }
  }
  const encoder = new FlacEncoder({
    sampleRate,
    channels: 2,
    bitsPerSample: output.bitsPerSample,
  })
  return {
    write: (audio, from, n) =>
      writer.write(
        encoder.encode([audio[0].subarray(from, from + n), audio[1].subarray(from, from + n)]),
      ),
    finish: () => {
      const { frames, streamInfo } = encoder.finish()
      writer.write(frames)
      writer.flush()
      writeAt(fd, streamInfo, FLAC_STREAMINFO_OFFSET)
    },
  }
}

/** Renders an export's mix through the master bus, or only measures it (for mix-file.ts). */
export interface MixTask {
  'export-mix': { input: MixInput; output: MixMeasure }
}
