import { describe, expect, it } from 'vitest'
import type { Clip } from '../../../src/shared/domain'
import { overflowLaneName, placeClips, type PlacementTrack } from '../../../src/shared/placement'

function clip(fields: Partial<Clip> & { id: string }): Clip {
  return {
    trackId: 'keys',
    assetId: 'a',
    start: 0,
    offset: 0,
    length: 100,
    gainDb: 0,
    fadeIn: 0,
    fadeOut: 0,
    ...fields,
  }
}

const keys = (clips: Clip[], gainDb = -3): PlacementTrack => ({
  id: 'keys',
  name: 'Keys',
  gainDb,
  clips,
})

describe('placeClips: a new clip never lands on another', () => {
  it('keeps the clip where it belongs when that span is free (touching edges are free)', () => {
    const { command, placed } = placeClips({
      projectId: 'p',
      tracks: [keys([clip({ id: 'c1', start: 0, length: 100 })])],
      clips: [clip({ id: 'pending-1', start: 100, length: 50 })],
      reason: 'copy',
      label: 'Duplicate clip',
    })
    expect(placed[0]!.trackId).toBe('keys')
    expect(command.do.map((p) => p.method)).toEqual(['clips.create'])
    expect(command.undo).toEqual([{ method: 'clips.delete', input: { clipId: 'pending-1' } }])
  })

  it('puts an overlapping clip on a new lane directly below, named for why, at the same gain', () => {
    const { command, placed } = placeClips({
      projectId: 'p',
      tracks: [
        keys([clip({ id: 'c1', start: 0, length: 100 })]),
        { id: 'drums', name: 'Drums', gainDb: 0, clips: [] },
      ],
      clips: [clip({ id: 'pending-1', start: 50, length: 100 })],
      reason: 'continuation',
      label: 'Place continuation',
    })
    expect(placed[0]!.trackId).toBe('pending-lane-1')
    expect(placed[0]!.start).toBe(50)
    expect(command.do).toEqual([
      {
        method: 'tracks.create',
        input: { projectId: 'p', name: 'Keys (continuation)' },
        recreates: 'pending-lane-1',
      },
      { method: 'tracks.update', input: { trackId: 'pending-lane-1', position: 1, gainDb: -3 } },
      expect.objectContaining({ method: 'clips.create', recreates: 'pending-1' }),
    ])
    // Undo removes the clip before its lane.
    expect(command.undo.map((p) => p.method)).toEqual(['clips.delete', 'tracks.delete'])
  })

  it('reuses a free overflow lane below, and stacks another when that one is taken too', () => {
    const tracks: PlacementTrack[] = [
      keys([clip({ id: 'c1', start: 0, length: 100 })]),
      {
        id: 'keys-cont',
        name: 'Keys (continuation)',
        gainDb: 0,
        clips: [clip({ id: 'c2', start: 500, length: 100 })],
      },
    ]
    const reuse = placeClips({
      projectId: 'p',
      tracks,
      clips: [clip({ id: 'n', start: 10, length: 100 })],
      reason: 'continuation',
      label: 'x',
    })
    expect(reuse.placed[0]!.trackId).toBe('keys-cont')
    const stacked = placeClips({
      projectId: 'p',
      tracks,
      clips: [clip({ id: 'n', start: 50, length: 500 })],
      reason: 'continuation',
      label: 'x',
    })
    expect(stacked.placed[0]!.trackId).toBe('pending-lane-1')
    expect(stacked.command.do[1]!.input).toMatchObject({ position: 2 })
  })

  it('sees the clips it placed before (a duplicate of two overlapping selections)', () => {
    const { placed } = placeClips({
      projectId: 'p',
      tracks: [keys([])],
      clips: [
        clip({ id: 'n1', start: 0, length: 100 }),
        clip({ id: 'n2', start: 50, length: 100 }),
      ],
      reason: 'copy',
      label: 'x',
    })
    expect(placed.map((c) => c.trackId)).toEqual(['keys', 'pending-lane-1'])
  })

  it('lets a continuation overlap its parent (the crossfade), not anything else', () => {
    const { placed } = placeClips({
      projectId: 'p',
      tracks: [keys([clip({ id: 'parent', start: 0, length: 100 })])],
      clips: [clip({ id: 'n', start: 98, length: 100 })],
      reason: 'continuation',
      label: 'x',
      ignore: new Set(['parent']),
    })
    expect(placed[0]!.trackId).toBe('keys')
  })

  it('names the lane of a lane after the track, not "(copy) (copy)"', () => {
    expect(overflowLaneName('Keys (copy)', 'copy')).toBe('Keys (copy)')
    expect(overflowLaneName('Keys (continuation)', 'take')).toBe('Keys (take)')
    expect(overflowLaneName('Keys', 'import')).toBe('Keys (import)')
  })
})
