import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planMp3Segments } from '../../../src/main/core/audio/formats/mp3/parallel'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import { workerScript } from '../../helpers/worker-script'
import { decodeFileFully, inlinePair, makeSource } from './decode-helpers'
import { ffmpeg, ffmpegDecode, makeTempDir, readBytes } from '../../helpers/audio'
import type { CoreTasks } from '../../../src/main/core/task-table'

// Decoding an MP3 in segments on worker threads must give exactly the one-pass decode: the same
// bits, the same gapless trimming, the same info and errors. Segments are made short here so that
// a few seconds of audio cut into many of them (16 frames at least, the priming step).
const SEGMENT_SECONDS = 0.2

const tmp = makeTempDir('mp3-parallel')
let source = ''
beforeAll(() => {
  source = makeSource(tmp.dir, 48000, 2.5)
})
afterAll(() => tmp.cleanup())

function encode(name: string, ...args: string[]): string {
  const path = join(tmp.dir, name)
  ffmpeg('-i', source, ...args, path)
  return path
}

/** Index of the first sample whose bits differ, or -1 (also -1 only when the lengths match). */
function firstDifference(a: Float32Array[], b: Float32Array[]): number {
  if (a.length !== b.length) return 0
  for (let c = 0; c < a.length; c++) {
    const x = new Uint32Array(a[c]!.buffer, a[c]!.byteOffset, a[c]!.length)
    const y = new Uint32Array(b[c]!.buffer, b[c]!.byteOffset, b[c]!.length)
    if (x.length !== y.length) return Math.min(x.length, y.length)
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i
  }
  return -1
}

async function expectSameInSegments(path: string, tasks = inlinePair()): Promise<void> {
  const plan = await planMp3Segments(path, SEGMENT_SECONDS)
  expect(plan, 'the file is decoded in segments').toBeDefined()
  expect(plan!.inputs.length).toBeGreaterThan(2)
  const whole = await decodeFileFully(path)
  const parts = await decodeFileFully(path, { tasks, segmentSeconds: SEGMENT_SECONDS })
  expect(parts.chunks).toBeGreaterThanOrEqual(plan!.inputs.length - 1)
  expect(parts.info).toEqual(whole.info)
  expect(firstDifference(parts.channels, whole.channels)).toBe(-1)
}

describe('MP3 decoding in segments', () => {
  it.each([
    ['CBR 192k, ID3v2, LAME tag', ['-b:a', '192k', '-metadata', 'title=x', '-id3v2_version', '3']],
    ['VBR', ['-q:a', '2']],
    ['mono VBR', ['-ac', '1', '-q:a', '5']],
    ['44.1 kHz at 32k: a bit reservoir over many frames', ['-ar', '44100', '-b:a', '32k']],
    ['32 kHz', ['-ar', '32000', '-b:a', '128k']],
    ['MPEG-2 22.05 kHz', ['-ar', '22050', '-b:a', '48k']],
    ['MPEG-2 16 kHz mono', ['-ar', '16000', '-ac', '1', '-b:a', '64k']],
    ['MPEG-2.5 8 kHz', ['-ar', '8000', '-b:a', '16k']],
    ['no Xing/LAME tag (its first frame reaches into a missing reservoir)', ['-write_xing', '0']],
    ['an ID3v1 tag at the end', ['-b:a', '128k', '-write_id3v1', '1']],
  ])('decodes %s exactly as in one pass', async (name, args) => {
    const path = encode(`${name.replace(/\W+/g, '-')}.mp3`, '-c:a', 'libmp3lame', ...args)
    await expectSameInSegments(path)
  })

  it('decodes MPEG layer II exactly as in one pass', async () => {
    await expectSameInSegments(encode('layer2.mp2', '-c:a', 'mp2', '-b:a', '192k'))
  })

  it('trims the encoder delay and padding like ffmpeg, in segments on worker threads', async () => {
    const path = encode('pool.mp3', '-c:a', 'libmp3lame', '-b:a', '160k', '-ar', '44100')
    const pool = new WorkerPool<CoreTasks>(workerScript(), 2)
    try {
      await expectSameInSegments(path, pool)
      const parts = await decodeFileFully(path, { tasks: pool, segmentSeconds: SEGMENT_SECONDS })
      const ref = ffmpegDecode(path, 2)
      expect(parts.channels[0]!.length).toBe(ref[0]!.length)
      expect(parts.info.expectedFrames).toBe(ref[0]!.length)
    } finally {
      await pool.close()
    }
  })

  it('decodes in one pass, with the same result, a file cut in the middle', async () => {
    const bytes = readBytes(encode('whole.mp3', '-c:a', 'libmp3lame', '-b:a', '128k'))
    const cut = join(tmp.dir, 'cut.mp3')
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1))
    expect(await planMp3Segments(cut, SEGMENT_SECONDS)).toBeUndefined()
    const alone = await decodeFileFully(cut)
    const withTasks = await decodeFileFully(cut, {
      tasks: inlinePair(),
      segmentSeconds: SEGMENT_SECONDS,
    })
    expect(alone.channels[0]!.length).toBe(ffmpegDecode(cut, 2)[0]!.length)
    expect(withTasks).toEqual(alone)
  })

  it('decodes in one pass a file with junk between frames or more frames than its tag says', async () => {
    const bytes = readBytes(
      encode('base.mp3', '-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '0'),
    )
    const junk = new Uint8Array(bytes.length + 100)
    const middle = bytes.length >> 1
    junk.set(bytes.subarray(0, middle))
    junk.fill(0x55, middle, middle + 100)
    junk.set(bytes.subarray(middle), middle + 100)
    const doubled = new Uint8Array(bytes.length * 2)
    doubled.set(bytes)
    doubled.set(bytes, bytes.length)
    for (const [name, content] of [
      ['junk.mp3', junk],
      ['doubled.mp3', doubled],
    ] as const) {
      const path = join(tmp.dir, name)
      writeFileSync(path, content)
      expect(await planMp3Segments(path, SEGMENT_SECONDS)).toBeUndefined()
      const whole = await decodeFileFully(path).catch((error: unknown) => error)
      const parts = await decodeFileFully(path, {
        tasks: inlinePair(),
        segmentSeconds: SEGMENT_SECONDS,
      }).catch((error: unknown) => error)
      expect(parts).toEqual(whole)
    }
  })

  it('keeps a short file in one pass', async () => {
    const path = encode('short.mp3', '-c:a', 'libmp3lame', '-t', '0.3')
    expect(await planMp3Segments(path, SEGMENT_SECONDS * 10)).toBeUndefined()
  })
})
