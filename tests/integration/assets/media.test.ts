import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mediaFor } from '../../../src/main/core/assets/media'
import { decodeFileFully } from '../audio/decode-helpers'
import { ffmpeg, makeTempDir } from '../../helpers/audio'

// Issue 17 item 6: each request for an AIFF decoded it whole into memory (3 parallel requests
// for a 300 MB AIFF peaked at 4.87 GB). The WAV copy is made once, streaming, and served as a file.
const tmp = makeTempDir('media')
afterAll(() => tmp.cleanup())

describe('serving an AIFF', () => {
  it('converts it once, for parallel and later requests, into a WAV file that plays the same', async () => {
    const aiff = join(tmp.dir, 'take.aiff')
    ffmpeg('-f', 'lavfi', '-i', 'sine=f=330:d=4:r=48000', '-ac', '2', '-c:a', 'pcm_s24be', aiff)
    const served = await Promise.all([1, 2, 3].map(() => mediaFor(aiff, 'aiff')))
    for (const media of served) {
      expect(media).toMatchObject({ kind: 'file', contentType: 'audio/wav' })
    }
    const path = (served[0] as { path: string }).path
    expect(served.every((m) => (m as { path: string }).path === path)).toBe(true)
    const made = statSync(path)
    const again = await mediaFor(aiff, 'aiff')
    expect(again).toEqual(served[0])
    // Not written again.
    expect(statSync(path).mtimeMs).toBe(made.mtimeMs)
    expect(statSync(path).ino).toBe(made.ino)

    const original = await decodeFileFully(aiff)
    const copy = await decodeFileFully(path)
    expect(copy.info).toMatchObject({ format: 'wav', sampleRate: 48000, channels: 2 })
    expect(copy.channels[0]!.length).toBe(4 * 48000)
    expect(copy.channels).toEqual(original.channels)
    expect(readFileSync(path).subarray(0, 4).toString()).toBe('RIFF')
  }, 120_000)
})
