// Undo/redo as plain data: each command holds the contract calls that do it and those that undo
// it. Pure: the renderer applies the returned patches through the contract (in order).
import type { MethodInput } from './api'
import type { Clip, HistoryState, Track } from './domain'
import type { TimelineMethod } from './timeline-methods'

/** One contract call. */
export type Patch = {
  [M in TimelineMethod]: {
    method: M
    input: MethodInput<M>
    /**
     * Set on a create that brings back a deleted entity: the id it had. Creating mints a new id,
     * so after applying such a patch the renderer calls `remapId(recreates, newId)` to point the
     * other commands at the new entity.
     */
    recreates?: string
  }
}[TimelineMethod]

export interface Command {
  /** What the user did, for "Undo move clip". */
  label: string
  do: Patch[]
  undo: Patch[]
  /**
   * Consecutive commands with the same key merge into one (a drag: many moves of one clip), as
   * long as they come within the merge window and the stack was not sealed in between.
   */
  mergeKey?: string
}

export interface UndoSnapshot {
  done: Command[]
  undone: Command[]
}

export type { HistoryState }

export interface UndoStackOptions {
  /** Commands kept; the oldest go first (default 200). */
  limit?: number
  /** Longest pause (ms) between two pushes that still merge (default 1000). */
  mergeWindowMs?: number
}

/** The id field of each update method: updates of one entity can be folded into one call. */
const UPDATE_ID_KEY: Partial<Record<TimelineMethod, string>> = {
  'clips.update': 'clipId',
  'tracks.update': 'trackId',
  'projects.setMasterGain': 'projectId',
}

function field(input: object, key: string): unknown {
  return (input as Record<string, unknown>)[key]
}

/**
 * Folds adjacent updates of the same entity into one call ({...first, ...second}): applying them
 * in turn sets every field to the value of the last call that names it, and so does the fold.
 */
export function compactPatches(patches: readonly Patch[]): Patch[] {
  const out: Patch[] = []
  for (const patch of patches) {
    const prev = out[out.length - 1]
    const key = UPDATE_ID_KEY[patch.method]
    if (
      prev !== undefined &&
      key !== undefined &&
      prev.method === patch.method &&
      prev.recreates === undefined &&
      patch.recreates === undefined &&
      field(prev.input, key) === field(patch.input, key)
    ) {
      out[out.length - 1] = { ...prev, input: { ...prev.input, ...patch.input } } as Patch
    } else {
      out.push(patch)
    }
  }
  return out
}

function remapPatch(patch: Patch, from: string, to: string): Patch {
  let changed = false
  const input: Record<string, unknown> = { ...patch.input }
  for (const [k, v] of Object.entries(input)) {
    if (v === from) {
      input[k] = to
      changed = true
    }
  }
  const recreates = patch.recreates === from ? to : patch.recreates
  if (!changed && recreates === patch.recreates) return patch
  const next = { ...patch, input } as Patch
  if (recreates !== undefined) next.recreates = recreates
  return next
}

function remapCommand(cmd: Command, from: string, to: string): Command {
  return {
    ...cmd,
    do: cmd.do.map((p) => remapPatch(p, from, to)),
    undo: cmd.undo.map((p) => remapPatch(p, from, to)),
  }
}

export class UndoStack {
  private done: Command[] = []
  private undone: Command[] = []
  private lastPush = -Infinity
  /** When set, the next push starts a new command even with the same merge key. */
  private sealed = true
  private readonly limit: number
  private readonly mergeWindowMs: number

  constructor(options: UndoStackOptions = {}) {
    this.limit = Math.max(1, options.limit ?? 200)
    this.mergeWindowMs = options.mergeWindowMs ?? 1000
  }

  get canUndo(): boolean {
    return this.done.length > 0
  }

  get canRedo(): boolean {
    return this.undone.length > 0
  }

  get undoLabel(): string | null {
    return this.done[this.done.length - 1]?.label ?? null
  }

  get redoLabel(): string | null {
    return this.undone[this.undone.length - 1]?.label ?? null
  }

  get size(): number {
    return this.done.length
  }

  /** Records a command that has just been applied. Clears redo. `now` in ms (for merging). */
  push(cmd: Command, now: number = Date.now()): void {
    this.undone = []
    const top = this.done[this.done.length - 1]
    const merge =
      top !== undefined &&
      !this.sealed &&
      cmd.mergeKey !== undefined &&
      top.mergeKey === cmd.mergeKey &&
      now - this.lastPush <= this.mergeWindowMs
    if (merge) {
      // The merged command does both in order and undoes both in reverse order.
      this.done[this.done.length - 1] = {
        label: cmd.label,
        mergeKey: cmd.mergeKey,
        do: compactPatches([...top.do, ...cmd.do]),
        undo: compactPatches([...cmd.undo, ...top.undo]),
      }
    } else {
      this.done.push({ ...cmd, do: [...cmd.do], undo: [...cmd.undo] })
      if (this.done.length > this.limit) this.done.splice(0, this.done.length - this.limit)
    }
    this.lastPush = now
    this.sealed = false
  }

  /** Ends merging into the last command (call at the end of a drag). */
  seal(): void {
    this.sealed = true
  }

  /** The patches that undo the last command, or null when there is nothing to undo. */
  undo(): Patch[] | null {
    const cmd = this.done.pop()
    if (cmd === undefined) return null
    this.undone.push(cmd)
    this.sealed = true
    return [...cmd.undo]
  }

  /** The patches that redo the last undone command, or null. */
  redo(): Patch[] | null {
    const cmd = this.undone.pop()
    if (cmd === undefined) return null
    this.done.push(cmd)
    this.sealed = true
    return [...cmd.do]
  }

  /** Points every recorded patch that names `from` at `to` (an entity recreated with a new id). */
  remapId(from: string, to: string): void {
    this.done = this.done.map((c) => remapCommand(c, from, to))
    this.undone = this.undone.map((c) => remapCommand(c, from, to))
  }

  /** The history as plain data (what the store keeps per project). */
  snapshot(): UndoSnapshot {
    return { done: [...this.done], undone: [...this.undone] }
  }

  /** A stack holding a snapshot taken earlier (bounded by this stack's limit). */
  static restore(snapshot: UndoSnapshot, options: UndoStackOptions = {}): UndoStack {
    const stack = new UndoStack(options)
    stack.done = snapshot.done.slice(-stack.limit)
    stack.undone = snapshot.undone.slice(-stack.limit)
    return stack
  }

  clear(): void {
    this.done = []
    this.undone = []
    this.sealed = true
  }
}

// ---------------------------------------------------------------------------------------------
// Commands for clip edits

const CLIP_FIELDS = ['trackId', 'start', 'offset', 'length', 'gainDb', 'fadeIn', 'fadeOut'] as const

/** The clips.create input that recreates a clip (same track, asset and window). */
export function clipCreateInput(clip: Clip): MethodInput<'clips.create'> {
  return {
    trackId: clip.trackId,
    assetId: clip.assetId,
    start: clip.start,
    offset: clip.offset,
    length: clip.length,
    gainDb: clip.gainDb,
    fadeIn: clip.fadeIn,
    fadeOut: clip.fadeOut,
  }
}

/** An edit of one clip (move, trim, gain, fades…): only the changed fields; null if none. */
export function updateClipCommand(
  label: string,
  before: Clip,
  after: Clip,
  mergeKey?: string,
): Command | null {
  const forward: MethodInput<'clips.update'> = { clipId: before.id }
  const backward: MethodInput<'clips.update'> = { clipId: before.id }
  let changed = false
  for (const key of CLIP_FIELDS) {
    if (before[key] !== after[key]) {
      // Each field keeps its own type; the record view avoids a union of assignments.
      ;(forward as Record<string, unknown>)[key] = after[key]
      ;(backward as Record<string, unknown>)[key] = before[key]
      changed = true
    }
  }
  if (!changed) return null
  const cmd: Command = {
    label,
    do: [{ method: 'clips.update', input: forward }],
    undo: [{ method: 'clips.update', input: backward }],
  }
  if (mergeKey !== undefined) cmd.mergeKey = mergeKey
  return cmd
}

/** A clip that was created (duplicate, drop of a take, second half of a split). */
export function createClipCommand(label: string, clip: Clip): Command {
  return {
    label,
    do: [{ method: 'clips.create', input: clipCreateInput(clip), recreates: clip.id }],
    undo: [{ method: 'clips.delete', input: { clipId: clip.id } }],
  }
}

/** A clip that was deleted: undo creates it again (with a new id, see Patch.recreates). */
export function deleteClipCommand(label: string, clip: Clip): Command {
  return {
    label,
    do: [{ method: 'clips.delete', input: { clipId: clip.id } }],
    undo: [{ method: 'clips.create', input: clipCreateInput(clip), recreates: clip.id }],
  }
}

/** One command made of several (a split, a multi-clip move): undone in reverse order. */
export function combineCommands(label: string, commands: readonly Command[]): Command {
  return {
    label,
    do: commands.flatMap((c) => c.do),
    undo: [...commands].reverse().flatMap((c) => c.undo),
  }
}

/**
 * Removing a track: undo re-creates it (a new id, remapped everywhere), restores its gain, mute,
 * solo and place, then re-creates its clips on it.
 */
export function deleteTrackCommand(track: Track & { clips: readonly Clip[] }): Command {
  return {
    label: 'Delete track',
    do: [{ method: 'tracks.delete', input: { trackId: track.id } }],
    undo: [
      {
        method: 'tracks.create',
        input: { projectId: track.projectId, name: track.name },
        recreates: track.id,
      },
      {
        method: 'tracks.update',
        input: {
          trackId: track.id,
          gainDb: track.gainDb,
          mute: track.mute,
          solo: track.solo,
          position: track.position,
        },
      },
      ...track.clips.map((clip): Patch => ({
        method: 'clips.create',
        input: clipCreateInput(clip),
        recreates: clip.id,
      })),
    ],
  }
}

/** The master gain from `before` to `after` (dB), as one undo step. */
export function masterGainCommand(projectId: string, before: number, after: number): Command {
  return {
    label: 'Change master gain',
    do: [{ method: 'projects.setMasterGain', input: { projectId, masterGainDb: after } }],
    undo: [{ method: 'projects.setMasterGain', input: { projectId, masterGainDb: before } }],
    mergeKey: `master-gain:${projectId}`,
  }
}
