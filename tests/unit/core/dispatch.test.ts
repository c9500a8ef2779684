import { describe, expect, it } from 'vitest'
import type { Handlers } from '../../../src/shared/api'
import { AppError } from '../../../src/main/core/app-error'
import { createDispatch } from '../../../src/main/core/dispatch'
import { captureLog } from '../../helpers/core'

const PROJECT_ID = '5d6f1c1e-7a1b-4c3d-9e8f-0a1b2c3d4e5f'

function dispatchWith(overrides: Partial<Handlers>) {
  const handlers = new Proxy(overrides, {
    get: (target, key: string) =>
      (target as Record<string, unknown>)[key] ??
      (() => {
        throw new Error(`handler ${key} should not run`)
      }),
  }) as Handlers
  const log = captureLog()
  return { dispatch: createDispatch(handlers, log), log }
}

describe('contract validation', () => {
  const { dispatch } = dispatchWith({
    'projects.create': ({ name }) => ({
      id: PROJECT_ID,
      name,
      sampleRate: 48000,
      tempoBpm: null,
      timeSignature: null,
      masterGainDb: 0,
      createdAt: 0,
      updatedAt: 0,
    }),
  })

  it.each([
    ['projects.create', {}, 'name'],
    ['projects.create', { name: '' }, 'name'],
    ['projects.create', { name: '   ' }, 'name'],
    ['projects.create', { name: 'x'.repeat(121) }, 'name'],
    ['projects.create', { name: 'a\u0000b' }, 'name'],
    ['projects.create', { name: 42 }, 'name'],
    ['projects.create', { name: 'ok', sampleRate: 22050 }, 'sampleRate'],
    ['projects.create', { name: 'ok', extra: true }, 'extra'],
    ['projects.get', { projectId: 'not-an-id' }, 'projectId'],
    ['projects.rename', { projectId: PROJECT_ID }, 'name'],
    ['tracks.update', { trackId: PROJECT_ID, gainDb: 40 }, 'gainDb'],
    ['tracks.update', { trackId: PROJECT_ID, gainDb: Number.NaN }, 'gainDb'],
    ['tracks.update', { trackId: PROJECT_ID, position: 1.5 }, 'position'],
    ['tracks.update', { trackId: PROJECT_ID, mute: 'yes' }, 'mute'],
    ['settings.set', { replicateBaseUrl: 'ftp://example.com' }, 'replicateBaseUrl'],
    ['settings.set', { cogBaseUrl: 'not a url' }, 'cogBaseUrl'],
    ['settings.set', { theme: 'neon' }, 'theme'],
    ['secrets.set', { account: 'github', value: 'abc' }, 'account'],
    ['secrets.set', { account: 'replicate', value: '' }, 'value'],
    ['secrets.set', { account: 'replicate', value: 'two words' }, 'value'],
  ])('%s rejects %j naming %s', async (method, input, field) => {
    const result = await dispatch(method, input)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('invalid_input')
    expect(result.error.field).toBe(field)
    expect(result.error.message).toContain(field)
  })

  it('accepts valid input and trims names', async () => {
    const result = await dispatch('projects.create', { name: '  Night drive  ' })
    expect(result).toMatchObject({ ok: true, value: { name: 'Night drive' } })
  })

  it('rejects a non-object payload', async () => {
    const result = await dispatch('projects.create', 'Night drive')
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
  })

  it('refuses unknown methods, including inherited property names', async () => {
    for (const method of ['projects.explode', 'toString', '__proto__', 42]) {
      const result = await dispatch(method, {})
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    }
  })
})

describe('handler failures', () => {
  it('passes AppError codes through', async () => {
    const { dispatch } = dispatchWith({
      'projects.get': () => {
        throw new AppError('not_found', 'Project x does not exist')
      },
    })
    const result = await dispatch('projects.get', { projectId: PROJECT_ID })
    expect(result).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'Project x does not exist' },
    })
  })

  it('reports unexpected errors as internal and logs them', async () => {
    const { dispatch, log } = dispatchWith({
      'projects.list': () => Promise.reject(new Error('disk on fire')),
    })
    const result = await dispatch('projects.list', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
    expect(log.lines.join('\n')).toContain('disk on fire')
  })

  it('says the disk is full (SQLite or the file system) in words, with the cause kept', async () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
    const nospace = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    })
    const { dispatch, log } = dispatchWith({
      'projects.create': () => {
        throw full
      },
      'tracks.create': () => Promise.reject(nospace),
    })
    for (const result of [
      await dispatch('projects.create', { name: 'x' }),
      await dispatch('tracks.create', { projectId: PROJECT_ID }),
    ]) {
      expect(result).toMatchObject({ ok: false, error: { code: 'disk_full' } })
      if (!result.ok) expect(result.error.message).toMatch(/disk .* is full/)
    }
    expect(log.lines.join('\n')).toContain('SQLITE_FULL')
  })

  it('answers even when logging the failure throws', async () => {
    const throwing = {
      info: () => undefined,
      warn: () => undefined,
      error: () => {
        throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })
      },
    }
    const handlers = { 'projects.list': () => Promise.reject(new Error('boom')) } as never
    const result = await createDispatch(handlers, throwing)('projects.list', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } })
  })

  it('keeps every error short, whatever the input (100,000 unknown keys)', async () => {
    const { dispatch } = dispatchWith({})
    const input: Record<string, number> = { name: 1 }
    for (let i = 0; i < 100_000; i++) input[`k${i}`] = 0
    const result = await dispatch('projects.create', input)
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(JSON.stringify(result).length).toBeLessThan(1000)
    const long = await dispatch('projects.create', { ['x'.repeat(100_000)]: 1 })
    expect(JSON.stringify(long).length).toBeLessThan(1000)
  })
})
