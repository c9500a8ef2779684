import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ContentStore } from '../../../src/main/core/assets/content-store'
import { decodeAndStore } from '../../../src/main/core/assets/import'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import { workerScript } from '../../helpers/worker-script'
import type { CoreTasks } from '../../../src/main/core/task-table'

// Issue 17 item 3: an MP3 imported by path froze the main thread (its frame index and the
// priming search ran there; files that did not split decoded there whole). Every function whose
// work grows with the file's length is counted here: on the main thread, none may run. The
// worker threads run a bundle of their own, which these mocks do not reach.
const mainThread = vi.hoisted(() => ({ calls: [] as string[] }))

function counted<M extends Record<string, unknown>>(module: M, names: (keyof M & string)[]): M {
  const out: Record<string, unknown> = { ...module }
  for (const name of names) {
    const real = module[name] as (...args: unknown[]) => unknown
    out[name] = (...args: unknown[]) => {
      mainThread.calls.push(name)
      return real(...args)
    }
  }
  return out as M
}

vi.mock('../../../src/main/core/audio/formats/mp3/frame-index', async (original) =>
  counted(await original(), ['indexMp3File']),
)
vi.mock('../../../src/main/core/audio/formats/mp3/priming', async (original) =>
  counted(await original(), ['primingStart']),
)
vi.mock('../../../src/main/core/audio/formats/mp3/decode', async (original) =>
  counted(await original(), ['createMp3Decoder']),
)
vi.mock('../../../src/main/core/audio/formats/flac/decode', async (original) =>
  counted(await original(), ['createFlacDecoder']),
)
vi.mock('../../../src/main/core/audio/formats/ogg/vorbis', async (original) =>
  counted(await original(), ['createVorbisDecoder']),
)
vi.mock('../../../src/main/core/audio/formats/ogg/opus', async (original) =>
  counted(await original(), ['createOpusDecoder']),
)

const dir = mkdtempSync(join(tmpdir(), 'musicsketch-off-main-'))
const pool = new WorkerPool<CoreTasks>(workerScript(), 2)
afterAll(async () => {
  await pool.close()
  rmSync(dir, { recursive: true, force: true })
})

function encode(name: string, seconds: number, ...codec: string[]): string {
  const path = join(dir, name)
  const input = `sine=frequency=330:duration=${seconds}:sample_rate=44100`
  const made = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    input,
    ...codec,
    path,
  ])
  expect(made.status, made.stderr.toString()).toBe(0)
  return path
}

const FILES: [string, () => string][] = [
  // Splits into segments (planned on a worker).
  ['an MP3 at 128 kbps', () => encode('a.mp3', 90, '-c:a', 'libmp3lame', '-b:a', '128k')],
  // Every frame reaches back further than one frame holds: no segment primes, one pass.
  [
    'an MP3 at 8 kbps',
    () => encode('b.mp3', 90, '-ar', '8000', '-c:a', 'libmp3lame', '-b:a', '8k'),
  ],
  ['a FLAC file', () => encode('c.flac', 90, '-c:a', 'flac')],
  ['an Ogg Vorbis file', () => encode('d.ogg', 30, '-c:a', 'libvorbis')],
  ['an Ogg Opus file', () => encode('e.opus', 30, '-c:a', 'libopus')],
]

describe('imports by path with worker threads', () => {
  const paths = new Map<string, string>()
  beforeAll(() => {
    for (const [label, make] of FILES) paths.set(label, make())
  }, 120_000)

  it.each(FILES.map(([label]) => label))(
    'decode %s without any decoding work on the main thread',
    async (label) => {
      mainThread.calls.length = 0
      const store = new ContentStore(join(dir, 'data'))
      const imported = await decodeAndStore({ kind: 'path', path: paths.get(label)! }, store, pool)
      expect(imported.frames).toBeGreaterThan(0)
      expect(mainThread.calls).toEqual([])
    },
    120_000,
  )
})
