import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/main/core/app-error'
import { AudioError } from '../../../src/main/core/audio/audio-error'
import { WorkerPool } from '../../../src/main/core/workers/worker-pool'

// A stand-in worker speaking the pool's protocol, so the pool is tested apart from any task.
const dir = mkdtempSync(join(tmpdir(), 'musicsketch-pool-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const script = join(dir, 'worker.cjs')
writeFileSync(
  script,
  `const { parentPort, threadId } = require('node:worker_threads')
parentPort.on('message', ({ id, kind, input }) => {
  switch (kind) {
    case 'double': {
      const out = new Float32Array(input.data.length)
      for (let i = 0; i < out.length; i++) out[i] = input.data[i] * 2
      setTimeout(() => parentPort.postMessage({ id, ok: true, value: { out, threadId } }, [out.buffer]), input.delay ?? 0)
      break
    }
    case 'fail-app':
      parentPort.postMessage({ id, ok: false, error: { name: 'AppError', message: 'bad', code: 'invalid_input', field: 'x' } })
      break
    case 'fail-audio':
      parentPort.postMessage({ id, ok: false, error: { name: 'AudioError', message: 'cut short', code: 'truncated' } })
      break
    case 'crash':
      process.exit(3)
  }
})
`,
)

/** The stand-in worker's tasks: the pool is typed by them like by any feature's table. */
interface TestTasks {
  double: {
    input: { data: Float32Array; delay?: number }
    output: { out: Float32Array; threadId: number }
  }
  'fail-app': { input: object; output: never }
  'fail-audio': { input: object; output: never }
  crash: { input: object; output: never }
}

describe('WorkerPool', () => {
  it('runs tasks on worker threads, moving transferred buffers', async () => {
    const pool = new WorkerPool<TestTasks>(script, 2)
    const data = new Float32Array([1, 2, 3])
    const result = await pool.run('double', { data }, [data.buffer])
    expect([...result.out]).toEqual([2, 4, 6])
    expect(data.length).toBe(0) // transferred, not copied
    await pool.close()
  })

  it('spreads concurrent tasks over its workers', async () => {
    const pool = new WorkerPool<TestTasks>(script, 2)
    const results = await Promise.all(
      [0, 1].map(() => pool.run('double', { data: new Float32Array(1), delay: 50 })),
    )
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2)
    await pool.close()
  })

  it('rebuilds AppError and AudioError with their codes', async () => {
    const pool = new WorkerPool<TestTasks>(script, 1)
    const app = await pool.run('fail-app', {}).catch((e: unknown) => e)
    expect(app).toBeInstanceOf(AppError)
    expect(app).toMatchObject({ code: 'invalid_input', field: 'x', message: 'bad' })
    const audio = await pool.run('fail-audio', {}).catch((e: unknown) => e)
    expect(audio).toBeInstanceOf(AudioError)
    expect(audio).toMatchObject({ code: 'truncated' })
    await pool.close()
  })

  it('fails the tasks of a worker that dies and replaces it', async () => {
    const pool = new WorkerPool<TestTasks>(script, 1)
    await expect(pool.run('crash', {})).rejects.toThrow(/exit code 3/)
    const again = await pool.run('double', { data: new Float32Array([5]) })
    expect([...again.out]).toEqual([10])
    await pool.close()
  })

  it('refuses work once closed', async () => {
    const pool = new WorkerPool<TestTasks>(script, 1)
    await pool.close()
    await expect(pool.run('double', { data: new Float32Array(1) })).rejects.toThrow(/closed/)
  })
})
