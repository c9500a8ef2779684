import { randomBytes } from 'node:crypto'
import { access, constants, realpath, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  TRUE_PEAK_CEILING_DB,
  type ExportBitDepth,
  type ExportResult,
  type MixProtection,
  type MixReport,
  type ProjectDetail,
} from '../../../shared/domain'
import { AppError } from '../app-error'
import type { AssetRecord } from '../store/assets'
import type { DecodeTasks } from '../audio/segmented-decode'
import type { TaskRunner } from '../workers/types'
import { describeAssetSource, type SourceSpec } from './asset-source'
import { AudioFileWriter, WAV_FORMATS } from './audio-file-writer'
import { BackgroundFlush } from './background-flush'
import { checkDestinations, createNewFile, oneAtATime, placeFile } from './exclusive-files'
import { mixFileName, sidecarFileName, stemFileName, tempFileName } from './file-names'
import { layOutStems, type StemPlan } from './render-plan'
import type { FlacFileTask } from './flac-file-task'
import { renderFlacFiles } from './flac-files'
import { mixPasses, renderMixFile } from './mix-file'
import type { MixTask } from './mix-task'
import type { WavRangeTask } from './wav-range-task'
import { renderWavRanges } from './wav-ranges'

export interface StemsRequest {
  project: ProjectDetail
  assets: ReadonlyMap<string, AssetRecord & { path: string }>
  takes: ReadonlyMap<string, TakeSummary>
  directory: string
  format: 'wav' | 'flac'
  bitDepth: ExportBitDepth
  sampleRate: 44100 | 48000
  includeMix: boolean
  /** How the mix is kept under the true-peak ceiling (stems are never touched). */
  protection: MixProtection
  overwrite: boolean
  /** A single-clip export: one file with this name, no sidecar. */
  singleFileName?: string
  onProgress: (done: number, total: number) => void
  now: number
  /** Runs the rendering (worker threads in the app). */
  tasks: TaskRunner<StemsTasks>
  /** Cancels the export: it stops, removes what it wrote and fails with the signal's reason. */
  signal?: AbortSignal
}

/** The tasks an export runs: decoding its compressed assets, rendering WAV ranges or FLAC files. */
export type StemsTasks = DecodeTasks & WavRangeTask & FlacFileTask & MixTask

/** What a sidecar and a WAV comment say about the take behind a clip's audio. */
export interface TakeSummary {
  provider: string
  seed: number | null
  params: unknown
}

/**
 * Renders every audible, non-empty track from 0 to the project's end (all stems the same length)
 * and optionally the mix, plus a JSON sidecar. Files are written under temporary names and only
 * put in place when all of them rendered; on any error nothing is left behind.
 */
export function exportStems(request: StemsRequest): Promise<ExportResult> {
  // Folders are checked in the order exports were asked for, so that two exports into one folder
  // also run in that order: the later one's files are the ones left in place.
  const folder = arrivals.then(async () => {
    await checkDirectory(request.directory)
    return realpath(request.directory).catch(() => request.directory)
  })
  arrivals = folder.catch(() => undefined)
  return folder.then((resolved) => oneAtATime(resolved, () => exportInto(request)))
}

let arrivals: Promise<unknown> = Promise.resolve()

async function exportInto(request: StemsRequest): Promise<ExportResult> {
  const { project, directory, format, bitDepth, sampleRate } = request
  if (format === 'flac' && bitDepth === 32) {
    throw new AppError(
      'invalid_input',
      'FLAC export is 16 or 24-bit; choose WAV for 32-bit float',
      'bitDepth',
    )
  }

  const writers: AudioFileWriter[] = []
  const sidecarTemp = join(
    directory,
    tempFileName(sidecarFileName(project.name), randomBytes(4).toString('hex')),
  )
  try {
    for (const track of project.tracks) {
      for (const clip of track.clips) {
        if (!request.assets.has(clip.assetId))
          throw new AppError('not_found', `the audio of a clip on “${track.name}” is missing`)
      }
    }
    const layout = layOutStems(project, sampleRate)
    const { frames } = layout
    if (frames === 0) {
      throw new AppError('invalid_input', 'nothing to export: no audible track has clips')
    }
    const sources: SourceSpec[] = []
    for (const assetId of layout.assetIds) {
      const asset = request.assets.get(assetId)!
      sources.push(await describeAssetSource(asset.path, asset.format, request.tasks))
      request.signal?.throwIfAborted()
    }
    const plan: StemPlan = { sampleRate, sources, stems: layout.stems }

    const ext = format
    const stems = layout.trackIndexes.map((i) => {
      const track = project.tracks[i]!
      const writer = new AudioFileWriter({
        path: join(
          directory,
          request.singleFileName ?? stemFileName(project.name, i + 1, track.name, ext),
        ),
        format,
        bitDepth,
        sampleRate,
        channels: 2,
        frames,
        tags: wavTags(project.name, track.name, track.clips, request),
      })
      writers.push(writer)
      return { index: i, writer }
    })
    const mixWriter = request.includeMix
      ? new AudioFileWriter({
          path: join(directory, mixFileName(project.name, ext)),
          format,
          bitDepth,
          sampleRate,
          channels: 2,
          frames,
          tags: { INAM: `${project.name} (mix)`, ISFT: 'MusicSketch' },
        })
      : null
    if (mixWriter) writers.push(mixWriter)
    const sidecar = request.singleFileName ? null : join(directory, sidecarFileName(project.name))

    await checkDestinations(
      [...writers.map((w) => w.spec.path), ...(sidecar ? [sidecar] : [])],
      request.overwrite,
    )
    for (const writer of writers) await writer.open()

    const stemWriters = stems.map((stem) => stem.writer)
    const mix = await renderAll(request, plan, stemWriters, mixWriter, frames)

    if (sidecar) {
      const description = describeExport(request, frames, stems, mixWriter, mix)
      const file = await createNewFile(sidecarTemp)
      try {
        await file.writeFile(JSON.stringify(description, null, 2))
      } finally {
        await file.close()
      }
    }
    // The files' data reach the disk together rather than one after another.
    await Promise.all(writers.map((writer) => writer.finish()))
    // The last moment to cancel: then the files go into place.
    request.signal?.throwIfAborted()
    for (const writer of writers) await writer.publish(request.overwrite)
    if (sidecar) {
      await placeFile(sidecarTemp, sidecar, request.overwrite)
      await rm(sidecarTemp, { force: true })
    }

    return {
      directory,
      files: [
        ...writers.map((w) => w.spec.path.slice(directory.length + 1)),
        ...(sidecar ? [sidecarFileName(project.name)] : []),
      ],
      frames,
      sampleRate,
      mix,
    }
  } catch (error) {
    await Promise.all(writers.map((writer) => writer.discard()))
    await rm(sidecarTemp, { force: true })
    throw exportError(error)
  }
}

/**
 * Renders the stems and the mix side by side on the task runner: the stems as before (WAV in
 * parallel ranges, FLAC a file per task), the mix in one ordered stream through the master bus
 * (mix-file.ts), so that a limiter sees it in order. Progress counts both. On a failure of
 * either, the other is stopped and waited for, then the failure is thrown.
 */
async function renderAll(
  request: StemsRequest,
  plan: StemPlan,
  stems: AudioFileWriter[],
  mixWriter: AudioFileWriter | null,
  frames: number,
): Promise<MixReport | null> {
  const controller = new AbortController()
  const stop = (): void => controller.abort(request.signal?.reason)
  if (request.signal?.aborted) stop()
  request.signal?.addEventListener('abort', stop, { once: true })
  const stemTotal = request.format === 'wav' ? frames : frames * stems.length
  const mixTotal = mixWriter ? frames * mixPasses(request.protection) : 0
  let stemDone = 0
  let mixDone = 0
  const report = (): void => request.onProgress(stemDone + mixDone, stemTotal + mixTotal)
  const inner: StemsRequest = {
    ...request,
    signal: controller.signal,
    onProgress: (done) => {
      stemDone = done
      report()
    },
  }
  const work = [
    (request.format === 'wav'
      ? renderWav(inner, plan, stems, frames)
      : renderFlac(inner, plan, stems, frames)
    ).then(() => null),
    mixWriter
      ? renderMixFile(
          request.tasks,
          {
            plan,
            frames,
            masterGainDb: request.project.masterGainDb,
            protection: request.protection,
            output:
              request.format === 'wav'
                ? {
                    kind: 'wav',
                    format: WAV_FORMATS[request.bitDepth],
                    path: mixWriter.tempPath,
                    dataOffset: mixWriter.dataOffset,
                  }
                : {
                    kind: 'flac',
                    bitsPerSample: request.bitDepth === 16 ? 16 : 24,
                    path: mixWriter.tempPath,
                    dataOffset: mixWriter.dataOffset,
                  },
          },
          (done) => {
            mixDone = done
            report()
          },
          controller.signal,
        )
      : Promise.resolve(null),
  ].map((promise) =>
    promise.catch((error: unknown) => {
      controller.abort(error)
      throw error
    }),
  )
  try {
    const settled = await Promise.allSettled(work)
    if (settled.some((outcome) => outcome.status === 'rejected')) {
      throw firstFailure(settled, request.signal)
    }
    const mix = settled[1] as PromiseFulfilledResult<MixReport | null>
    return mix.value
  } finally {
    request.signal?.removeEventListener('abort', stop)
  }
}

/** The export's own cancel reason, else the first failure among the settled parts. */
function firstFailure(settled: PromiseSettledResult<unknown>[], signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason
  return settled.find((outcome) => outcome.status === 'rejected')?.reason
}

/**
 * Renders the stems of a WAV export on the task runner (worker threads), which writes the samples
 * straight into the temporary files; samples that went through the page cache are meanwhile
 * flushed towards the disk.
 */
async function renderWav(
  request: StemsRequest,
  plan: StemPlan,
  writers: AudioFileWriter[],
  frames: number,
): Promise<void> {
  const flush = new BackgroundFlush(writers)
  const job = {
    plan,
    format: WAV_FORMATS[request.bitDepth],
    files: writers.map((w) => ({ path: w.tempPath, dataOffset: w.dataOffset })),
    withMix: false,
  }
  try {
    await renderWavRanges(
      request.tasks,
      job,
      frames,
      (done, total, range) => {
        request.onProgress(done, total)
        // Samples written straight to the disk leave nothing for a background flush to do.
        if (!range.direct) flush.poke()
      },
      request.signal,
    )
  } catch (error) {
    await flush.settle().catch(() => undefined)
    throw error
  }
  await flush.settle()
}

/** Renders the stems of a FLAC export on the task runner, one file per task (flac-files.ts). */
async function renderFlac(
  request: StemsRequest,
  plan: StemPlan,
  writers: AudioFileWriter[],
  frames: number,
): Promise<void> {
  const job = { plan, bitsPerSample: request.bitDepth === 16 ? 16 : 24, frames } as const
  const files = writers.map((w) => ({ path: w.tempPath, dataOffset: w.dataOffset }))
  await renderFlacFiles(request.tasks, job, files, false, request.onProgress, request.signal)
}

async function checkDirectory(directory: string): Promise<void> {
  try {
    if (!(await stat(directory)).isDirectory()) {
      throw new AppError('invalid_input', `${directory} is not a folder`, 'directory')
    }
    await access(directory, constants.W_OK)
  } catch (error) {
    if (error instanceof AppError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new AppError('not_found', `the folder ${directory} does not exist`, 'directory')
    throw new AppError(
      'invalid_input',
      `cannot write into ${directory}: permission denied`,
      'directory',
    )
  }
}

function exportError(error: unknown): AppError {
  if (error instanceof AppError) return error
  const code = (error as NodeJS.ErrnoException | null)?.code
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('internal', 'the disk is full: nothing was exported')
    case 'EFBIG':
      return new AppError(
        'internal',
        'a file grew larger than this disk or account allows: nothing was exported',
      )
    case 'ENOENT':
      return new AppError(
        'not_found',
        'the export folder disappeared while writing: nothing was exported',
      )
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new AppError(
        'invalid_input',
        'no permission to write into the export folder: nothing was exported',
      )
    case 'EEXIST':
      return new AppError(
        'conflict',
        'a file with the same name appeared while exporting: it was left as it is',
      )
    default:
      return new AppError(
        'internal',
        `export failed: ${error instanceof Error ? error.message : String(error)}`,
      )
  }
}

function wavTags(
  projectName: string,
  trackName: string,
  clips: ProjectDetail['tracks'][number]['clips'],
  request: StemsRequest,
): Record<string, string> {
  const lines = clips.map((clip) => {
    const asset = request.assets.get(clip.assetId)
    const take = request.takes.get(clip.assetId)
    const at = (clip.start / request.project.sampleRate).toFixed(3)
    return take
      ? `${at}s ${take.provider} seed=${take.seed ?? '?'} ${JSON.stringify(take.params)}`
      : `${at}s ${asset?.name ?? clip.assetId}`
  })
  return {
    INAM: trackName,
    IPRD: projectName,
    ISFT: 'MusicSketch',
    ICMT: lines.join('\n').slice(0, 30_000),
  }
}

function describeExport(
  request: StemsRequest,
  frames: number,
  stems: { index: number; writer: AudioFileWriter }[],
  mix: AudioFileWriter | null,
  master: MixReport | null,
) {
  const { project } = request
  const fileOf = (index: number) =>
    stems
      .find((stem) => stem.index === index)
      ?.writer.spec.path.slice(request.directory.length + 1) ?? null
  return {
    generator: 'MusicSketch',
    exportedAt: new Date(request.now).toISOString(),
    project: {
      id: project.id,
      name: project.name,
      sampleRate: project.sampleRate,
      tempoBpm: project.tempoBpm,
    },
    format: request.format,
    bitDepth: request.bitDepth,
    sampleRate: request.sampleRate,
    frames,
    seconds: frames / request.sampleRate,
    mix: mix ? mix.spec.path.slice(request.directory.length + 1) : null,
    master: master && { ...master, ceilingDb: TRUE_PEAK_CEILING_DB },
    tracks: project.tracks.map((track, index) => ({
      name: track.name,
      file: fileOf(index),
      gainDb: track.gainDb,
      mute: track.mute,
      solo: track.solo,
      clips: track.clips.map((clip) => {
        const asset = request.assets.get(clip.assetId)
        return {
          id: clip.id,
          startSeconds: clip.start / project.sampleRate,
          start: clip.start,
          offset: clip.offset,
          length: clip.length,
          gainDb: clip.gainDb,
          fadeIn: clip.fadeIn,
          fadeOut: clip.fadeOut,
          asset: asset && {
            name: asset.name,
            format: asset.format,
            sampleRate: asset.sampleRate,
            channels: asset.channels,
            sha256: asset.sha256,
            origin: asset.origin,
          },
          take: request.takes.get(clip.assetId) ?? null,
        }
      }),
    })),
  }
}
