import { describe, expect, it } from 'vitest'
import type { Clip } from '../../../src/shared/domain'
import {
  combineCommands,
  compactPatches,
  createClipCommand,
  deleteClipCommand,
  deleteTrackCommand,
  UndoStack,
  updateClipCommand,
  type Command,
  type Patch,
} from '../../../src/shared/undo'

const clip: Clip = {
  id: 'c1',
  trackId: 't1',
  assetId: 'a1',
  start: 1000,
  offset: 0,
  length: 48000,
  gainDb: 0,
  fadeIn: 0,
  fadeOut: 0,
}

const move = (from: number, to: number, id = 'c1'): Command => ({
  label: 'Move clip',
  mergeKey: `move:${id}`,
  do: [{ method: 'clips.update', input: { clipId: id, start: to } }],
  undo: [{ method: 'clips.update', input: { clipId: id, start: from } }],
})

/** Applies patches to a map of clips, as the renderer would through the contract. */
function applyTo(clips: Map<string, Clip>, patches: Patch[], stack: UndoStack, next: () => string) {
  for (const p of patches) {
    if (p.method === 'clips.update') {
      const { clipId, ...fields } = p.input
      clips.set(clipId, { ...clips.get(clipId)!, ...fields })
    } else if (p.method === 'clips.delete') {
      clips.delete(p.input.clipId)
    } else if (p.method === 'clips.create') {
      const id = next()
      const c = p.input
      clips.set(id, {
        id,
        trackId: c.trackId,
        assetId: c.assetId,
        start: c.start,
        offset: c.offset ?? 0,
        length: c.length ?? 1,
        gainDb: c.gainDb ?? 0,
        fadeIn: c.fadeIn ?? 0,
        fadeOut: c.fadeOut ?? 0,
      })
      if (p.recreates !== undefined) stack.remapId(p.recreates, id)
    }
  }
}

describe('UndoStack', () => {
  it('undoes and redoes in order, clearing redo on push', () => {
    const s = new UndoStack()
    expect(s.undo()).toBeNull()
    expect(s.redo()).toBeNull()
    s.push(move(0, 10), 0)
    s.push({ ...move(10, 20), mergeKey: undefined }, 10_000)
    expect(s.size).toBe(2)
    expect(s.undoLabel).toBe('Move clip')
    expect(s.undo()).toEqual(move(10, 20).undo)
    expect(s.canRedo).toBe(true)
    expect(s.undo()).toEqual(move(0, 10).undo)
    expect(s.canUndo).toBe(false)
    expect(s.redo()).toEqual(move(0, 10).do)
    s.push(move(10, 30), 20_000)
    expect(s.canRedo).toBe(false)
    expect(s.redo()).toBeNull()
    expect(s.undo()).toEqual(move(10, 30).undo)
  })

  it('keeps at most `limit` commands', () => {
    const s = new UndoStack({ limit: 3 })
    for (let i = 0; i < 5; i++) s.push({ ...move(i, i + 1), mergeKey: undefined }, i)
    expect(s.size).toBe(3)
    expect(s.undo()).toEqual(move(4, 5).undo)
    expect(s.undo()).toEqual(move(3, 4).undo)
    expect(s.undo()).toEqual(move(2, 3).undo)
    expect(s.undo()).toBeNull()
  })

  it('merges a drag into one command and folds its patches', () => {
    const s = new UndoStack({ mergeWindowMs: 500 })
    s.push(move(0, 10), 0)
    s.push(move(10, 20), 100)
    s.push(move(20, 35), 200)
    expect(s.size).toBe(1)
    expect(s.undo()).toEqual([{ method: 'clips.update', input: { clipId: 'c1', start: 0 } }])
    expect(s.redo()).toEqual([{ method: 'clips.update', input: { clipId: 'c1', start: 35 } }])
  })

  it('does not merge across a seal, a pause, another key or an undo', () => {
    const s = new UndoStack({ mergeWindowMs: 500 })
    s.push(move(0, 10), 0)
    s.seal()
    s.push(move(10, 20), 100)
    s.push(move(20, 30), 1000) // pause
    s.push(move(0, 5, 'c2'), 1100) // another clip
    expect(s.size).toBe(4)
    s.undo()
    s.redo()
    s.push(move(5, 6, 'c2'), 1200)
    expect(s.size).toBe(5)
  })

  it('folds updates of several fields and keeps the earliest values on undo', () => {
    const s = new UndoStack()
    const trim = (before: Clip, after: Clip) => updateClipCommand('Trim', before, after, 'trim:c1')!
    const a = { ...clip, start: 1500, offset: 500, length: 47500 }
    const b = { ...a, length: 40000 }
    s.push(trim(clip, a), 0)
    s.push(trim(a, b), 10)
    const undo = s.undo()!
    expect(undo).toEqual([
      {
        method: 'clips.update',
        input: { clipId: 'c1', start: 1000, offset: 0, length: 48000 },
      },
    ])
    expect(s.redo()).toEqual([
      {
        method: 'clips.update',
        input: { clipId: 'c1', start: 1500, offset: 500, length: 40000 },
      },
    ])
  })

  it('replays delete / create through new ids (remapId)', () => {
    const clips = new Map([[clip.id, clip]])
    let n = 0
    const next = () => `new${++n}`
    const s = new UndoStack()
    // The user deletes c1.
    clips.delete('c1')
    s.push(deleteClipCommand('Delete clip', clip))
    // Undo recreates it as new1 and points the redo at it.
    applyTo(clips, s.undo()!, s, next)
    expect([...clips.keys()]).toEqual(['new1'])
    expect({ ...clips.get('new1')!, id: 'c1' }).toEqual(clip)
    applyTo(clips, s.redo()!, s, next)
    expect(clips.size).toBe(0)
    applyTo(clips, s.undo()!, s, next)
    expect([...clips.keys()]).toEqual(['new2'])
    // A later edit of the recreated clip undoes normally.
    const before = clips.get('new2')!
    const moved = { ...before, start: 5 }
    clips.set('new2', moved)
    s.push(updateClipCommand('Move clip', before, moved)!)
    applyTo(clips, s.undo()!, s, next)
    expect(clips.get('new2')!.start).toBe(1000)
  })

  it('undoes a split (update + create) as one command', () => {
    const clips = new Map([[clip.id, clip]])
    const first = { ...clip, length: 10000 }
    const second: Clip = { ...clip, id: 'c9', start: 11000, offset: 10000, length: 38000 }
    clips.set('c1', first)
    clips.set('c9', second)
    const s = new UndoStack()
    s.push(
      combineCommands('Split clip', [
        updateClipCommand('', clip, first)!,
        createClipCommand('', second),
      ]),
    )
    const undo = s.undo()!
    expect(undo.map((p) => p.method)).toEqual(['clips.delete', 'clips.update'])
    applyTo(clips, undo, s, () => 'x')
    expect([...clips.values()]).toEqual([clip])
    applyTo(clips, s.redo()!, s, () => 'c10')
    expect(clips.get('c10')).toEqual({ ...second, id: 'c10' })
    // The undo now deletes c10, not c9.
    expect(s.undo()![0]).toEqual({ method: 'clips.delete', input: { clipId: 'c10' } })
  })

  it('has no command for an edit that changes nothing', () => {
    expect(updateClipCommand('Move', clip, { ...clip })).toBeNull()
  })
})

describe('compactPatches', () => {
  it('folds only adjacent updates of the same entity', () => {
    const patches: Patch[] = [
      { method: 'clips.update', input: { clipId: 'a', start: 1 } },
      { method: 'clips.update', input: { clipId: 'a', gainDb: -3 } },
      { method: 'clips.update', input: { clipId: 'b', start: 2 } },
      { method: 'clips.update', input: { clipId: 'a', start: 3 } },
      { method: 'tracks.update', input: { trackId: 't', mute: true } },
      { method: 'tracks.update', input: { trackId: 't', mute: false, solo: true } },
      { method: 'clips.delete', input: { clipId: 'a' } },
      { method: 'clips.delete', input: { clipId: 'a' } },
    ]
    expect(compactPatches(patches)).toEqual([
      { method: 'clips.update', input: { clipId: 'a', start: 1, gainDb: -3 } },
      { method: 'clips.update', input: { clipId: 'b', start: 2 } },
      { method: 'clips.update', input: { clipId: 'a', start: 3 } },
      { method: 'tracks.update', input: { trackId: 't', mute: false, solo: true } },
      { method: 'clips.delete', input: { clipId: 'a' } },
      { method: 'clips.delete', input: { clipId: 'a' } },
    ])
  })
})

describe('deleteTrackCommand', () => {
  it('re-creates the track, restores its settings and place, then its clips on it', () => {
    const track = {
      id: 'track-old',
      projectId: 'project',
      name: 'Bass',
      position: 2,
      gainDb: -4,
      mute: true,
      solo: false,
      clips: [
        {
          id: 'clip-old',
          trackId: 'track-old',
          assetId: 'a',
          start: 10,
          offset: 2,
          length: 50,
          gainDb: 1,
          fadeIn: 3,
          fadeOut: 4,
        },
      ],
    }
    const cmd = deleteTrackCommand(track)
    expect(cmd.do).toEqual([{ method: 'tracks.delete', input: { trackId: 'track-old' } }])
    expect(cmd.undo.map((p) => p.method)).toEqual([
      'tracks.create',
      'tracks.update',
      'clips.create',
    ])
    expect(cmd.undo[0]).toMatchObject({
      input: { projectId: 'project', name: 'Bass' },
      recreates: 'track-old',
    })
    expect(cmd.undo[1]).toMatchObject({
      input: { trackId: 'track-old', gainDb: -4, mute: true, solo: false, position: 2 },
    })
    expect(cmd.undo[2]).toMatchObject({
      input: { trackId: 'track-old', assetId: 'a', start: 10, offset: 2, length: 50 },
      recreates: 'clip-old',
    })

    const stack = new UndoStack()
    stack.push(cmd)
    expect(stack.undo()).toEqual(cmd.undo)
    // After the undo the track came back as track-new: redo deletes that one.
    stack.remapId('track-old', 'track-new')
    expect(stack.redo()).toEqual([{ method: 'tracks.delete', input: { trackId: 'track-new' } }])
  })
})
