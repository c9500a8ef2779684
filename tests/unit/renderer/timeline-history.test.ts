// The timeline's edits and their undo, from the state classes down to a fake of the contract that
// keeps the history as main does (tests/fakes/sketch-api.ts): what main holds after each step is
// checked, not only what the renderer shows.
import { describe, expect, it, vi } from 'vitest'
import type { Asset, Clip, Track } from '../../../src/shared/domain'
import { Notices } from '../../../src/renderer/src/lib/state/notices.svelte'
import { ProjectState } from '../../../src/renderer/src/lib/state/project.svelte'
import { TimelineContent } from '../../../src/renderer/src/timeline/state/content.svelte'
import { ClipDrags } from '../../../src/renderer/src/timeline/state/drags.svelte'
import { TimelineEdits } from '../../../src/renderer/src/timeline/state/edits.svelte'
import { Selection } from '../../../src/renderer/src/timeline/state/selection.svelte'
import { Snapping } from '../../../src/renderer/src/timeline/state/snapping.svelte'
import { Viewport } from '../../../src/renderer/src/timeline/state/viewport.svelte'
import { FakeSketchApi, fakeId } from '../../fakes/sketch-api'

const RATE = 48000
/** Pixels per second: 100 px of pointer travel is one second. */
const PPS = 100
const PROJECT = fakeId('project', 1)
const KEYS = fakeId('track', 1)
const BASS = fakeId('track', 2)
const ASSET_ID = fakeId('asset', 1)
/** The two clips on Keys: A at 0 s and B at 4 s, 2 s long each. */
const A = fakeId('clip', 1)
const B = fakeId('clip', 2)

function track(id: string, name: string, position: number): Track {
  return { id, projectId: PROJECT, name, position, gainDb: 0, mute: false, solo: false }
}

function clip(id: string, trackId: string, start: number, length: number): Clip {
  return {
    id,
    trackId,
    assetId: ASSET_ID,
    start,
    offset: 0,
    length,
    gainDb: 0,
    fadeIn: 0,
    fadeOut: 0,
  }
}

const ASSET: Asset = {
  id: ASSET_ID,
  projectId: PROJECT,
  name: 'Keys.wav',
  format: 'wav',
  sampleRate: RATE,
  channels: 2,
  frames: 10 * RATE,
  byteSize: 10 * RATE * 4,
  origin: 'import',
  createdAt: 0,
}

async function open() {
  const api = new FakeSketchApi({
    project: {
      id: PROJECT,
      name: 'Sketch',
      sampleRate: RATE,
      tempoBpm: null,
      timeSignature: null,
      masterGainDb: 0,
      createdAt: 0,
      updatedAt: 0,
    },
    tracks: [track(KEYS, 'Keys', 0), track(BASS, 'Bass', 1)],
    clips: [clip(A, KEYS, 0, 2 * RATE), clip(B, KEYS, 4 * RATE, 2 * RATE)],
    assets: [ASSET],
  })
  const notices = new Notices()
  const project = new ProjectState(api, notices, PROJECT)
  await project.load()
  const content = new TimelineContent(project)
  const view = new Viewport(content, { get: () => PPS, set: () => undefined })
  const selection = new Selection(content)
  const snapping = new Snapping(content, view)
  const edits = new TimelineEdits(project, notices, content, selection)
  const drags = new ClipDrags(content, view, selection, snapping, edits, () => [])
  return { api, notices, project, content, selection, snapping, edits, drags }
}

type Opened = Awaited<ReturnType<typeof open>>

/** The clips of a track in main, as [start, length] pairs in time order. */
function spans(api: FakeSketchApi, trackName: string): [number, number][] {
  const found = api.detail.tracks.find((candidate) => candidate.name === trackName)
  return (found?.clips ?? []).map((shown) => [shown.start, shown.length])
}

/** Drags clip `id` right by `seconds` (snapping off) and lets go. */
async function moveRight({ drags, snapping }: Opened, id: string, seconds: number): Promise<void> {
  snapping.on = false
  drags.begin('move', id, 0, 0)
  drags.to(seconds * PPS, 0, false)
  await drags.end()
}

describe('timeline edits and undo', () => {
  it('a dragged move is one step: undo puts the clip back, redo moves it again', async () => {
    const opened = await open()
    const { api, content, edits } = opened
    await moveRight(opened, A, 1)
    expect(spans(api, 'Keys')).toEqual([
      [RATE, 2 * RATE],
      [4 * RATE, 2 * RATE],
    ])
    // The preview is gone once the project has reloaded: what is shown is main's.
    expect(content.preview).toBeNull()
    expect(content.clipById(A)?.start).toBe(RATE)
    expect(edits.undoLabel).toBe('Move clip')

    await edits.undo()
    expect(spans(api, 'Keys')[0]).toEqual([0, 2 * RATE])
    expect(content.clipById(A)?.start).toBe(0)
    expect(edits.undoLabel).toBeNull()
    expect(edits.redoLabel).toBe('Move clip')

    await edits.redo()
    expect(spans(api, 'Keys')[0]).toEqual([RATE, 2 * RATE])
    expect(edits.undoLabel).toBe('Move clip')
  })

  it('split then delete, undone twice, gives back the one whole clip', async () => {
    const { api, selection, edits } = await open()
    selection.only(A)
    await edits.split(RATE / 2)
    expect(spans(api, 'Keys')).toEqual([
      [0, RATE / 2],
      [RATE / 2, 1.5 * RATE],
      [4 * RATE, 2 * RATE],
    ])
    // The new half is selected, under the id main gave it.
    const half = api.detail.tracks[0]!.clips[1]!
    expect(selection.ids).toEqual([half.id])

    await edits.deleteSelected()
    expect(spans(api, 'Keys')).toEqual([
      [0, RATE / 2],
      [4 * RATE, 2 * RATE],
    ])

    await edits.undo()
    expect(spans(api, 'Keys')).toHaveLength(3)
    await edits.undo()
    expect(spans(api, 'Keys')).toEqual([
      [0, 2 * RATE],
      [4 * RATE, 2 * RATE],
    ])
    expect(edits.canUndo).toBe(false)
    expect(edits.redoLabel).toBe('Split clip')
  })

  it('edits run in order: an undo pressed while a split is on its way undoes that split', async () => {
    const opened = await open()
    const { api, selection, edits } = opened
    await moveRight(opened, B, 1)
    api.hold()
    selection.only(A)
    const split = edits.split(RATE)
    const undo = edits.undo()
    await vi.waitFor(() => expect(api.waiting).toBeGreaterThan(0))
    // The undo waits for the split's answer instead of racing it to main.
    expect(api.calls.map((call) => call.method)).not.toContain('timeline.undo')
    api.release()
    await Promise.all([split, undo])

    expect(spans(api, 'Keys')).toEqual([
      [0, 2 * RATE],
      [5 * RATE, 2 * RATE],
    ])
    expect(edits.undoLabel).toBe('Move clip')
    expect(edits.redoLabel).toBe('Split clip')
  })

  it('an edit main refuses is shown, leaves the clips as they were, and the next edit runs', async () => {
    const { api, notices, content, drags, snapping, edits, selection } = await open()
    snapping.on = false
    drags.begin('trim-end', B, 0, 0)
    // Another window deletes the clip while it is being trimmed.
    expect((await api.call('clips.delete', { clipId: B })).ok).toBe(true)
    drags.to(-PPS, 0, false)
    await drags.end()
    expect(notices.items.map((notice) => notice.message)).toEqual([`Clip ${B} does not exist`])
    expect(content.preview).toBeNull()
    expect(edits.undoLabel).toBeNull()

    selection.only(A)
    await edits.split(RATE)
    expect(spans(api, 'Keys')).toEqual([
      [0, RATE],
      [RATE, RATE],
    ])
    expect(edits.undoLabel).toBe('Split clip')
  })

  it('an undo that can no longer apply is refused as a conflict and the step before stays', async () => {
    const opened = await open()
    const { api, notices, selection, edits } = opened
    await moveRight(opened, A, 1)
    selection.only(B)
    await edits.split(5 * RATE)
    const [, , second] = api.detail.tracks[0]!.clips
    // Another window deletes the split's second half: that split can no longer be undone.
    expect((await api.call('clips.delete', { clipId: second!.id })).ok).toBe(true)

    await edits.undo()
    expect(notices.items.at(-1)?.message).toBe(
      `Could not undo "Split clip": Clip ${second!.id} does not exist`,
    )
    expect(edits.undoLabel).toBe('Move clip')
    await edits.undo()
    expect(spans(api, 'Keys')[0]).toEqual([0, 2 * RATE])
  })

  it('removing a track is undone with its settings, place and clips', async () => {
    const { api, project, edits, selection } = await open()
    await edits.updateTrack(project.detail!.tracks[0]!, { gainDb: -6, mute: true })
    const keys = project.detail!.tracks[0]!
    selection.only(A)
    await edits.removeTrack(keys)
    expect(selection.ids).toEqual([])
    expect(api.detail.tracks.map((shown) => shown.name)).toEqual(['Bass'])

    await edits.undo()
    const back = api.detail.tracks[0]!
    expect([back.name, back.position, back.gainDb, back.mute]).toEqual(['Keys', 0, -6, true])
    expect(spans(api, 'Keys')).toEqual([
      [0, 2 * RATE],
      [4 * RATE, 2 * RATE],
    ])
    await edits.undo()
    expect([api.detail.tracks[0]!.gainDb, api.detail.tracks[0]!.mute]).toEqual([0, false])
  })
})
