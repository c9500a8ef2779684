// Worker thread entry: runs one take on the local engine, then exits, so that every byte of the
// model is returned to the system after the take (the main process keeps nothing of it).
import { parentPort, workerData } from 'node:worker_threads'
import { CanceledError, MusicgenEngine } from './engine'
import type { EngineJob, EngineMessage } from './engine-protocol'
import { ModelFileError } from './model-files'

function post(message: EngineMessage, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer)
}

async function run(job: EngineJob): Promise<void> {
  const flag = new Int32Array(job.cancel)
  const canceled = (): boolean => Atomics.load(flag, 0) !== 0
  let engine: MusicgenEngine | null = null
  try {
    engine = await MusicgenEngine.load(job.modelDir, {
      quantized: job.quantized,
      ...(job.intraOpThreads ? { intraOpThreads: job.intraOpThreads } : {}),
    })
    const result = await engine.generate(
      job.request,
      (done, total) => post({ type: 'progress', done, total }),
      canceled,
    )
    const rssBytes = process.memoryUsage().rss
    post({ type: 'done', samples: result.samples, sampleRate: result.sampleRate, rssBytes }, [
      result.samples.buffer as ArrayBuffer,
    ])
  } catch (error) {
    if (error instanceof CanceledError)
      post({ type: 'error', code: 'canceled', message: 'canceled' })
    else if (error instanceof ModelFileError) {
      post({ type: 'error', code: 'model_file', message: error.detail, file: error.file })
    } else
      post({
        type: 'error',
        code: 'failed',
        message: error instanceof Error ? error.message : String(error),
      })
  } finally {
    await engine?.release()
  }
}

void run(workerData as EngineJob)
