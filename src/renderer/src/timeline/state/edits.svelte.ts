import type { MethodInput } from '../../../../shared/api'
import type { Track } from '../../../../shared/domain'
import { duplicateClip, splitClip } from '../../../../shared/timeline'
import {
  combineCommands,
  createClipCommand,
  deleteClipCommand,
  deleteTrackCommand,
  updateClipCommand,
  type Command,
} from '../../../../shared/undo'
import type { Notices } from '../../lib/state/notices.svelte'
import type { ProjectState, TrackChanges } from '../../lib/state/project.svelte'
import { toSet } from '../edits'
import type { TimelineContent } from './content.svelte'
import type { Selection } from './selection.svelte'

/** The id each temporary id of an edit became. */
export type CreatedIds = Readonly<Record<string, string>>

/**
 * Edits of the timeline: each is one command of contract patches, applied and recorded by main as
 * one step of the project's history, and run one after another so that quick key presses never
 * interleave (an undo pressed during a split undoes that split).
 */
export class TimelineEdits {
  #queue: Promise<unknown> = Promise.resolve()
  #tmp = 0

  constructor(
    private readonly project: ProjectState,
    private readonly notices: Notices,
    private readonly content: TimelineContent,
    private readonly selection: Selection,
  ) {}

  // The history lives in main (per project, in the store): every change is one step there.
  get undoLabel(): string | null {
    return this.project.history.undoLabel
  }

  get redoLabel(): string | null {
    return this.project.history.redoLabel
  }

  get canUndo(): boolean {
    return this.undoLabel !== null
  }

  get canRedo(): boolean {
    return this.redoLabel !== null
  }

  /** Applies `command` after the edits before it; `then` gets the new ids (null on an error, shown). */
  apply(command: Command, then?: (ids: CreatedIds | null) => void): Promise<void> {
    return this.#enqueue(async () => {
      const ids = await this.project.edit(command)
      then?.(ids)
    })
  }

  #tempId(): string {
    return `pending-${++this.#tmp}`
  }

  /** Splits the selected clips (or, with none selected, every clip) at `at`. */
  split(at: number): Promise<void> {
    const selected = this.selection.clips()
    const candidates = selected.length > 0 ? selected : this.content.clips
    const commands: Command[] = []
    const seconds: string[] = []
    for (const clip of candidates) {
      const parts = splitClip(clip, at)
      if (!parts) continue
      const first = updateClipCommand('Split clip', clip, parts[0])
      if (first) commands.push(first)
      const id = this.#tempId()
      seconds.push(id)
      commands.push(createClipCommand('Split clip', { ...parts[1], id }))
    }
    if (commands.length === 0) {
      this.notices.info('Put the playhead inside a clip to split it.')
      return Promise.resolve()
    }
    return this.apply(combineCommands('Split clip', commands), (ids) => {
      if (ids) this.selection.replace(seconds.flatMap((id) => ids[id] ?? []))
    })
  }

  /**
   * Copies the selection right after itself, on the same tracks where that span is free, else on
   * a lane below ("Keys (copy)"): a copy never lands on another clip.
   */
  duplicate(): Promise<void> {
    const selected = this.selection.clips()
    if (selected.length === 0) return Promise.resolve()
    const first = Math.min(...selected.map((clip) => clip.start))
    const last = Math.max(...selected.map((clip) => clip.start + clip.length))
    const copies = selected.map((clip) => ({
      ...duplicateClip(clip, clip.start + (last - first)),
      id: this.#tempId(),
    }))
    const planned = this.project.plan(copies, 'copy', 'Duplicate clip')
    if (!planned) return Promise.resolve()
    return this.apply(planned.command, (ids) => {
      if (ids) this.selection.replace(copies.flatMap((copy) => ids[copy.id] ?? []))
    })
  }

  deleteSelected(): Promise<void> {
    const selected = this.selection.clips()
    if (selected.length === 0) return Promise.resolve()
    const commands = selected.map((clip) => deleteClipCommand('Delete clip', clip))
    this.selection.clear()
    return this.apply(combineCommands('Delete clip', commands))
  }

  /** Removes a track with its clips, undoably (undo brings both back). */
  removeTrack(track: Track): Promise<void> {
    const withClips = this.content.tracks.find((candidate) => candidate.id === track.id)
    if (!withClips) return Promise.resolve()
    this.selection.forget(toSet(withClips.clips.map((clip) => clip.id)))
    return this.apply(deleteTrackCommand(withClips))
  }

  /** Track gain, mute, solo, name or order, undoable; gain moves of one slider merge. */
  updateTrack(track: Track, changes: TrackChanges): Promise<void> {
    const forward: MethodInput<'tracks.update'> = { trackId: track.id, ...changes }
    const backward: MethodInput<'tracks.update'> = { trackId: track.id }
    for (const key of Object.keys(changes) as (keyof TrackChanges)[]) {
      ;(backward as Record<string, unknown>)[key] = track[key]
    }
    const command: Command = {
      label: 'Change track',
      do: [{ method: 'tracks.update', input: forward }],
      undo: [{ method: 'tracks.update', input: backward }],
    }
    if (Object.keys(changes).length === 1 && changes.gainDb !== undefined) {
      command.mergeKey = `gain:${track.id}`
    }
    return this.apply(command)
  }

  undo(): Promise<void> {
    return this.#enqueue(() => this.project.undo())
  }

  redo(): Promise<void> {
    return this.#enqueue(() => this.project.redo())
  }

  /** Runs `task` after every task before it has settled, whether it succeeded or not. */
  #enqueue(task: () => Promise<unknown>): Promise<void> {
    const next = this.#queue.then(task, task)
    this.#queue = next.catch(() => undefined)
    return next.then(() => undefined)
  }
}
