import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planFlacSegments } from '../../../src/main/core/audio/formats/flac/parallel'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import { workerScript } from '../../helpers/worker-script'
import { decodeFileFully, inlinePair, makeSource } from './decode-helpers'
import { ffmpeg, ffmpegDecode, ffmpegToPipe, maxDiff, readBytes, rng } from '../../helpers/audio'
import { sourceFixture } from '../../helpers/audio-fixture'
import type { CoreTasks } from '../../../src/main/core/task-table'

// Decoding a FLAC file in segments on worker threads must give exactly the one-pass decode.
// Segments as short as 0.05 s are shorter than a frame: some hold none.
const fixture = sourceFixture('flac-parallel', (dir) => makeSource(dir, 48000, 3))

function encode(name: string, ...args: string[]): string {
  const path = join(fixture.dir, name)
  ffmpeg('-i', fixture.source(), '-c:a', 'flac', ...args, path)
  return path
}

async function expectSameInSegments(path: string, seconds: number, tasks = inlinePair()) {
  const plan = await planFlacSegments(path, seconds)
  expect(plan, 'the file is decoded in segments').toBeDefined()
  const whole = await decodeFileFully(path)
  const parts = await decodeFileFully(path, { tasks, segmentSeconds: seconds })
  expect(parts.chunks).toBeGreaterThan(whole.chunks)
  expect(parts.info).toEqual(whole.info)
  expect(maxDiff(parts.channels, whole.channels)).toBe(0)
}

describe('FLAC decoding in segments', () => {
  it.each([
    ['16-bit stereo', ['-sample_fmt', 's16']],
    ['24-bit stereo, 96 kHz', ['-sample_fmt', 's32', '-bits_per_raw_sample', '24', '-ar', '96000']],
    ['16-bit mono', ['-sample_fmt', 's16', '-ac', '1']],
    ['8 kHz mono, small frames', ['-sample_fmt', 's16', '-ac', '1', '-ar', '8000']],
    ['compression level 12', ['-sample_fmt', 's16', '-compression_level', '12']],
  ])('decodes %s exactly as in one pass', async (name, args) => {
    const path = encode(`${name.replace(/\W+/g, '-')}.flac`, ...args)
    await expectSameInSegments(path, 0.3)
    await expectSameInSegments(path, 0.05)
  })

  it('decodes on worker threads exactly like ffmpeg', async () => {
    const path = encode('pool.flac', '-sample_fmt', 's16')
    const pool = new WorkerPool<CoreTasks>(workerScript(), 2)
    try {
      await expectSameInSegments(path, 0.25, pool)
      const parts = await decodeFileFully(path, { tasks: pool, segmentSeconds: 0.25 })
      expect(maxDiff(parts.channels, ffmpegDecode(path, 2))).toBe(0)
    } finally {
      await pool.close()
    }
  })

  it('reports a file cut in the middle as the one-pass decode does', async () => {
    const bytes = readBytes(encode('whole.flac', '-sample_fmt', 's16'))
    const cut = join(fixture.dir, 'cut.flac')
    writeFileSync(cut, bytes.subarray(0, Math.round(bytes.length * 0.6)))
    const alone = await decodeFileFully(cut).catch((error: unknown) => error)
    const parts = await decodeFileFully(cut, {
      tasks: inlinePair(),
      segmentSeconds: 0.2,
    }).catch((error: unknown) => error)
    expect(alone).toMatchObject({ code: 'truncated' })
    expect(parts).toEqual(alone)
  })

  it('stops at the length STREAMINFO gives when frames follow it, in one pass as in segments', async () => {
    const bytes = readBytes(encode('long.flac', '-sample_fmt', 's16')).slice()
    // STREAMINFO's total samples (36 bits at byte 21): 2 of the file's 3 seconds.
    const total = 2 * 48000
    bytes[21] = bytes[21]! & 0xf0
    new DataView(bytes.buffer).setUint32(22, total)
    const path = join(fixture.dir, 'stray-frames.flac')
    writeFileSync(path, bytes)
    const whole = await decodeFileFully(path)
    const parts = await decodeFileFully(path, { tasks: inlinePair(), segmentSeconds: 0.5 })
    const ref = ffmpegDecode(path, 2).map((ch) => ch.subarray(0, total))
    expect(whole.channels[0]!.length).toBe(total)
    expect(maxDiff(whole.channels, ref)).toBe(0)
    expect(maxDiff(parts.channels, ref)).toBe(0)
  })

  it('reports garbage in the data as damage', async () => {
    const bytes = readBytes(encode('bad.flac', '-sample_fmt', 's16')).slice()
    const next = rng(11)
    for (let i = 0; i < 4000; i++) bytes[(bytes.length >> 1) + i] = Math.floor(next() * 256)
    const path = join(fixture.dir, 'garbage.flac')
    writeFileSync(path, bytes)
    const parts = await decodeFileFully(path, { tasks: inlinePair(), segmentSeconds: 0.2 }).catch(
      (error: unknown) => error,
    )
    expect(parts).toMatchObject({ code: 'truncated', message: /cut short or damaged/ })
  })

  it('decodes in one pass a stream whose length STREAMINFO does not give, or a short one', async () => {
    // Written to a pipe, ffmpeg cannot go back to fill in the length.
    const piped = join(fixture.dir, 'piped.flac')
    writeFileSync(piped, ffmpegToPipe(fixture.source(), '-c:a', 'flac', '-f', 'flac'))
    expect(await planFlacSegments(piped, 0.2)).toBeUndefined()
    expect(await planFlacSegments(encode('short.flac', '-t', '0.2'), 0.2)).toBeUndefined()
  })
})
