// Pure helpers of timeline edits: clips by track with a drag preview and the drag math (move with
// snapping and track changes, trims).
import type { Clip } from '../../../shared/domain'
import { gainAfterDrag } from './clip-handles'
import {
  moveClip,
  setFade,
  snapSpan,
  snapTime,
  trimEnd,
  trimStart,
  type SnapOptions,
} from '../../../shared/timeline'

export type DragKind = 'move' | 'trim-start' | 'trim-end' | 'fade-in' | 'fade-out' | 'gain'

export function toSet<T>(items: readonly T[]): ReadonlySet<T> {
  return new Set(items)
}

export function toMap<K, V>(entries: Iterable<readonly [K, V]>): Map<K, V> {
  return new Map(entries)
}

/** Every clip by track id, in track order, with previewed clips shown where the preview puts them. */
export function clipsByTrack(
  tracks: readonly { id: string; clips: readonly Clip[] }[],
  preview: ReadonlyMap<string, Clip> | null,
): Map<string, Clip[]> {
  const map = new Map<string, Clip[]>()
  for (const track of tracks) map.set(track.id, [])
  for (const track of tracks) {
    for (const clip of track.clips) {
      const shown = preview?.get(clip.id) ?? clip
      map.get(shown.trackId)?.push(shown)
    }
  }
  return map
}

/** Snap targets: edges of the clips not being dragged, plus extra points (playhead, loop). */
export function snapEdges(
  clips: readonly Clip[],
  exclude: ReadonlySet<string>,
  extra: readonly number[],
): number[] {
  const edges = [...extra]
  for (const clip of clips) {
    if (exclude.has(clip.id)) continue
    edges.push(clip.start, clip.start + clip.length)
  }
  return edges
}

export interface DragInput {
  kind: DragKind
  /** The clip under the pointer. */
  primary: Clip
  /** Every clip the drag moves (the primary included), as they were when it began. */
  originals: ReadonlyMap<string, Clip>
  /** Pointer travel in samples. */
  delta: number
  /** Pointer travel in lanes. */
  laneDelta: number
  /** Pointer travel downwards in pixels (the gain handle). */
  deltaY?: number
  /** Fine steps (the gain handle with Alt). */
  fine?: boolean
  /** Track ids in lane order. */
  trackOrder: readonly string[]
  /** Snapping, or null when off. */
  snap: SnapOptions | null
  /** The primary clip's source length at the project rate (trim-end limit). */
  assetLength: number
}

/**
 * The clips as a drag leaves them: moved together (snapped by the primary), trimmed, or the
 * primary's fade or gain changed by its handle.
 */
export function dragPreview(input: DragInput): Map<string, Clip> {
  const { primary, originals, snap } = input
  const next = new Map<string, Clip>()
  if (input.kind === 'move') {
    let start = primary.start + input.delta
    if (snap) start = snapSpan(start, primary.length, snap).samples
    const earliest = Math.min(...[...originals.values()].map((clip) => clip.start))
    const shift = Math.max(start - primary.start, -earliest)
    const lanes = [...originals.values()].map((clip) => input.trackOrder.indexOf(clip.trackId))
    const laneShift = Math.min(
      input.trackOrder.length - 1 - Math.max(...lanes),
      Math.max(-Math.min(...lanes), input.laneDelta),
    )
    for (const [id, clip] of originals) {
      const lane = input.trackOrder.indexOf(clip.trackId) + laneShift
      next.set(id, moveClip(clip, clip.start + shift, input.trackOrder[lane] ?? clip.trackId))
    }
  } else if (input.kind === 'fade-in') {
    next.set(primary.id, setFade(primary, 'in', primary.fadeIn + input.delta))
  } else if (input.kind === 'fade-out') {
    next.set(primary.id, setFade(primary, 'out', primary.fadeOut - input.delta))
  } else if (input.kind === 'gain') {
    const gainDb = gainAfterDrag(primary.gainDb, input.deltaY ?? 0, input.fine ?? false)
    next.set(primary.id, { ...primary, gainDb })
  } else if (input.kind === 'trim-start') {
    let start = primary.start + input.delta
    if (snap) start = snapTime(start, snap).samples
    next.set(primary.id, trimStart(primary, start))
  } else {
    let end = primary.start + primary.length + input.delta
    if (snap) end = snapTime(end, snap).samples
    next.set(primary.id, trimEnd(primary, end, input.assetLength))
  }
  return next
}
