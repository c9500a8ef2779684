import { describe, expect, it } from 'vitest'
import type { Provider } from '../../../src/shared/musicgen'
import { NetworkMonitor, probeDelay } from '../../../src/main/core/jobs/network'
import type { Log } from '../../../src/main/core/log'

const quiet: Log = { info: () => undefined, warn: () => undefined, error: () => undefined }

describe('network monitor', () => {
  it('backs off exponentially with jitter, capped', () => {
    const half = (): number => 0.5
    expect(probeDelay(0, 1000, 60_000, half)).toBe(750)
    expect(probeDelay(1, 1000, 60_000, half)).toBe(1500)
    expect(probeDelay(10, 1000, 60_000, half)).toBe(45_000)
    expect(probeDelay(3, 1000, 60_000, () => 0)).toBe(4000)
    expect(probeDelay(3, 1000, 60_000, () => 1)).toBe(8000)
  })

  it('probes until the provider answers, then reports it online once', async () => {
    const slept: number[] = []
    let answers = 0
    const online: Provider[] = []
    const stop = new AbortController()
    const monitor = new NetworkMonitor({
      probe: () => Promise.resolve(++answers >= 4 ? null : 'connect ECONNREFUSED'),
      sleep: (ms) => {
        slept.push(ms)
        return Promise.resolve()
      },
      random: () => 0.5,
      onOnline: (p) => online.push(p),
      log: quiet,
      signal: stop.signal,
    })
    monitor.markOffline('replicate', 'ECONNREFUSED')
    monitor.markOffline('replicate', 'again') // one probe loop per provider
    expect(monitor.isOffline('replicate')).toBe(true)
    expect(monitor.isOffline('cog')).toBe(false)
    expect(monitor.reason('replicate')).toBe('again')
    await new Promise((r) => setTimeout(r, 10))
    expect(online).toEqual(['replicate'])
    expect(monitor.isOffline('replicate')).toBe(false)
    expect(slept).toEqual([750, 1500, 3000, 6000])
    stop.abort()
  })

  it('stops probing when the app closes', async () => {
    const stop = new AbortController()
    let probes = 0
    const monitor = new NetworkMonitor({
      probe: () => {
        probes++
        return Promise.resolve('connect ECONNREFUSED')
      },
      // Yields to the event loop, as a real sleep does.
      sleep: (_ms, signal) =>
        new Promise((resolve, reject) =>
          setImmediate(() => (signal?.aborted === true ? reject(new Error('stopped')) : resolve())),
        ),
      random: () => 0.5,
      onOnline: () => undefined,
      log: quiet,
      signal: stop.signal,
    })
    monitor.markOffline('scenario', 'down')
    await new Promise((r) => setImmediate(r))
    stop.abort()
    await new Promise((r) => setTimeout(r, 10))
    const after = probes
    await new Promise((r) => setTimeout(r, 10))
    expect(probes).toBe(after)
  })
})
