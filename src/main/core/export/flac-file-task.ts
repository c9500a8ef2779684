import { closeSync, constants, openSync } from 'node:fs'
import { FLAC_STREAMINFO_OFFSET, FlacEncoder } from '../audio/formats/flac'
import { writeAt } from '../direct-io/direct-file'
import type { TaskAnswer } from '../workers/types'
import { SequentialWriter } from './sequential-writer'
import { BufferPool } from './buffer-pool'
import { isCanceled, reportChunks } from './task-signals'
import { openStemPlan, type StemPlan } from './render-plan'
import { StemChunkRenderer } from './stem-chunks'

/** Frames rendered and encoded at a time (the unit of the progress a task reports). */
export const FLAC_CHUNK_FRAMES = 1 << 12

/** This thread's read buffers, reused from file to file. */
const pool = new BufferPool()

/** One FLAC file of a stems export, for a worker thread: a stem, or the mix of all of them. */
export interface FlacFileInput {
  plan: StemPlan
  /** The index in plan.stems of the stem to encode, or null for the mix. */
  stem: number | null
  bitsPerSample: 16 | 24
  /** The temporary file, which holds the FLAC header already (its first dataOffset bytes). */
  path: string
  dataOffset: number
  frames: number
  /** Shared with the export (task-signals.ts): the task stops between chunks once it is
   * canceled, and counts its chunks at `slot`. */
  signals?: { words: Int32Array; slot: number }
}

/**
 * Renders and encodes a whole FLAC file of an export: a FLAC stream is one sequence (frame
 * numbers, the MD5 of all samples), so a file is one task, and the files of an export run in
 * parallel. Writes the frames after the header, then the final STREAMINFO over the provisional
 * one; the caller fsyncs. Answers the file's size.
 */
export function renderFlacFile(input: FlacFileInput): Promise<TaskAnswer<{ bytes: number }>> {
  const { plan, stem, bitsPerSample, path, dataOffset, frames } = input
  if (stem !== null && (stem < 0 || stem >= plan.stems.length)) {
    throw new RangeError(`the plan has no stem ${stem}`)
  }
  const { tracks, close } = openStemPlan(plan, pool)
  // The temporary file this export created: a link put in its place is not followed.
  const fd = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW)
  try {
    const encoder = new FlacEncoder({ sampleRate: plan.sampleRate, channels: 2, bitsPerSample })
    // The mix needs every stem; a stem only its own track.
    const rendered = stem === null ? tracks : [tracks[stem]!]
    const renderer = new StemChunkRenderer(
      plan.sampleRate,
      rendered,
      FLAC_CHUNK_FRAMES,
      stem === null,
      {
        simd: true,
      },
    )
    const wanted = stem === null ? rendered.length : 0
    const output = new SequentialWriter(fd, dataOffset)
    try {
      const { words, slot = 0 } = input.signals ?? {}
      for (let from = 0, chunks = 1; from < frames; from += FLAC_CHUNK_FRAMES, chunks++) {
        // The caller reports the cancellation with its own reason.
        if (isCanceled(words)) throw new Error('the export was canceled')
        const to = Math.min(frames, from + FLAC_CHUNK_FRAMES)
        renderer.render(from, to, (k, audio) => {
          if (k !== wanted) return
          const n = to - from
          output.write(encoder.encode([audio[0].subarray(0, n), audio[1].subarray(0, n)]))
        })
        reportChunks(words, slot, chunks)
      }
    } finally {
      renderer.close()
    }
    const { frames: last, streamInfo } = encoder.finish()
    output.write(last)
    const end = output.flush()
    writeAt(fd, streamInfo, FLAC_STREAMINFO_OFFSET)
    return Promise.resolve({ value: { bytes: end } })
  } finally {
    closeSync(fd)
    close()
  }
}
/** Renders and encodes one FLAC file of a stems export (for flac-files.ts). */
export interface FlacFileTask {
  'export-flac-file': { input: FlacFileInput; output: { bytes: number } }
}
