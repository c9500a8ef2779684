// Worker thread entry: runs takes on the local engine, one at a time, keeping the model loaded
// between them (loading costs about 14 CPU-seconds for musicgen-small); the host tells it to exit
// after a short idle time, and the thread's end returns every byte of the model to the system.
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { CanceledError, MusicgenEngine } from './engine'
import type { EngineCommand, EngineJob, EngineMessage, EngineWorkerData } from './engine-protocol'
import { MODEL_FILES, ModelFileError } from './model-files'

const options = workerData as EngineWorkerData
let loaded: { key: string; engine: MusicgenEngine } | null = null

function post(message: EngineMessage, transfer: ArrayBuffer[] = []): void {
  parentPort?.postMessage(message, transfer)
}

/** The installed model's identity: a model installed again (one rename) is a new one. */
async function modelKey(job: EngineJob): Promise<string> {
  const s = await stat(join(job.modelDir, MODEL_FILES.config))
  return `${job.modelDir}\n${job.quantized}\n${s.ino}\n${s.mtimeMs}`
}

async function unload(): Promise<void> {
  const engine = loaded?.engine
  loaded = null
  await engine?.release()
}

async function engineFor(job: EngineJob): Promise<{ engine: MusicgenEngine; warm: boolean }> {
  const key = await modelKey(job).catch(() => null)
  if (loaded && key !== null && loaded.key === key) return { engine: loaded.engine, warm: true }
  await unload()
  const engine = await MusicgenEngine.load(job.modelDir, {
    quantized: job.quantized,
    ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}),
  })
  if (key !== null) loaded = { key, engine }
  return { engine, warm: false }
}

async function run(job: EngineJob): Promise<void> {
  const flag = new Int32Array(job.cancel)
  const canceled = (): boolean => Atomics.load(flag, 0) !== 0
  let engine: MusicgenEngine | null = null
  // A canceled take leaves the model as it was; any other failure may not: the next loads afresh.
  let keep = false
  try {
    const got = await engineFor(job)
    engine = got.engine
    const result = await engine.generate(
      job.request,
      (done, total) => post({ type: 'progress', done, total }),
      canceled,
    )
    keep = true
    const rssBytes = process.memoryUsage().rss
    post(
      {
        type: 'done',
        samples: result.samples,
        sampleRate: result.sampleRate,
        rssBytes,
        warm: got.warm,
      },
      [result.samples.buffer as ArrayBuffer],
    )
  } catch (error) {
    keep = error instanceof CanceledError
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
    // Kept only when it is the loaded one (it is not when its model could not be identified).
    if (engine !== null && !(keep && loaded?.engine === engine)) {
      if (loaded?.engine === engine) loaded = null
      await engine.release()
    }
  }
}

parentPort?.on('message', (command: EngineCommand) => {
  if (command.type === 'run') void run(command)
  // Exiting ends the thread at once; its memory (the model's included) goes back to the system.
  else void unload().finally(() => process.exit(0))
})
