import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ExportBitDepth, ProjectDetail } from '../../../src/shared/domain'
import { decodeAudioFile } from '../../../src/main/core/audio/decode'
import type { PcmAudio } from '../../../src/main/core/audio/dsp/pcm'
import { audibleTracks, projectEnd } from '../../../src/main/core/audio/dsp/render'
import { parseWavHeader } from '../../../src/main/core/audio/formats/wav/decode'
import type { WavSampleFormat } from '../../../src/main/core/audio/formats/wav/encode'
import { clipAtRate } from '../../../src/main/core/export/render-plan'
import { exportStems, type StemsRequest } from '../../../src/main/core/export/stems'
import { InlineRunner } from '../../../src/main/core/workers/task-runner'
import type { TaskRunner } from '../../../src/main/core/workers/types'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import { workerScript } from '../../helpers/worker-script'
import { makeTempDir } from '../../helpers/audio'
import { decodedSources, mixedProject, writeSources } from './project-fixture'
import { referenceStemData } from './reference-render'
import { coreTaskHandlers, type CoreTasks } from '../../../src/main/core/task-table'

const tmp = makeTempDir('stems-equality')
const assets = writeSources(tmp.dir)
const pool = new WorkerPool<CoreTasks>(workerScript(), 2)
afterAll(async () => {
  await pool.close()
  tmp.cleanup()
})

/** The stems (and the mix, last) the old export wrote, as sample data bytes. */
function referenceExport(
  detail: ProjectDetail,
  decoded: Map<string, PcmAudio>,
  outRate: number,
  format: WavSampleFormat,
) {
  const tracks = detail.tracks.map((track) => ({
    gainDb: track.gainDb,
    mute: track.mute,
    solo: track.solo,
    clips: track.clips.map((c) => ({
      ...clipAtRate(c, detail.sampleRate, outRate),
      source: decoded.get(c.assetId)!,
    })),
  }))
  const audible = audibleTracks(tracks)
  const frames = projectEnd(tracks.filter((_, i) => audible[i]))
  const stems = tracks.filter((t, i) => audible[i] && t.clips.length > 0)
  return { frames, data: referenceStemData(outRate, stems, frames, format) }
}

const WAV_FORMAT: Record<ExportBitDepth, WavSampleFormat> = {
  16: 'int16',
  24: 'int24',
  32: 'float32',
}

let exportDir = 0
async function exportProject(
  detail: ProjectDetail,
  tasks: TaskRunner<CoreTasks>,
  options: Pick<StemsRequest, 'format' | 'bitDepth' | 'sampleRate'>,
) {
  const directory = join(tmp.dir, `out-${++exportDir}`)
  mkdirSync(directory)
  const progress: { done: number; total: number }[] = []
  const result = await exportStems({
    project: detail,
    assets,
    takes: new Map(),
    directory,
    includeMix: true,
    protection: 'none',
    overwrite: false,
    onProgress: (done, total) => progress.push({ done, total }),
    now: 0,
    tasks,
    ...options,
  })
  return { result, directory, progress }
}

/** The index of the first element that differs (or a length mismatch), -1 when equal. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i
  return -1
}

/** The 24-bit samples of little-endian stereo data, one Int32Array per channel. */
function int24Stereo(data: Uint8Array): Int32Array[] {
  const frames = data.length / 6
  const out = [new Int32Array(frames), new Int32Array(frames)]
  for (let i = 0; i < frames * 2; i++) {
    const p = i * 3
    out[i % 2]![i >> 1] = data[p]! | (data[p + 1]! << 8) | ((data[p + 2]! << 24) >> 8)
  }
  return out
}

describe('stems export', () => {
  const cases: [string, boolean, ExportBitDepth, 44100 | 48000, () => TaskRunner<CoreTasks>][] = [
    ['24-bit at 48 kHz on worker threads', false, 24, 48000, () => pool],
    ['24-bit at 48 kHz in this thread', false, 24, 48000, () => new InlineRunner(coreTaskHandlers)],
    ['16-bit at 44.1 kHz with solo, on worker threads', true, 16, 44100, () => pool],
    [
      '32-bit float at 48 kHz with solo, in this thread',
      true,
      32,
      48000,
      () => new InlineRunner(coreTaskHandlers),
    ],
  ]
  it.each(cases)(
    'writes exactly the samples of the old rendering: %s',
    async (_, solo, bitDepth, sampleRate, runner) => {
      const decoded = await decodedSources(assets)
      const detail = mixedProject(solo)
      const format = WAV_FORMAT[bitDepth]
      const reference = referenceExport(detail, decoded, sampleRate, format)
      const { result, directory, progress } = await exportProject(detail, runner(), {
        format: 'wav',
        bitDepth,
        sampleRate,
      })
      expect(result.frames).toBe(reference.frames)
      const audio = result.files.filter((file) => file.endsWith('.wav'))
      expect(audio).toHaveLength(reference.data.length)
      audio.forEach((file, k) => {
        const bytes = new Uint8Array(readFileSync(join(directory, file)))
        const header = parseWavHeader(bytes, { fileSize: bytes.length, final: true })!
        expect(header.frames, file).toBe(reference.frames)
        // Samples start on a block boundary, where they can be written straight to the disk.
        expect(header.dataOffset % 4096, file).toBe(0)
        const data = bytes.subarray(header.dataOffset, header.dataOffset + header.dataLength)
        expect(firstDifference(data, reference.data[k]!), file).toBe(-1)
      })
      // Progress only grows and ends at the total: the stems' frames and the mix's, one pass.
      expect(progress.length).toBeGreaterThan(1)
      expect(progress.every(({ total }) => total === 2 * result.frames)).toBe(true)
      expect(progress.every(({ done }, i) => i === 0 || done > progress[i - 1]!.done)).toBe(true)
      expect(progress.at(-1)?.done).toBe(2 * result.frames)
      expect(readdirSync(directory).filter((name) => name.includes('.part'))).toEqual([])
    },
    60_000,
  )

  it('writes FLAC stems holding the samples of the old rendering', async () => {
    const decoded = await decodedSources(assets)
    const detail = mixedProject(false)
    const reference = referenceExport(detail, decoded, 48000, 'int24')
    const { result, directory } = await exportProject(detail, pool, {
      format: 'flac',
      bitDepth: 24,
      sampleRate: 48000,
    })
    const audio = result.files.filter((file) => file.endsWith('.flac'))
    expect(audio).toHaveLength(reference.data.length)
    const flacFiles = new Map<string, Buffer>()
    for (const [k, file] of audio.entries()) {
      const stream = decodeAudioFile(join(directory, file))
      const samples = [new Int32Array(result.frames), new Int32Array(result.frames)]
      let at = 0
      for await (const chunk of stream.frames()) {
        for (let c = 0; c < 2; c++) {
          const from = chunk[c]!
          const to = samples[c]!
          for (let i = 0; i < from.length; i++) to[at + i] = from[i]! * 8388608
        }
        at += chunk[0]!.length
      }
      expect(at, file).toBe(result.frames)
      const expected = int24Stereo(reference.data[k]!)
      for (let c = 0; c < 2; c++) expect(firstDifference(samples[c]!, expected[c]!), file).toBe(-1)
      // STREAMINFO: the sample count, and the MD5 of the samples as little-endian 24-bit words
      // (the very bytes of the reference WAV data).
      const bytes = readFileSync(join(directory, file))
      const streamInfo = bytes.subarray(8, 8 + 34)
      expect(streamInfo.readUInt32BE(14), file).toBe(result.frames)
      const md5 = createHash('md5').update(reference.data[k]!).digest()
      expect(streamInfo.subarray(18, 34).equals(md5), file).toBe(true)
      flacFiles.set(file, bytes)
    }
    // The same export rendered in this thread gives the same files, byte for byte.
    const inline = await exportProject(detail, new InlineRunner(coreTaskHandlers), {
      format: 'flac',
      bitDepth: 24,
      sampleRate: 48000,
    })
    for (const [file, bytes] of flacFiles) {
      expect(readFileSync(join(inline.directory, file)).equals(bytes), file).toBe(true)
    }
  }, 60_000)
})
