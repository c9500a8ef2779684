import { describe, expect, it } from 'vitest'
import { GroupSync } from '../../../src/main/core/store/group-sync'

/** A sync whose runs the test finishes by hand. */
function manualSync() {
  const runs: { resolve(): void; reject(error: Error): void }[] = []
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      runs.push({ resolve, reject })
    })
  return { runs, sync }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('GroupSync', () => {
  it('starts a sync at once when idle', async () => {
    const { runs, sync } = manualSync()
    const group = new GroupSync(sync)
    let done = false
    void group.flush().then(() => (done = true))
    expect(runs).toHaveLength(1)
    await tick()
    expect(done).toBe(false)
    runs[0]!.resolve()
    await tick()
    expect(done).toBe(true)
  })

  it('makes callers arriving during a sync share one more sync, started after it', async () => {
    const { runs, sync } = manualSync()
    const group = new GroupSync(sync)
    const first = group.flush()
    const later = [group.flush(), group.flush(), group.flush()]
    expect(later[0]).toBe(later[1])
    expect(runs).toHaveLength(1)
    runs[0]!.resolve()
    await first
    await tick()
    // The later callers' writes may postdate the first sync: they need the second.
    expect(runs).toHaveLength(2)
    let settled = false
    void Promise.all(later).then(() => (settled = true))
    await tick()
    expect(settled).toBe(false)
    runs[1]!.resolve()
    await Promise.all(later)
    expect(runs).toHaveLength(2)
  })

  it('reports a failed sync to its callers and runs again for the next flush', async () => {
    const { runs, sync } = manualSync()
    const group = new GroupSync(sync)
    const failing = group.flush()
    runs[0]!.reject(new Error('EIO: i/o error'))
    await expect(failing).rejects.toThrow('EIO')
    const again = group.flush()
    expect(runs).toHaveLength(2)
    runs[1]!.resolve()
    await expect(again).resolves.toBeUndefined()
  })

  it('still runs the queued sync when the running one fails', async () => {
    const { runs, sync } = manualSync()
    const group = new GroupSync(sync)
    const first = group.flush().catch((e: unknown) => e)
    const second = group.flush()
    runs[0]!.reject(new Error('EIO'))
    await first
    await tick()
    expect(runs).toHaveLength(2)
    runs[1]!.resolve()
    await expect(second).resolves.toBeUndefined()
  })

  it('waits for syncs in progress on close, then resolves flushes without syncing', async () => {
    const { runs, sync } = manualSync()
    const group = new GroupSync(sync)
    void group.flush()
    let closed = false
    void group.close().then(() => (closed = true))
    await tick()
    expect(closed).toBe(false)
    runs[0]!.resolve()
    await tick()
    expect(closed).toBe(true)
    await group.flush()
    expect(runs).toHaveLength(1)
  })
})
