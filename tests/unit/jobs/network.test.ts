import { describe, expect, it, vi } from 'vitest'
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
    let cameOnline = (): void => undefined
    const reported = new Promise<void>((resolve) => (cameOnline = resolve))
    const stop = new AbortController()
    const monitor = new NetworkMonitor({
      probe: () => Promise.resolve(++answers >= 4),
      sleep: (ms) => {
        slept.push(ms)
        return Promise.resolve()
      },
      random: () => 0.5,
      onOnline: (p) => {
        online.push(p)
        cameOnline()
      },
      log: quiet,
      signal: stop.signal,
    })
    monitor.markOffline('replicate', 'ECONNREFUSED')
    monitor.markOffline('replicate', 'again') // one probe loop per provider
    expect(monitor.isOffline('replicate')).toBe(true)
    expect(monitor.isOffline('cog')).toBe(false)
    expect(monitor.reason('replicate')).toBe('again')
    await reported
    expect(online).toEqual(['replicate'])
    expect(monitor.isOffline('replicate')).toBe(false)
    expect(slept).toEqual([750, 1500, 3000, 6000])
    stop.abort()
  })

  it('stops probing when the app closes', async () => {
    const stop = new AbortController()
    let probes = 0
    // A controllable sleep: each wait ends when the test says so, or fails when the app closes.
    const waits: { wake: () => void; ended: Promise<void> }[] = []
    const monitor = new NetworkMonitor({
      probe: () => {
        probes++
        return Promise.resolve(false)
      },
      sleep: (_ms, signal) => {
        let wake = (): void => undefined
        const ended = new Promise<void>((resolve, reject) => {
          wake = resolve
          signal?.addEventListener('abort', () => reject(new Error('stopped')), { once: true })
        })
        waits.push({ wake, ended })
        return ended
      },
      random: () => 0.5,
      onOnline: () => undefined,
      log: quiet,
      signal: stop.signal,
    })
    monitor.markOffline('scenario', 'down')
    expect(waits).toHaveLength(1)
    waits[0]!.wake()
    await vi.waitFor(() => expect(waits).toHaveLength(2)) // probed once, waiting for the next
    expect(probes).toBe(1)
    stop.abort()
    await expect(waits[1]!.ended).rejects.toThrow('stopped')
    // The loop ended on the failed wait: it neither probes nor waits again.
    await new Promise((r) => setImmediate(r))
    expect(probes).toBe(1)
    expect(waits).toHaveLength(2)
    expect(monitor.isOffline('scenario')).toBe(true)
  })
})
