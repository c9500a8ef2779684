import { TRUE_PEAK_CEILING_DB, type MixProtection, type MixReport } from '../../../shared/domain'
import { dbToGain } from '../audio/dsp'
import { MARGIN } from '../master/limiter'
import type { TaskRunner } from '../workers/types'
import {
  MIX_CHUNK_FRAMES,
  type MixInput,
  type MixMeasure,
  type MixOutput,
  type MixTask,
} from './mix-task'
import type { StemPlan } from './render-plan'
import { TaskSignals } from './task-signals'

/** How often the progress of a running pass is looked at. */
const PROGRESS_MS = 100

export interface MixJob {
  plan: StemPlan
  frames: number
  masterGainDb: number
  protection: MixProtection
  output: MixOutput
}

/** The number of passes over the mix a protection takes (headroom measures first). */
export function mixPasses(protection: MixProtection): number {
  return protection === 'headroom' ? 2 : 1
}

/**
 * Renders an export's mix through the master bus on the task runner and reports what it did.
 * Automatic headroom measures the mix's true peak in a first pass, then writes it turned down by
 * what brings that peak to the ceiling (never up); the limiter and "none" take one pass.
 * `onProgress` gets the frames done out of frames × passes.
 */
export async function renderMixFile(
  tasks: TaskRunner<MixTask>,
  job: MixJob,
  onProgress: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<MixReport> {
  const ceiling = dbToGain(TRUE_PEAK_CEILING_DB)
  const masterGain = dbToGain(job.masterGainDb)
  const passes = mixPasses(job.protection)
  const total = job.frames * passes
  const base = { plan: job.plan, frames: job.frames, ceiling }
  let headroom = 1
  if (job.protection === 'headroom') {
    const measured = await pass(
      tasks,
      { ...base, gain: masterGain, protection: 'none', output: null },
      (done) => onProgress(done, total),
      signal,
    )
    const target = ceiling * MARGIN
    if (measured.truePeak > target) headroom = target / measured.truePeak
  }
  const written = await pass(
    tasks,
    { ...base, gain: masterGain * headroom, protection: job.protection, output: job.output },
    (done) => onProgress(done + job.frames * (passes - 1), total),
    signal,
  )
  const gainDb = (gain: number): number => (gain >= 1 ? 0 : 20 * Math.log10(gain))
  const { overs } = written
  return {
    protection: job.protection,
    masterGainDb: job.masterGainDb,
    truePeakDb: 20 * Math.log10(written.truePeak),
    integratedLufs: written.integratedLufs,
    reductionDb: gainDb(job.protection === 'limiter' ? written.lowestGain : headroom),
    overs: {
      count: overs.count,
      loudestDb: overs.count > 0 ? 20 * Math.log10(overs.loudest) : null,
      first: overs.first.map((over) => ({
        seconds: over.frame / job.plan.sampleRate,
        endSeconds: over.end / job.plan.sampleRate,
        truePeakDb: 20 * Math.log10(over.peak),
      })),
    },
  }
}

async function pass(
  tasks: TaskRunner<MixTask>,
  input: Omit<MixInput, 'signals'>,
  onProgress: (done: number) => void,
  signal?: AbortSignal,
): Promise<MixMeasure> {
  signal?.throwIfAborted()
  const shared = new TaskSignals(1, signal)
  let reported = 0
  const report = (): void => {
    const done = Math.min(input.frames, shared.chunks(0) * MIX_CHUNK_FRAMES)
    if (done > reported) onProgress((reported = done))
  }
  const timer = setInterval(report, PROGRESS_MS)
  try {
    const measure = await tasks.run('export-mix', {
      ...input,
      signals: { words: shared.words, slot: 0 },
    })
    report()
    return measure
  } catch (error) {
    throw signal?.aborted ? signal.reason : error
  } finally {
    clearInterval(timer)
    shared.dispose()
  }
}
