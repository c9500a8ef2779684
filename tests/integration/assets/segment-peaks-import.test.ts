import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContentStore } from '../../../src/main/core/assets/content-store'
import { decodeAndStore } from '../../../src/main/core/assets/import'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import type { CoreTasks } from '../../../src/main/core/task-table'
import { workerScript } from '../../helpers/worker-script'

// An import of an MP3, FLAC or Ogg file decoded in segments on worker threads takes the peaks
// each worker computed for its segment (the samples stay there): joined, they must be the peaks
// of the one-pass decode, byte for byte, wherever the segments were cut.
const dir = mkdtempSync(join(tmpdir(), 'musicsketch-segment-peaks-'))
const pool = new WorkerPool<CoreTasks>(workerScript(), 2)
afterAll(async () => {
  await pool.close()
  rmSync(dir, { recursive: true, force: true })
})

/** 70 s of stereo pink noise under a tone: three segments of the default 20 s and a rest. */
function encode(name: string, ...codec: string[]): string {
  const path = join(dir, name)
  const made = spawnSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i'],
    'anoisesrc=color=pink:amplitude=0.4:sample_rate=44100:duration=70:seed=3',
    ...['-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=44100:duration=70'],
    ...['-filter_complex', '[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.3*c1|c1=0.7*c0+0.3*c1'],
    ...codec,
    path,
  ])
  expect(made.status, made.stderr.toString()).toBe(0)
  return path
}

const FILES: [string, string, string[]][] = [
  ['MP3 with its LAME tag', 'a.mp3', ['-c:a', 'libmp3lame', '-b:a', '160k']],
  ['FLAC', 'b.flac', ['-c:a', 'flac']],
  ['Ogg Vorbis', 'c.ogg', ['-c:a', 'libvorbis']],
  ['Ogg Opus', 'd.opus', ['-c:a', 'libopus']],
]

describe('an import decoded in segments', () => {
  const paths = new Map<string, string>()
  beforeAll(() => {
    for (const [label, name, codec] of FILES) paths.set(label, encode(name, ...codec))
  }, 120_000)

  it.each(FILES.map(([label]) => label))(
    'of %s has the peaks and length of the one-pass decode',
    async (label) => {
      const path = paths.get(label)!
      const store = new ContentStore(join(dir, 'data'))
      const segmented = await decodeAndStore({ kind: 'path', path }, store, pool)
      const onePass = await decodeAndStore({ kind: 'path', path }, store)
      expect(segmented.frames).toBe(onePass.frames)
      expect(Buffer.from(segmented.peaks).equals(Buffer.from(onePass.peaks))).toBe(true)
    },
    120_000,
  )
})
