import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkDecodedStream } from '../../../src/main/core/assets/check-audio-task'
import { AudioError } from '../../../src/main/core/audio/audio-error'
import { decodeAudioFile } from '../../../src/main/core/audio/decode'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'
import { workerScript } from '../../helpers/worker-script'
import { ffmpeg, makeTempDir } from '../../helpers/audio'
import type { CoreTasks } from '../../../src/main/core/task-table'

const tmp = makeTempDir('m4a-check')
const pool = new WorkerPool<CoreTasks>(workerScript(), 2)
afterAll(async () => {
  await pool.close()
  tmp.cleanup()
})

function m4a(name: string, ...args: string[]): string {
  const path = join(tmp.dir, name)
  ffmpeg(...['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=44100:duration=2'], ...args, path)
  return path
}

describe('M4A import check on a worker thread', () => {
  it('gives the same format, length and peaks as decoding here', async () => {
    const path = m4a('riff.m4a', '-ac', '2', '-c:a', 'aac')
    const here = await checkDecodedStream(decodeAudioFile(path))
    expect(here).toMatchObject({ format: 'm4a', sampleRate: 44100, channels: 2, frames: 88200 })
    expect(await pool.run('assets-check-audio-file', { path })).toEqual(here)
  })

  it('rejects with the decoder’s AudioError across the thread', async () => {
    const bytes = readFileSync(m4a('bought.m4a', '-c:a', 'aac'))
    bytes.write('drms', bytes.indexOf('mp4a'), 'latin1')
    const path = join(tmp.dir, 'bought.m4p')
    writeFileSync(path, bytes)
    const error: unknown = await pool
      .run('assets-check-audio-file', { path })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AudioError)
    expect(error).toMatchObject({ code: 'unsupported', message: expect.stringMatching(/DRM/) })
  })
})
