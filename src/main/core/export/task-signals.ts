/**
 * Words an export shares with its worker tasks while they run (a message would only arrive after
 * a task): word 0 is set when the export is canceled, word 1 + k counts the chunks that file k
 * has rendered, so that progress moves within a long task.
 */
export class TaskSignals {
  readonly words: Int32Array
  readonly #signal: AbortSignal | undefined
  readonly #cancel = (): void => void Atomics.store(this.words, 0, 1)

  constructor(files: number, signal?: AbortSignal) {
    this.words = new Int32Array(new SharedArrayBuffer((1 + files) * Int32Array.BYTES_PER_ELEMENT))
    this.#signal = signal
    if (signal?.aborted) this.#cancel()
    signal?.addEventListener('abort', this.#cancel, { once: true })
  }

  /** Chunks file k has rendered so far. */
  chunks(file: number): number {
    return Atomics.load(this.words, 1 + file)
  }

  dispose(): void {
    this.#signal?.removeEventListener('abort', this.#cancel)
  }
}

/** In a task: whether its export was canceled. */
export function isCanceled(words: Int32Array | undefined): boolean {
  return words !== undefined && Atomics.load(words, 0) !== 0
}

/** In a task: file `file` has rendered `chunks` chunks. */
export function reportChunks(words: Int32Array | undefined, file: number, chunks: number): void {
  if (words !== undefined) Atomics.store(words, 1 + file, chunks)
}
