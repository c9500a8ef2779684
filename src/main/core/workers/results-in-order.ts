/**
 * Runs `count` tasks, started by `start(k)`, and yields their results in order. At most `ahead`
 * times as many run at a time as `tasks` runs in parallel: with 2, the workers stay busy while
 * the caller uses a result, and results waiting for the caller stay few (memory); with 1, for
 * results the caller uses at once, a worker runs one task at a time and holds one task's memory.
 */
export async function* resultsInOrder<T>(
  count: number,
  tasks: { readonly parallelism: number },
  start: (k: number) => Promise<T>,
  ahead: 1 | 2 = 2,
): AsyncGenerator<T> {
  const limit = Math.max(2, ahead * tasks.parallelism)
  const pending: Promise<T>[] = []
  let started = 0
  for (let k = 0; k < count; k++) {
    while (started < count && pending.length < limit) {
      const task = start(started++)
      // Awaited in order below; until then a failure must not count as unhandled.
      task.catch(() => {})
      pending.push(task)
    }
    yield await pending.shift()!
  }
}
