// Pure helpers of timeline edits: clips by track with a drag preview, the drag math (move with
// snapping and track changes, trims), and applying undo patches through the contract.
import type { MethodName, SketchApi } from '../../../shared/api'
import type { Clip } from '../../../shared/domain'
import type { ApiError, Result } from '../../../shared/result'
import {
  moveClip,
  snapSpan,
  snapTime,
  trimEnd,
  trimStart,
  type SnapOptions,
} from '../../../shared/timeline'
import type { Command, Patch } from '../../../shared/undo'

export type DragKind = 'move' | 'trim-start' | 'trim-end'

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
  /** Track ids in lane order. */
  trackOrder: readonly string[]
  /** Snapping, or null when off. */
  snap: SnapOptions | null
  /** The primary clip's source length at the project rate (trim-end limit). */
  assetLength: number
}

/** The clips as a drag leaves them: moved together (snapped by the primary) or trimmed. */
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

/** A patch's input rewritten where it names an id that was re-created under a new one. */
export function remapPatch(patch: Patch, ids: ReadonlyMap<string, string>): Patch {
  if (ids.size === 0) return patch
  const input: Record<string, unknown> = { ...patch.input }
  for (const [key, value] of Object.entries(input)) {
    if (typeof value === 'string' && ids.has(value)) input[key] = ids.get(value)
  }
  const next = { ...patch, input } as Patch
  if (patch.recreates !== undefined && ids.has(patch.recreates)) {
    next.recreates = ids.get(patch.recreates)
  }
  return next
}

export function remapCommand(command: Command, ids: ReadonlyMap<string, string>): Command {
  return {
    ...command,
    do: command.do.map((patch) => remapPatch(patch, ids)),
    undo: command.undo.map((patch) => remapPatch(patch, ids)),
  }
}

function callPatch(api: SketchApi, patch: Patch): Promise<Result<unknown>> {
  const call = api.call.bind(api) as (
    method: MethodName,
    input: unknown,
  ) => Promise<Result<unknown>>
  return call(patch.method, patch.input)
}

export type ApplyResult = { ok: true; ids: Map<string, string> } | { ok: false; error: ApiError }

/**
 * Applies patches in order through the contract. A create that re-creates a clip mints a new id:
 * later patches are rewritten to it and `onRecreate(old, new)` tells the caller.
 */
export async function applyPatches(
  api: SketchApi,
  patches: readonly Patch[],
  onRecreate: (from: string, to: string) => void,
): Promise<ApplyResult> {
  const ids = new Map<string, string>()
  for (const original of patches) {
    const patch = remapPatch(original, ids)
    const result = await callPatch(api, patch)
    if (!result.ok) return { ok: false, error: result.error }
    // A re-created clip or track has a new id: later patches and the stack follow it.
    if (patch.recreates !== undefined) {
      const created = result.value as { id: string }
      ids.set(patch.recreates, created.id)
      onRecreate(patch.recreates, created.id)
    }
  }
  return { ok: true, ids }
}
