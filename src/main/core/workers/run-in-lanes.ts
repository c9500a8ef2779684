/**
 * Runs `run` on every item, `lanes` at a time, in order. On the first failure, or once `signal`
 * is aborted, no further item starts; the items already running are waited for (their work may
 * need cleaning up by the caller), then that failure (or the signal's reason) is thrown.
 */
export async function runInLanes<T>(
  items: readonly T[],
  lanes: number,
  run: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0
  let failure: { error: unknown } | undefined
  const lane = async (): Promise<void> => {
    while (!failure && next < items.length) {
      if (signal?.aborted) {
        failure = { error: signal.reason }
        return
      }
      const item = items[next++]!
      try {
        await run(item)
      } catch (error) {
        failure ??= { error }
        return
      }
    }
  }
  const count = Math.min(Math.max(1, lanes), items.length)
  await Promise.all(Array.from({ length: count }, lane))
  if (failure) throw failure.error
  signal?.throwIfAborted()
}
