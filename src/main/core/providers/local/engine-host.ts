// Main-process side of the local engine: one child process (engine-process.ts), one take at a
// time (the model takes most of the machine), progress relayed, cancel between decoder steps. The
// process keeps the model loaded from one take to the next, so a queue of takes loads it once;
// after `idleMs` without a take it is told to exit, which returns all its memory to the system.
import { fork, type ChildProcess } from 'node:child_process'
import type { GenerateRequest } from './engine'
import type { EngineCommand, EngineJob, EngineMessage } from './engine-protocol'

export interface EngineRun {
  request: GenerateRequest
  modelDir: string
  quantized: boolean
  /** `cpuSeconds`: the engine process's CPU time so far (for the benchmark). */
  onProgress: (done: number, total: number, cpuSeconds: number) => void
}

export interface EngineOutput {
  samples: Float32Array
  sampleRate: number
  /** Resident set size of the engine process as the take ended, with the model still loaded. */
  rssBytes: number
  /** The engine process's CPU time at the end of the take, since it started. */
  cpuSeconds: number
  /** The model was already loaded by an earlier take (no loading time in this one). */
  warm: boolean
}

export class EngineFailure extends Error {
  constructor(
    readonly code: 'canceled' | 'model_file' | 'failed',
    message: string,
    readonly file?: string,
  ) {
    super(message)
    this.name = 'EngineFailure'
  }
}

export interface EngineHostOptions {
  intraOpThreads?: number
  /** How long the model stays loaded after a take, waiting for the next one. */
  idleMs?: number
}

/** Long enough for the queue to start the next take of a batch, short enough not to sit on GBs. */
export const ENGINE_IDLE_MS = 15_000

interface Running {
  child: ChildProcess
  job: EngineRun
  resolve: (out: EngineOutput) => void
  reject: (error: EngineFailure) => void
}

export class LocalEngineHost {
  #tail: Promise<unknown> = Promise.resolve()
  #child: ChildProcess | null = null
  #running: Running | null = null
  #idle: NodeJS.Timeout | null = null
  readonly #idleMs: number

  constructor(
    /** The built engine-process.ts; null in a build without it. */
    private readonly script: string | null,
    private readonly options: EngineHostOptions = {},
  ) {
    this.#idleMs = options.idleMs ?? ENGINE_IDLE_MS
  }

  /** Runs after every take started before it; `signal` cancels it, queued or running. */
  run(job: EngineRun, signal: AbortSignal): Promise<EngineOutput> {
    const next = this.#tail.then(
      () => this.#runNow(job, signal),
      () => this.#runNow(job, signal),
    )
    this.#tail = next.catch(() => undefined)
    return next
  }

  /** Releases the model now (the app is closing); a later take starts a new process. */
  async close(): Promise<void> {
    this.#clearIdle()
    const child = this.#child
    this.#child = null
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill()
    await exited
  }

  #runNow(job: EngineRun, signal: AbortSignal): Promise<EngineOutput> {
    if (signal.aborted) return Promise.reject(new EngineFailure('canceled', 'canceled'))
    if (this.script === null) {
      return Promise.reject(
        new EngineFailure('failed', 'this build of the app has no local engine'),
      )
    }
    this.#clearIdle()
    const child = this.#childFor(this.script)
    setRef(child, true)
    const command: EngineJob = {
      type: 'run',
      modelDir: job.modelDir,
      quantized: job.quantized,
      request: job.request,
      ...(this.options.intraOpThreads ? { intraOpThreads: this.options.intraOpThreads } : {}),
    }
    const onAbort = (): void => void send(child, { type: 'cancel' })
    signal.addEventListener('abort', onAbort, { once: true })
    return new Promise<EngineOutput>((resolve, reject) => {
      const settle = (): void => {
        signal.removeEventListener('abort', onAbort)
        this.#running = null
        this.#startIdle()
      }
      this.#running = {
        child,
        job,
        resolve: (out) => (settle(), resolve(out)),
        reject: (error) => (settle(), reject(error)),
      }
      if (!send(child, command)) {
        this.#running.reject(new EngineFailure('failed', 'the local engine could not be started'))
      }
    })
  }

  #childFor(script: string): ChildProcess {
    if (this.#child) return this.#child
    // No inherited flags (a debugger's, a test runner's); typed arrays cross as they are.
    const child = fork(script, [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    // Only the take this process runs hears from it: a process told to exit may still be ending
    // while the next take starts on a new one.
    const mine = (): Running | null => (this.#running?.child === child ? this.#running : null)
    child.on('message', (message: EngineMessage) => {
      const running = mine()
      if (!running) return
      if (message.type === 'progress') {
        running.job.onProgress(message.done, message.total, message.cpuSeconds)
      } else if (message.type === 'done') {
        running.resolve({
          samples: message.samples,
          sampleRate: message.sampleRate,
          rssBytes: message.rssBytes,
          cpuSeconds: message.cpuSeconds,
          warm: message.warm,
        })
      } else running.reject(new EngineFailure(message.code, message.message, message.file))
    })
    child.on('error', (error) => mine()?.reject(new EngineFailure('failed', error.message)))
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#child = null
      const how = signal ? `signal ${signal}` : `exit code ${code}`
      mine()?.reject(new EngineFailure('failed', `the local engine stopped (${how})`))
    })
    this.#child = child
    return child
  }

  #startIdle(): void {
    const child = this.#child
    if (!child) return
    // An idle engine does not keep the app's process alive, nor does its timer.
    setRef(child, false)
    this.#idle = setTimeout(() => {
      this.#idle = null
      if (this.#child === child && !this.#running) {
        this.#child = null
        send(child, { type: 'exit' })
      }
    }, this.#idleMs)
    this.#idle.unref()
  }

  #clearIdle(): void {
    if (this.#idle) clearTimeout(this.#idle)
    this.#idle = null
  }
}

/** Sends a command; false when the process is gone (its exit handler reports it). */
function send(child: ChildProcess, command: EngineCommand): boolean {
  if (!child.connected) return false
  child.send(command, (error) => {
    // The process went away meanwhile: its exit handler fails the take.
    if (error) child.kill()
  })
  return true
}

/** Whether the engine process (and its channel) keeps this process's event loop alive. */
function setRef(child: ChildProcess, ref: boolean): void {
  if (ref) {
    child.ref()
    child.channel?.ref()
  } else {
    child.unref()
    child.channel?.unref()
  }
}
