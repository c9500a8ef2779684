import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src/main/core/assets/content-store'
import { decodeAndStore, type ImportSource } from '../../../src/main/core/assets/import'
import { AppError } from '../../../src/main/core/app-error'
import { decodeAudioFile } from '../../../src/main/core/audio/decode'
import { InlineRunner } from '../../../src/main/core/workers/task-runner'
import type { TaskRunner } from '../../../src/main/core/workers/types'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import { decodeWithPeaks } from '../../helpers/audio'
import { bundleChild } from '../../helpers/bundle'
import { tempDir } from '../../helpers/temp'
import { workerScript } from '../../helpers/worker-script'
import { coreTaskHandlers, type CoreTasks } from '../../../src/main/core/task-table'

function ffmpeg(...args: string[]): void {
  const result = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${result.stderr}`)
}

/** Noise and a tone, `seconds` long, in the format the codec arguments give. */
function audioFile(dir: string, name: string, seconds: number, codecArgs: string[]): string {
  const path = join(dir, name)
  ffmpeg(
    ...['-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.4:duration=${seconds}:seed=5`],
    ...['-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`],
    ...['-filter_complex', '[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.3*c1|c1=0.7*c0'],
    ...codecArgs,
    path,
  )
  return path
}

/** What the import computed before it was restructured: a full decode, then the file's hash. */
async function reference(path: string) {
  const { info, frames, peaks } = await decodeWithPeaks(decodeAudioFile(path))
  return {
    format: info.format,
    sampleRate: info.sampleRate,
    channels: info.channels,
    frames,
    peaks,
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
  }
}

const pool = new WorkerPool<CoreTasks>(workerScript(), 2)
afterAll(() => pool.close())

/** The ways a file reaches the import: its path (scanned here or on a worker), or its bytes. */
const ROUTES: [string, (path: string) => ImportSource, TaskRunner<CoreTasks> | undefined][] = [
  ['path, one thread', (path) => ({ kind: 'path', path }), new InlineRunner(coreTaskHandlers)],
  ['path, worker threads', (path) => ({ kind: 'path', path }), pool],
  [
    'bytes',
    (path) => ({ kind: 'bytes', name: path.split('/').pop()!, bytes: readFileSync(path) }),
    undefined,
  ],
]

/** Everything under the store's folder: shards and leftover temporary files. */
function storeContents(dataDir: string): string[] {
  const root = join(dataDir, 'assets')
  if (!existsSync(root)) return []
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) => p !== 'tmp')
}

describe('decodeAndStore', () => {
  it.each([
    ['WAV 24-bit', 'a.wav', ['-c:a', 'pcm_s24le']],
    ['WAV 16-bit mono', 'b.wav', ['-ac', '1', '-c:a', 'pcm_s16le']],
    ['WAV float', 'c.wav', ['-c:a', 'pcm_f32le']],
    ['AIFF 16-bit', 'd.aiff', ['-c:a', 'pcm_s16be']],
    ['MP3', 'e.mp3', ['-c:a', 'libmp3lame', '-b:a', '128k']],
    ['FLAC', 'f.flac', ['-c:a', 'flac']],
  ])(
    'stores %s and gives the metadata and peaks of a full decode, by every route',
    async (_l, name, args) => {
      const dir = tempDir()
      // Over 3 s at 48 kHz: several read chunks, several peaks of every level.
      const path = audioFile(dir, name, 21, args)
      const expected = await reference(path)
      for (const [route, source, tasks] of ROUTES) {
        const dataDir = join(dir, route.replace(/\W+/g, '-'))
        const store = new ContentStore(dataDir)
        const imported = await decodeAndStore(source(path), store, tasks)
        expect(imported, route).toMatchObject({
          name,
          format: expected.format,
          sampleRate: expected.sampleRate,
          channels: expected.channels,
          frames: expected.frames,
          blob: { sha256: expected.sha256, size: readFileSync(path).length, created: true },
        })
        expect(Buffer.from(imported.peaks).equals(Buffer.from(expected.peaks)), route).toBe(true)
        expect(readFileSync(imported.blob.path).equals(readFileSync(path)), route).toBe(true)
        expect(readdirSync(join(dataDir, 'assets', 'tmp')), route).toEqual([])
      }
    },
  )

  it('stores identical bytes once, whichever route brings them', async () => {
    const dir = tempDir()
    const path = audioFile(dir, 'same.wav', 2, ['-c:a', 'pcm_s16le'])
    const store = new ContentStore(join(dir, 'data'))
    const created = []
    for (const [, source, tasks] of ROUTES) {
      created.push((await decodeAndStore(source(path), store, tasks)).blob.created)
    }
    expect(created).toEqual([true, false, false])
    expect(storeContents(join(dir, 'data'))).toHaveLength(2) // one shard, one file
  })

  it.each(ROUTES)(
    'refuses bad files naming them and the problem, storing nothing (%s)',
    async (_r, source, tasks) => {
      const dir = tempDir()
      const wav = readFileSync(audioFile(dir, 'good.wav', 1, ['-c:a', 'pcm_s16le']))
      const files: [string, Uint8Array, RegExp][] = [
        ['empty.wav', new Uint8Array(0), /^empty\.wav: the file is empty \(0 bytes\)$/],
        ['cut.wav', wav.subarray(0, 30), /^cut\.wav: the file ends inside its WAV header/],
        ['notes.txt', Buffer.from('not audio\n'.repeat(500)), /^notes\.txt: the file is not audio/],
        ['alaw.wav', readFileSync(audioFile(dir, 'alaw.wav', 1, ['-c:a', 'pcm_alaw'])), /A-law/],
        [
          'tiny.flac',
          readFileSync(audioFile(dir, 'x.flac', 1, ['-c:a', 'flac'])).subarray(0, 60),
          /^tiny\.flac: /,
        ],
      ]
      const dataDir = join(dir, 'data')
      for (const [name, bytes, message] of files) {
        const path = join(dir, 'bad', name)
        mkdirSync(join(dir, 'bad'), { recursive: true })
        writeFileSync(path, bytes)
        const error = await decodeAndStore(source(path), new ContentStore(dataDir), tasks).then(
          () => null,
          (e: unknown) => e,
        )
        expect(error, name).toBeInstanceOf(AppError)
        expect((error as AppError).code, name).toBe('invalid_input')
        expect((error as AppError).message, name).toMatch(message)
      }
      expect(storeContents(dataDir)).toEqual([])
      expect(readdirSync(join(dataDir, 'assets', 'tmp'))).toEqual([])
    },
  )

  it.each(ROUTES.slice(0, 2))(
    'says which file is missing or a folder (%s)',
    async (_r, source, tasks) => {
      const dir = tempDir()
      const store = new ContentStore(join(dir, 'data'))
      await expect(
        decodeAndStore(source(join(dir, 'nope.wav')), store, tasks),
      ).rejects.toMatchObject({
        code: 'not_found',
        message: 'nope.wav: the file does not exist',
      })
      mkdirSync(join(dir, 'folder.wav'))
      await expect(
        decodeAndStore(source(join(dir, 'folder.wav')), store, tasks),
      ).rejects.toMatchObject({
        code: 'invalid_input',
        message: 'folder.wav: is a folder, not a file',
      })
      expect(storeContents(join(dir, 'data'))).toEqual([])
    },
  )

  it('leaves nothing in the store when writing it fails midway (file size limit, like a full disk)', async () => {
    const dir = tempDir()
    const source = audioFile(dir, 'long.wav', 10, ['-c:a', 'pcm_s24le']) // 2.9 MB
    const child = await bundleChild(join(import.meta.dirname, '../children/import-file.ts'))
    const dataDir = join(dir, 'data')
    // ulimit -f counts 512-byte blocks in sh: 2000 blocks is about 1 MB.
    const run = spawnSync(
      'sh',
      ['-c', 'ulimit -f 2000 && exec "$0" "$@"', process.execPath, child, dataDir, source],
      { encoding: 'utf8' },
    )
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout) as { asset: { ok: boolean; error?: { message: string } } }
    expect(report.asset.ok).toBe(false)
    expect(report.asset.error?.message).toMatch(/too large|EFBIG/i)
    expect(storeContents(dataDir)).toEqual([])
    expect(readdirSync(join(dataDir, 'assets', 'tmp'))).toEqual([])
  })
})
