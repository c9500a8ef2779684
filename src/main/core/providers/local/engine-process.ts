// Child process entry of the local engine: runs takes one at a time, keeping the model loaded
// between them (loading costs about 14 CPU-seconds for musicgen-small); the host tells it to exit
// after a short idle time. A process, not a worker thread: ONNX Runtime's allocations stay in the
// allocator of the process that made them (about 1 GB of the int8 model after its release, in a
// thread), and only a process's end gives them all back to the system.
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { CanceledError, MusicgenEngine } from './engine'
import type { EngineCommand, EngineJob, EngineMessage } from './engine-protocol'
import { MODEL_FILES, ModelFileError } from './model-files'

let loaded: { key: string; engine: MusicgenEngine } | null = null
/** Set by a cancel command; the running take reads it between decoder steps. */
let canceled = false

function post(message: EngineMessage): void {
  process.send?.(message)
}

/** This process's CPU time so far, all its threads (ONNX Runtime's) included. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
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
    ...(job.intraOpThreads ? { intraOpThreads: job.intraOpThreads } : {}),
  })
  if (key !== null) loaded = { key, engine }
  return { engine, warm: false }
}

async function run(job: EngineJob): Promise<void> {
  let engine: MusicgenEngine | null = null
  // A canceled take leaves the model as it was; any other failure may not: the next loads afresh.
  let keep = false
  try {
    const got = await engineFor(job)
    engine = got.engine
    const result = await engine.generate(
      job.request,
      (done, total) => post({ type: 'progress', done, total, cpuSeconds: cpuSeconds() }),
      () => canceled,
    )
    keep = true
    const rssBytes = process.memoryUsage().rss
    post({
      type: 'done',
      samples: result.samples,
      sampleRate: result.sampleRate,
      rssBytes,
      cpuSeconds: cpuSeconds(),
      warm: got.warm,
    })
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

process.on('message', (command: EngineCommand) => {
  if (command.type === 'run') {
    // A cancel crossing the previous take's answer arrives before this run: it does not carry over.
    canceled = false
    void run(command)
  } else if (command.type === 'cancel') canceled = true
  // Exiting ends the process at once; its memory (the model's included) goes back to the system.
  else void unload().finally(() => process.exit(0))
})
// The app is gone (closed, crashed or killed): nothing is left to run takes for.
process.on('disconnect', () => process.exit(0))
