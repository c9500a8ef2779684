/**
 * A cancellation a worker thread can see while its task runs: a shared word set to 1 when the
 * signal aborts (messages would only arrive after the task). Tasks read it with `isCanceled`.
 */
export function cancelFlag(signal: AbortSignal | undefined): {
  flag: Int32Array
  dispose: () => void
} {
  const flag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT))
  if (!signal) return { flag, dispose: () => undefined }
  const set = (): void => void Atomics.store(flag, 0, 1)
  if (signal.aborted) set()
  signal.addEventListener('abort', set, { once: true })
  return { flag, dispose: () => signal.removeEventListener('abort', set) }
}

export function isCanceled(flag: Int32Array | undefined): boolean {
  return flag !== undefined && Atomics.load(flag, 0) !== 0
}
