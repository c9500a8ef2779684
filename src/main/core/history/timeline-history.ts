// The undo history of each project, kept in the store: every change of the timeline, whoever
// makes it (an edit in the UI, an import, a continuation placed by the queue, a picked take), is
// applied here as one command of contract patches, in one transaction, and recorded in the order
// it happened. Undo and redo apply the recorded patches through the same handlers.
import { methods, type Handlers } from '../../../shared/api'
import { TIMELINE_METHODS, type TimelineMethod } from '../../../shared/timeline-methods'
import {
  UndoStack,
  type Command,
  type HistoryState,
  type Patch,
  type UndoSnapshot,
} from '../../../shared/undo'
import { AppError } from '../app-error'
import { describeIssue } from '../contract-issue'
import type { CoreContext } from '../context'
import type { ProjectStateTable } from '../store/project-state'

/** Commands kept per project; the oldest go first. */
export const HISTORY_LIMIT = 200

export type TimelineHandlers = Pick<Handlers, TimelineMethod>

function isTimelineMethod(method: string): method is TimelineMethod {
  return (TIMELINE_METHODS as readonly string[]).includes(method)
}

export function remapInput(
  input: object,
  ids: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input }
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === 'string' && ids.has(value)) out[key] = ids.get(value)
  }
  return out
}

export function stateOf(stack: UndoStack): HistoryState {
  return { undoLabel: stack.undoLabel, redoLabel: stack.redoLabel }
}

export class TimelineHistory {
  constructor(
    private readonly ctx: CoreContext,
    private readonly table: ProjectStateTable,
    private readonly handlers: () => TimelineHandlers,
  ) {}

  state(projectId: string): HistoryState {
    return stateOf(this.#load(projectId))
  }

  /**
   * Applies a new command (its creates may name temporary ids, replaced by the real ones) and
   * records it as the newest undo step. Returns the id each temporary id became.
   */
  apply(projectId: string, command: Command): Map<string, string> {
    const ids = this.ctx.db.transaction(() => {
      this.ctx.projects.get(projectId)
      const stack = this.#load(projectId)
      stack.push(command, this.ctx.clock())
      stack.seal()
      const created = this.#run(projectId, command.do, stack)
      this.#save(projectId, stack)
      return created
    })
    this.ctx.events.emit('projects.changed', { projectId })
    return ids
  }

  undo(projectId: string): HistoryState {
    return this.#step(projectId, 'undo')
  }

  redo(projectId: string): HistoryState {
    return this.#step(projectId, 'redo')
  }

  #step(projectId: string, direction: 'undo' | 'redo'): HistoryState {
    const outcome = this.ctx.db.transaction(() => {
      this.ctx.projects.get(projectId)
      const stack = this.#load(projectId)
      const before = stack.snapshot()
      const label = direction === 'undo' ? stack.undoLabel : stack.redoLabel
      const patches = direction === 'undo' ? stack.undo() : stack.redo()
      if (!patches) return { state: stateOf(stack), error: null }
      try {
        // A savepoint: a step that cannot apply leaves the timeline as it was.
        this.ctx.db.transaction(() => this.#run(projectId, patches, stack))
        this.#save(projectId, stack)
        return { state: stateOf(stack), error: null }
      } catch (error) {
        // What it would change is gone (the clip was removed since): the step is dropped, so
        // that the ones before it stay reachable.
        const kept = withoutTop(before, direction)
        this.#save(projectId, UndoStack.restore(kept, { limit: HISTORY_LIMIT }))
        const cause = error instanceof Error ? error.message : String(error)
        return {
          state: stateOf(UndoStack.restore(kept)),
          error: `Could not ${direction} "${label ?? 'edit'}": ${cause}`,
        }
      }
    })
    this.ctx.events.emit('projects.changed', { projectId })
    if (outcome.error !== null) throw new AppError('conflict', outcome.error)
    return outcome.state
  }

  /** Applies patches in order; a create of `recreates` mints an id that later patches follow. */
  #run(projectId: string, patches: readonly Patch[], stack: UndoStack): Map<string, string> {
    const ids = new Map<string, string>()
    for (const patch of patches) {
      const input = remapInput(patch.input, ids)
      const result = this.#call(projectId, patch.method, input)
      if (patch.recreates !== undefined) {
        const created = (result as { id: string }).id
        ids.set(patch.recreates, created)
        stack.remapId(patch.recreates, created)
      }
    }
    return ids
  }

  #call(projectId: string, method: string, input: Record<string, unknown>): unknown {
    if (!isTimelineMethod(method)) {
      throw new AppError('invalid_input', `${method} cannot be part of an undo step`, 'command')
    }
    const parsed = methods[method].input.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const { field, message } = issue
        ? describeIssue(issue)
        : { field: undefined, message: 'is invalid' }
      throw new AppError('invalid_input', `${method}: ${message}`, field)
    }
    this.#checkProject(projectId, method, parsed.data)
    const handler = this.handlers()[method] as (input: unknown) => unknown
    return handler(parsed.data)
  }

  /** Every patch must touch the project whose history records it. */
  #checkProject(projectId: string, method: TimelineMethod, input: object): void {
    const fields = input as { projectId?: string; trackId?: string; clipId?: string }
    let owner: string
    if (method === 'tracks.create' || method === 'projects.setMasterGain') owner = fields.projectId!
    else if (method === 'clips.update' || method === 'clips.delete') {
      owner = this.ctx.tracks.get(this.ctx.clips.get(fields.clipId!).trackId).projectId
    } else owner = this.ctx.tracks.get(fields.trackId!).projectId
    if (owner !== projectId) {
      throw new AppError('invalid_input', 'an undo step may only change its own project', 'command')
    }
  }

  #load(projectId: string): UndoStack {
    const snapshot = this.table.get(projectId) as UndoSnapshot | null
    return snapshot
      ? UndoStack.restore(snapshot, { limit: HISTORY_LIMIT })
      : new UndoStack({ limit: HISTORY_LIMIT })
  }

  #save(projectId: string, stack: UndoStack): void {
    this.table.set(projectId, stack.snapshot(), this.ctx.clock())
  }
}

function withoutTop(snapshot: UndoSnapshot, direction: 'undo' | 'redo'): UndoSnapshot {
  return direction === 'undo'
    ? { done: snapshot.done.slice(0, -1), undone: snapshot.undone }
    : { done: snapshot.done, undone: snapshot.undone.slice(0, -1) }
}
