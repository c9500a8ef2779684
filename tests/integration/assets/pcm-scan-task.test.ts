import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { scanPcmBytes, scanPcmFile } from '../../../src/main/core/assets/pcm-scan-task'
import { sharedBytesFromBase64 } from '../../../src/main/core/assets/shared-bytes'
import { encodeWav } from '../../../src/main/core/audio/formats/wav/encode'
import { makeTempDir } from '../../helpers/audio'

const tmp = makeTempDir('pcm-scan-task')
afterAll(() => tmp.cleanup())

function wavFile(name: string, frames: number): { path: string; bytes: Uint8Array } {
  const tone = (f: number) => Float32Array.from({ length: frames }, (_, i) => 0.5 * Math.sin(i * f))
  const bytes = encodeWav(
    { sampleRate: 44100, channels: [tone(0.01), tone(0.03)] },
    { format: 'int24', tags: { ICMT: 'odd chunk before the data' } },
  )
  const path = join(tmp.dir, name)
  writeFileSync(path, bytes)
  return { path, bytes }
}

describe('PCM scan tasks', () => {
  it('finds the same metadata and peaks in shared bytes as in the file', async () => {
    // More than one read of the file, and a last read of a few bytes.
    const { path, bytes } = wavFile('two-reads.wav', 200_001)
    const shared = sharedBytesFromBase64(Buffer.from(bytes).toString('base64'))
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(shared.equals(bytes)).toBe(true)
    const fromFile = await scanPcmFile({ path, container: 'wav' })
    const fromBytes = await scanPcmBytes({ bytes: shared, container: 'wav' })
    expect(fromBytes.value).toEqual(fromFile.value)
    expect(fromBytes.value).toMatchObject({ sampleRate: 44100, channels: 2, frames: 200_001 })
  })

  it('reads a cut file and refuses a broken one exactly as the file scan does', async () => {
    const { path, bytes } = wavFile('cut.wav', 1000)
    // Cut short of what the header declares, as many tools write: the frames that are there.
    const cut = bytes.subarray(0, bytes.length - 300)
    writeFileSync(path, cut)
    const cutFile = await scanPcmFile({ path, container: 'wav' })
    expect((await scanPcmBytes({ bytes: cut, container: 'wav' })).value).toEqual(cutFile.value)
    expect(cutFile.value.frames).toBe(950)
    // No channels in the format chunk.
    const broken = Uint8Array.from(bytes)
    new DataView(broken.buffer).setUint16(22, 0, true)
    writeFileSync(path, broken)
    const fileError = await scanPcmFile({ path, container: 'wav' }).catch((e: unknown) => e)
    expect(fileError).toBeInstanceOf(Error)
    await expect(scanPcmBytes({ bytes: broken, container: 'wav' })).rejects.toThrow(
      (fileError as Error).message,
    )
  })
})
