import { describe, expect, it } from 'vitest'
import { placeClips } from '../../../src/shared/placement'
import { createClipCommand, masterGainCommand, updateClipCommand } from '../../../src/shared/undo'
import type { Clip } from '../../../src/shared/domain'
import { makeWav } from '../../fakes/common'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

async function project(core: TestCore) {
  const { id: projectId } = await core.call('projects.create', { name: 'Song' })
  const keys = await core.call('tracks.create', { projectId, name: 'Keys' })
  const asset = await core.call('assets.import', {
    projectId,
    name: 'riff.wav',
    data: makeWav(2, 1).toString('base64'),
  })
  return { projectId, keys, asset }
}

async function clipsOf(core: TestCore, projectId: string) {
  const detail = await core.call('projects.get', { projectId })
  return detail.tracks.map((t) => ({ name: t.name, clips: t.clips.map((c) => c.start) }))
}

const newClip = (trackId: string, assetId: string, start: number): Clip => ({
  id: 'pending-1',
  trackId,
  assetId,
  start,
  offset: 0,
  length: 96_000,
  gainDb: 0,
  fadeIn: 0,
  fadeOut: 0,
})

describe('the timeline history, kept per project in the store', () => {
  it('makes each change one step, undone and redone in order, and keeps it across a restart', async () => {
    const dir = tempDir()
    let core = startCore(dir)
    const { projectId, keys, asset } = await project(core)
    const history = () => core.call('timeline.history', { projectId })
    expect(await history()).toEqual({ undoLabel: null, redoLabel: null })

    // An import: the clip gets a real id, and the step is recorded with it.
    const placed = await core.call('timeline.edit', {
      projectId,
      command: createClipCommand('Import riff.wav', newClip(keys.id, asset.id, 0)),
    })
    const clipId = placed.ids['pending-1']!
    expect(clipId).toMatch(/^[0-9a-f-]{36}$/)
    // A take dropped on top of it goes on a lane below, in one step with that lane.
    const detail = await core.call('projects.get', { projectId })
    const drop = placeClips({
      projectId,
      tracks: detail.tracks,
      clips: [newClip(keys.id, asset.id, 48_000)],
      reason: 'take',
      label: 'Place take',
    })
    await core.call('timeline.edit', { projectId, command: drop.command })
    expect(await clipsOf(core, projectId)).toEqual([
      { name: 'Keys', clips: [0] },
      { name: 'Keys (take)', clips: [48_000] },
    ])
    const before = (await core.call('projects.get', { projectId })).tracks[0]!.clips[0]!
    await core.call('timeline.edit', {
      projectId,
      command: updateClipCommand('Move clip', before, { ...before, start: 500 })!,
    })
    expect(await history()).toEqual({ undoLabel: 'Move clip', redoLabel: null })
    core.close()

    // After a reload (here a restart), the same steps undo in the order they happened.
    core = startCore(dir)
    expect(await core.call('timeline.undo', { projectId })).toEqual({
      undoLabel: 'Place take',
      redoLabel: 'Move clip',
    })
    expect((await clipsOf(core, projectId))[0]).toEqual({ name: 'Keys', clips: [0] })
    await core.call('timeline.undo', { projectId })
    expect(await clipsOf(core, projectId)).toEqual([{ name: 'Keys', clips: [0] }])
    await core.call('timeline.undo', { projectId })
    expect(await clipsOf(core, projectId)).toEqual([{ name: 'Keys', clips: [] }])
    expect(await history()).toEqual({ undoLabel: null, redoLabel: 'Import riff.wav' })
    // Redo brings them back (new ids, followed by the later steps).
    await core.call('timeline.redo', { projectId })
    await core.call('timeline.redo', { projectId })
    await core.call('timeline.redo', { projectId })
    expect(await clipsOf(core, projectId)).toEqual([
      { name: 'Keys', clips: [500] },
      { name: 'Keys (take)', clips: [48_000] },
    ])
    core.close()
  })

  it('drops a step whose clip is gone, with a message, and keeps the ones before it', async () => {
    const core = startCore(tempDir())
    const { projectId, keys, asset } = await project(core)
    await core.call('timeline.edit', {
      projectId,
      command: createClipCommand('Import riff.wav', newClip(keys.id, asset.id, 0)),
    })
    const clip = (await core.call('projects.get', { projectId })).tracks[0]!.clips[0]!
    await core.call('timeline.edit', {
      projectId,
      command: updateClipCommand('Move clip', clip, { ...clip, start: 10 })!,
    })
    // Removed outside the history (e.g. with its track by another window).
    await core.call('clips.delete', { clipId: clip.id })
    const failed = await core.dispatch('timeline.undo', { projectId })
    expect(failed).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(!failed.ok && failed.error.message).toMatch(
      /^Could not undo "Move clip": Clip .* does not exist/,
    )
    expect(await core.call('timeline.history', { projectId })).toEqual({
      undoLabel: 'Import riff.wav',
      redoLabel: null,
    })
    core.close()
  })

  it('refuses a step that touches another project, changing nothing', async () => {
    const core = startCore(tempDir())
    const a = await project(core)
    const b = await project(core)
    const result = await core.dispatch('timeline.edit', {
      projectId: a.projectId,
      command: createClipCommand('Import', newClip(b.keys.id, b.asset.id, 0)),
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(await clipsOf(core, b.projectId)).toEqual([{ name: 'Keys', clips: [] }])
    expect(await core.call('timeline.history', { projectId: a.projectId })).toEqual({
      undoLabel: null,
      redoLabel: null,
    })
    core.close()
  })

  it('keeps the history bounded', async () => {
    const core = startCore(tempDir())
    const { projectId, keys, asset } = await project(core)
    await core.call('timeline.edit', {
      projectId,
      command: createClipCommand('Import', newClip(keys.id, asset.id, 0)),
    })
    let clip = (await core.call('projects.get', { projectId })).tracks[0]!.clips[0]!
    for (let i = 1; i <= 205; i++) {
      const next = { ...clip, start: i }
      await core.call('timeline.edit', {
        projectId,
        command: updateClipCommand(`Move ${i}`, clip, next)!,
      })
      clip = next
    }
    let undone = 0
    while ((await core.call('timeline.history', { projectId })).undoLabel !== null) {
      await core.call('timeline.undo', { projectId })
      undone++
    }
    expect(undone).toBe(200)
    expect((await core.call('projects.get', { projectId })).tracks[0]!.clips[0]!.start).toBe(5)
    core.close()
  })
})

describe('the master gain in the history', () => {
  it('makes each change one undo step and refuses another project', async () => {
    const core = startCore(tempDir())
    const { projectId } = await project(core)
    const other = await core.call('projects.create', { name: 'Other' })
    const gain = async () => (await core.call('projects.get', { projectId })).masterGainDb
    expect(await gain()).toBe(0)
    await core.call('timeline.edit', { projectId, command: masterGainCommand(projectId, 0, -3) })
    await core.call('timeline.edit', { projectId, command: masterGainCommand(projectId, -3, -6) })
    expect(await gain()).toBe(-6)
    expect(await core.call('timeline.history', { projectId })).toMatchObject({
      undoLabel: 'Change master gain',
    })
    // A fader records its step when it is let go: each change is a step of its own.
    await core.call('timeline.undo', { projectId })
    expect(await gain()).toBe(-3)
    await core.call('timeline.undo', { projectId })
    expect(await gain()).toBe(0)
    await core.call('timeline.redo', { projectId })
    expect(await gain()).toBe(-3)
    await expect(
      core.call('timeline.edit', {
        projectId,
        command: masterGainCommand(other.id, 0, 3),
      }),
    ).rejects.toThrow(/its own project/)
    await expect(
      core.call('projects.setMasterGain', { projectId, masterGainDb: 20 }),
    ).rejects.toThrow(/at most \+12 dB/)
    expect((await core.call('projects.get', { projectId: other.id })).masterGainDb).toBe(0)
  })
})
