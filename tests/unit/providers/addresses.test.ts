import { describe, expect, it } from 'vitest'
import { addressProblem, isLoopback } from '../../../src/main/core/providers/addresses'
import { descriptorOf } from '../../../src/main/core/providers/registry'
import { SettingsService } from '../../../src/main/core/settings-service'
import type { SettingsTable } from '../../../src/main/core/store/settings'

function memoryTable(): SettingsTable {
  const values = new Map<string, unknown>()
  return {
    all: () => new Map(values),
    set: (key: string, value: unknown) => void values.set(key, value),
  } as unknown as SettingsTable
}

function service(env: Record<string, string> = {}): SettingsService {
  return new SettingsService(memoryTable(), env)
}

describe('provider addresses', () => {
  it('prefers the environment, then the setting, then the default', () => {
    const s = service()
    expect(s.addressOf('cog')).toBe('http://127.0.0.1:5000')
    expect(s.addressOf('replicate')).toBe('https://api.replicate.com')
    s.set({ cogBaseUrl: 'https://gpu.example:5000/' })
    expect(s.addressOf('cog')).toBe('https://gpu.example:5000')
    const env = service({ MUSICSKETCH_REPLICATE_URL: 'http://127.0.0.1:9/' })
    expect(env.addressOf('replicate')).toBe('http://127.0.0.1:9')
    expect(env.get().overriddenByEnvironment).toEqual(['replicateBaseUrl'])
  })

  it('allows plain http only for Cog on this computer', () => {
    expect(isLoopback(new URL('http://127.3.2.1:5000'))).toBe(true)
    expect(isLoopback(new URL('http://localhost:5000'))).toBe(true)
    expect(isLoopback(new URL('http://[::1]:5000'))).toBe(true)
    expect(isLoopback(new URL('http://192.168.1.5:5000'))).toBe(false)
    expect(isLoopback(new URL('http://127.0.0.1.evil.example'))).toBe(false)
    const cog = descriptorOf('cog')
    const replicate = descriptorOf('replicate')
    expect(addressProblem(cog, 'http://127.0.0.1:5000')).toBeNull()
    expect(addressProblem(cog, 'http://192.168.1.5:5000')).toMatch(/only on this computer/)
    expect(addressProblem(cog, 'https://gpu.example')).toBeNull()
    expect(addressProblem(replicate, 'http://127.0.0.1:8080')).toMatch(/https/)
    expect(addressProblem(replicate, 'https://user:pw@api.replicate.com')).toMatch(/password/)
    expect(() => service().set({ replicateBaseUrl: 'http://127.0.0.1:8080' })).toThrow(
      /The Replicate address must start with https/,
    )
    expect(() => service().set({ cogBaseUrl: 'http://10.0.0.2:5000' })).toThrow(
      /The Cog container address must start with https/,
    )
  })

  it('binds a key to the address it was saved for', () => {
    const s = service()
    expect(s.keyAddressProblem('replicate')).toBeNull()
    expect(s.keyAddressProblem('cog')).toBeNull()
    s.set({ replicateBaseUrl: 'https://proxy.example' })
    expect(s.keyAddressProblem('replicate')).toMatch(
      /saved for https:\/\/api\.replicate\.com.*enter the key again/,
    )
    // Entered again while the proxy is set: it may go there, and no longer to the official one.
    s.bindKey('replicate', 'replicate')
    expect(s.keyAddressProblem('replicate')).toBeNull()
    s.set({ replicateBaseUrl: 'https://api.replicate.com' })
    expect(s.keyAddressProblem('replicate')).toMatch(/saved for https:\/\/proxy\.example/)
    // Scenario needs both its key and its secret entered again.
    s.set({ scenarioBaseUrl: 'https://other.example' })
    s.bindKey('scenario', 'scenario-key')
    expect(s.keyAddressProblem('scenario')).toMatch(/enter the key again/)
    s.bindKey('scenario', 'scenario-secret')
    expect(s.keyAddressProblem('scenario')).toBeNull()
    s.unbindKey('scenario-key')
    expect(s.keyAddressProblem('scenario')).toMatch(/saved for https:\/\/api\.cloud\.scenario\.com/)
  })

  it('trusts an address from the environment (set by whoever starts the app)', () => {
    const s = service({ MUSICSKETCH_REPLICATE_URL: 'http://127.0.0.1:9' })
    expect(s.keyAddressProblem('replicate')).toBeNull()
  })
})
