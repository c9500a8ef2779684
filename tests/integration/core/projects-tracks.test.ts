import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EventName } from '../../../src/shared/api'
import { SCHEMA_VERSION } from '../../../src/main/core/store/migrations'
import { startCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

describe('projects and tracks through the contract', () => {
  it('creates, lists, renames and deletes projects, and persists across restarts', async () => {
    const dir = tempDir()
    const core = startCore(dir)
    const events: EventName[] = []
    core.events.onAny((event) => events.push(event))

    const song = await core.call('projects.create', { name: 'Song' })
    expect(song).toMatchObject({ name: 'Song', sampleRate: 48000, tempoBpm: null })
    const other = await core.call('projects.create', { name: 'Other', sampleRate: 44100 })
    expect((await core.call('projects.list', {})).map((p) => p.name).sort()).toEqual([
      'Other',
      'Song',
    ])

    const renamed = await core.call('projects.rename', { projectId: song.id, name: 'Song v2' })
    expect(renamed.name).toBe('Song v2')
    await core.call('projects.delete', { projectId: other.id })
    expect(events).toEqual([
      'projects.changed',
      'projects.changed',
      'projects.changed',
      'projects.changed',
    ])
    core.close()

    const reopened = startCore(dir)
    expect((await reopened.call('projects.list', {})).map((p) => p.name)).toEqual(['Song v2'])
    const missing = await reopened.dispatch('projects.get', { projectId: other.id })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } })
    reopened.close()
  })

  it('adds, updates, reorders and removes tracks, returned in order with their clips', async () => {
    const core = startCore(tempDir())
    const { id: projectId } = await core.call('projects.create', { name: 'Song' })
    const drums = await core.call('tracks.create', { projectId, name: 'Drums' })
    const bass = await core.call('tracks.create', { projectId })
    const keys = await core.call('tracks.create', { projectId, name: 'Keys' })
    expect(bass.name).toBe('Track 2')

    const updated = await core.call('tracks.update', {
      trackId: bass.id,
      name: 'Bass',
      gainDb: -6,
      mute: true,
      solo: true,
    })
    expect(updated).toMatchObject({ name: 'Bass', gainDb: -6, mute: true, solo: true, position: 1 })

    await core.call('tracks.update', { trackId: keys.id, position: 0 })
    let detail = await core.call('projects.get', { projectId })
    expect(detail.tracks.map((t) => [t.name, t.position])).toEqual([
      ['Keys', 0],
      ['Drums', 1],
      ['Bass', 2],
    ])
    expect(detail.tracks.every((t) => Array.isArray(t.clips) && t.clips.length === 0)).toBe(true)

    await core.call('tracks.update', { trackId: keys.id, position: 99 })
    await core.call('tracks.delete', { trackId: drums.id })
    detail = await core.call('projects.get', { projectId })
    expect(detail.tracks.map((t) => [t.name, t.position])).toEqual([
      ['Bass', 0],
      ['Keys', 1],
    ])
    const gone = await core.dispatch('tracks.update', { trackId: drums.id, mute: true })
    expect(gone).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const orphan = await core.dispatch('tracks.create', { projectId: drums.id })
    expect(orphan).toMatchObject({ ok: false, error: { code: 'not_found' } })
    core.close()
  })

  it('sets and clears the tempo and meter', async () => {
    const core = startCore(tempDir())
    const { id: projectId } = await core.call('projects.create', { name: 'Groove' })
    const withTempo = await core.call('projects.setTempo', {
      projectId,
      tempoBpm: 92.5,
      timeSignature: [6, 8],
    })
    expect(withTempo).toMatchObject({ tempoBpm: 92.5, timeSignature: [6, 8] })
    const defaultMeter = await core.call('projects.setTempo', { projectId, tempoBpm: 120 })
    expect(defaultMeter).toMatchObject({ tempoBpm: 120, timeSignature: [4, 4] })
    const bad = await core.dispatch('projects.setTempo', {
      projectId,
      tempoBpm: 120,
      timeSignature: [4, 3],
    })
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'timeSignature.1' },
    })
    const free = await core.call('projects.setTempo', { projectId, tempoBpm: null })
    expect(free).toMatchObject({ tempoBpm: null, timeSignature: null })
    core.close()
  })

  it('keeps settings, with environment overrides reported', async () => {
    const dir = tempDir()
    const core = startCore(dir, { env: { MUSICSKETCH_COG_URL: 'http://gpu-box:5000/' } })
    const defaults = await core.call('settings.get', {})
    expect(defaults).toMatchObject({
      replicateBaseUrl: 'https://api.replicate.com',
      cogBaseUrl: 'http://gpu-box:5000',
      theme: 'system',
      overriddenByEnvironment: ['cogBaseUrl'],
    })
    await core.call('settings.set', { replicateBaseUrl: 'https://127.0.0.1:9999/', theme: 'dark' })
    core.close()
    const reopened = startCore(dir)
    expect(await reopened.call('settings.get', {})).toMatchObject({
      replicateBaseUrl: 'https://127.0.0.1:9999',
      cogBaseUrl: 'http://127.0.0.1:5000',
      theme: 'dark',
      overriddenByEnvironment: [],
    })
    reopened.close()
  })

  it('reports app info with the data directory and schema version', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'nested', 'data'))
    expect(await core.call('app.info', {})).toMatchObject({
      name: 'MusicSketch',
      mode: 'browser',
      dataDir: join(dir, 'nested', 'data'),
      schemaVersion: SCHEMA_VERSION,
    })
    core.close()
  })
})
