// Where a new clip goes: the one rule for every clip the app creates (a continuation, a duplicate,
// a dropped take, an import, a re-rolled or picked take). A clip never lands on top of another:
// it goes where it belongs if that span is free, otherwise on a lane directly below the track it
// belongs to ("Keys (continuation)"), reusing such a lane where it is free there.
import type { Clip, Track } from './domain'
import { clipCreateInput, type Command, type Patch } from './undo'

/** Why a clip is placed; names the overflow lane ("Keys (continuation)"). */
export type PlacementReason = 'continuation' | 'copy' | 'take' | 'import'

interface Span {
  start: number
  length: number
}

export interface PlacementTrack extends Pick<Track, 'id' | 'name' | 'gainDb'> {
  clips: readonly (Span & { id: string })[]
}

export interface PlacementInput {
  projectId: string
  /** The project's tracks in lane order, with their clips. */
  tracks: readonly PlacementTrack[]
  /** The clips to create, each with a temporary id and the track it belongs on. */
  clips: readonly Clip[]
  reason: PlacementReason
  label: string
  /** Clips the new ones may overlap (a continuation's parent: the crossfade lies over its tail). */
  ignore?: ReadonlySet<string>
}

export interface PlacementResult {
  /** Creates the lanes that were needed and the clips; undo removes both. */
  command: Command
  /** The clips as placed (track ids of new lanes are the temporary `pending-lane-N`). */
  placed: Clip[]
}

interface Lane {
  id: string
  name: string
  gainDb: number
  spans: Span[]
}

const SUFFIX = / \((continuation|copy|take|import)\)$/

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.start + b.length && b.start < a.start + a.length
}

/** The name a lane below `name` gets: the suffix replaces an earlier one ("Keys (copy)"). */
export function overflowLaneName(name: string, reason: PlacementReason): string {
  return `${name.replace(SUFFIX, '')} (${reason})`
}

/** Plans the placement of new clips (in order: each sees the ones placed before it). */
export function placeClips(input: PlacementInput): PlacementResult {
  const ignore = input.ignore ?? new Set<string>()
  const lanes: Lane[] = input.tracks.map((track) => ({
    id: track.id,
    name: track.name,
    gainDb: track.gainDb,
    spans: track.clips.filter((clip) => !ignore.has(clip.id)),
  }))
  const free = (lane: Lane, span: Span) => !lane.spans.some((other) => overlaps(other, span))
  const doPatches: Patch[] = []
  const undoPatches: Patch[] = []
  const placed: Clip[] = []
  let newLanes = 0
  for (const clip of input.clips) {
    const home = lanes.findIndex((lane) => lane.id === clip.trackId)
    if (home < 0) throw new RangeError(`clip ${clip.id} names a track that is not in the project`)
    let target = free(lanes[home]!, clip) ? lanes[home]! : undefined
    if (!target) {
      const name = overflowLaneName(lanes[home]!.name, input.reason)
      const family = `${lanes[home]!.name.replace(SUFFIX, '')} (`
      let below = home + 1
      // The lanes directly below that overflow the same track: reuse the first free one.
      while (below < lanes.length && lanes[below]!.name.startsWith(family)) {
        if (lanes[below]!.name === name && free(lanes[below]!, clip)) break
        below++
      }
      const reuse = lanes[below]
      if (reuse && reuse.name === name && free(reuse, clip)) {
        target = reuse
      } else {
        target = { id: `pending-lane-${++newLanes}`, name, gainDb: lanes[home]!.gainDb, spans: [] }
        lanes.splice(below, 0, target)
        doPatches.push(
          {
            method: 'tracks.create',
            input: { projectId: input.projectId, name },
            recreates: target.id,
          },
          // Same gain as the track it overflows, so that a seam across lanes stays level.
          {
            method: 'tracks.update',
            input: { trackId: target.id, position: below, gainDb: target.gainDb },
          },
        )
        undoPatches.unshift({ method: 'tracks.delete', input: { trackId: target.id } })
      }
    }
    const onLane: Clip = { ...clip, trackId: target.id }
    target.spans.push(onLane)
    placed.push(onLane)
    doPatches.push({ method: 'clips.create', input: clipCreateInput(onLane), recreates: clip.id })
    undoPatches.unshift({ method: 'clips.delete', input: { clipId: clip.id } })
  }
  return { command: { label: input.label, do: doPatches, undo: undoPatches }, placed }
}

/** A clip on a track of its own, created with it (a file dropped below the last track). */
export function placeOnNewTrack(
  projectId: string,
  name: string,
  clip: Clip,
  label: string,
): PlacementResult {
  const trackId = 'pending-track'
  const onTrack: Clip = { ...clip, trackId }
  return {
    command: {
      label,
      do: [
        { method: 'tracks.create', input: { projectId, name }, recreates: trackId },
        { method: 'clips.create', input: clipCreateInput(onTrack), recreates: clip.id },
      ],
      undo: [
        { method: 'clips.delete', input: { clipId: clip.id } },
        { method: 'tracks.delete', input: { trackId } },
      ],
    },
    placed: [onTrack],
  }
}
