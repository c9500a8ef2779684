import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planOggSegments } from '../../../src/main/core/audio/formats/ogg/parallel'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import { workerScript } from '../../helpers/worker-script'
import { decodeFileFully, inlinePair, makeSource, snrDb } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir, readBytes } from '../../helpers/audio'

// Decoding an Ogg file in segments on worker threads must give the one-pass decode: Vorbis
// exactly (a segment's decoder starts on the page before: the block overlap), Opus after its
// 80 ms pre-roll within a small error (the decoder state converges, it is not carried over).
const SEGMENT_SECONDS = 0.5

const tmp = makeTempDir('ogg-parallel')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 48000, 4)
})
afterAll(() => tmp.cleanup())

function encode(name: string, ...args: string[]): string {
  const path = join(tmp.dir, name)
  ffmpeg('-i', source, ...args, path)
  return path
}

function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let max = 0
  for (let c = 0; c < a.length; c++) {
    for (let i = 0; i < a[c]!.length; i++) max = Math.max(max, Math.abs(a[c]![i]! - b[c]![i]!))
  }
  return max
}

async function inSegments(path: string, codec: 'vorbis' | 'opus', tasks = inlinePair()) {
  const plan = await planOggSegments(path, codec, SEGMENT_SECONDS)
  expect(plan, 'the file is decoded in segments').toBeDefined()
  expect(plan!.inputs.length).toBeGreaterThan(3)
  const whole = await decodeFileFully(path)
  const parts = await decodeFileFully(path, { tasks, segmentSeconds: SEGMENT_SECONDS })
  expect(parts.info).toEqual(whole.info)
  expect(parts.channels.map((ch) => ch.length)).toEqual(whole.channels.map((ch) => ch.length))
  return { whole, parts }
}

describe('Ogg decoding in segments', () => {
  it.each([
    ['stereo q5', ['-c:a', 'libvorbis', '-q:a', '5']],
    ['mono q2 at 44.1 kHz', ['-c:a', 'libvorbis', '-q:a', '2', '-ac', '1', '-ar', '44100']],
  ])('decodes Vorbis %s sample for sample as in one pass', async (_name, args) => {
    const path = encode(`v-${args.join('')}.ogg`, ...args)
    const { whole, parts } = await inSegments(path, 'vorbis')
    expect(parts.channels).toEqual(whole.channels)
  })

  it.each([
    ['stereo 128k', ['-c:a', 'libopus', '-b:a', '128k']],
    ['mono 48k', ['-c:a', 'libopus', '-b:a', '48k', '-ac', '1']],
  ])(
    'decodes Opus %s as in one pass, within a small error after the pre-roll',
    async (_name, args) => {
      const path = encode(`o-${args.join('')}.opus`, ...args)
      const { whole, parts } = await inSegments(path, 'opus')
      expect(snrDb(whole.channels, parts.channels)).toBeGreaterThan(60)
      expect(maxAbsDiff(whole.channels, parts.channels)).toBeLessThan(0.01)
      // And like ffmpeg, gapless: the same length.
      expect(parts.channels[0]!.length).toBe(ffmpegDecode(path, parts.info.channels)[0]!.length)
    },
  )

  it('decodes on worker threads as in one pass', async () => {
    const path = encode('pool.ogg', '-c:a', 'libvorbis')
    const pool = new WorkerPool(workerScript(), 2)
    try {
      const { whole, parts } = await inSegments(path, 'vorbis', pool)
      expect(parts.channels).toEqual(whole.channels)
    } finally {
      await pool.close()
    }
  }, 120_000) // Bundling the worker and decoding twice: slow on a loaded machine.

  it('decodes in one pass, with the same error, a file cut short', async () => {
    const bytes = readBytes(encode('whole.ogg', '-c:a', 'libvorbis'))
    const cut = join(tmp.dir, 'cut.ogg')
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1))
    expect(await planOggSegments(cut, 'vorbis', SEGMENT_SECONDS)).toBeUndefined()
    const alone = await decodeFileFully(cut).catch((error: unknown) => error)
    const withTasks = await decodeFileFully(cut, {
      tasks: inlinePair(),
      segmentSeconds: SEGMENT_SECONDS,
    }).catch((error: unknown) => error)
    expect(alone).toMatchObject({ code: 'truncated' })
    expect(withTasks).toEqual(alone)
  })
})
