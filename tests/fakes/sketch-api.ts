// A fake of the contract (src/shared/api.ts) for the renderer's state classes: one project's
// tracks, clips and assets in memory, edited as main edits them. It follows main's code: inputs are
// checked against the contract's zod schemas and refused as `dispatch.ts` refuses them; a missing
// entity answers `not_found` in the store's words ("Clip … does not exist"); clip bounds are
// checked with the same rule as `handlers/clips.ts`; the history is `core/history/timeline-history.ts`'s
// (the shared UndoStack, temporary ids replaced by the created ones, a failing edit leaves
// everything as it was, a step that cannot apply is dropped and answers `conflict`); every change
// emits `projects.changed`. Errors are answered as values, never thrown. Methods outside the
// timeline answer an error saying so.
import {
  methods,
  type EventName,
  type Events,
  type MethodInput,
  type MethodName,
  type MethodResult,
  type SketchApi,
} from '../../src/shared/api'
import { describeIssue } from '../../src/main/core/contract-issue'
import { remapInput } from '../../src/main/core/history/timeline-history'
import type { Asset, Clip, HistoryState, ProjectDetail, Track } from '../../src/shared/domain'
import { fail, ok, type ErrorCode, type Result } from '../../src/shared/result'
import { clipBoundsProblem, framesAtRate } from '../../src/shared/timeline'
import { TIMELINE_METHODS, type TimelineMethod } from '../../src/shared/timeline-methods'
import { UndoStack, type Command, type Patch, type UndoSnapshot } from '../../src/shared/undo'

/** What main would throw inside a handler; `call` turns it into an error value. */
class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** What the call changed stays (main's history drops a step it could not apply, then refuses). */
    readonly keep = false,
  ) {
    super(message)
  }
}

const notFound = (what: string, id: string) =>
  new Refusal('not_found', `${what} ${id} does not exist`)

interface Model {
  project: Omit<ProjectDetail, 'tracks'>
  tracks: Track[]
  clips: Clip[]
  assets: Asset[]
  history: UndoSnapshot
}

export interface FakeSeed {
  project: Omit<ProjectDetail, 'tracks'>
  tracks: Track[]
  clips: Clip[]
  assets: Asset[]
}

type Listener = (payload: never) => void

/** The `n`th id of a kind of entity, as the contract wants ids: a UUID (v4 layout). */
export function fakeId(
  kind: 'project' | 'track' | 'clip' | 'asset' | 'created',
  n: number,
): string {
  const prefix = { project: '1', track: '2', clip: '3', asset: '4', created: '5' }[kind]
  return `${prefix}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

export class FakeSketchApi implements SketchApi {
  /** Every call, in the order it arrived (method and input). */
  readonly calls: { method: MethodName; input: unknown }[] = []
  #model: Model
  #listeners = new Map<EventName, Set<Listener>>()
  #nextId = 1
  #held: (() => void)[] | null = null
  readonly #clock = () => 1_700_000_000_000

  constructor(seed: FakeSeed) {
    this.#model = structuredClone({ ...seed, history: { done: [], undone: [] } })
  }

  /** The project as main has it now (what `projects.get` answers). */
  get detail(): ProjectDetail {
    return this.#detail()
  }

  /**
   * From now on, calls wait before they are handled, until `release()`: what the renderer does
   * while an answer is on its way is then visible.
   */
  hold(): void {
    this.#held ??= []
  }

  /** Lets the waiting calls through, in the order they came; later calls no longer wait. */
  release(): void {
    const waiting = this.#held ?? []
    this.#held = null
    for (const go of waiting) go()
  }

  /** How many calls are waiting (see `hold`). */
  get waiting(): number {
    return this.#held?.length ?? 0
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set<Listener>()
    this.#listeners.set(event, set)
    set.add(listener)
    return () => set.delete(listener)
  }

  async call<M extends MethodName>(
    method: M,
    input: MethodInput<M>,
  ): Promise<Result<MethodResult<M>>> {
    this.calls.push({ method, input })
    if (this.#held) await new Promise<void>((resolve) => this.#held?.push(resolve) ?? resolve())
    // The answer comes back later, as over IPC: never within the caller's own turn.
    await Promise.resolve()
    const parsed = methods[method].input.safeParse(input)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const { field, message } = issue ? describeIssue(issue) : { message: 'invalid input' }
      return fail('invalid_input', `${method}: ${message}`, field)
    }
    const before = structuredClone(this.#model)
    try {
      const value = this.#handle(method, parsed.data)
      return ok(value as MethodResult<M>)
    } catch (error) {
      // One transaction per call: nothing of a refused call stays.
      if (!(error instanceof Refusal && error.keep)) this.#model = before
      if (error instanceof Refusal) return fail(error.code, error.message, error.field)
      return fail('internal', 'Something went wrong.')
    }
  }

  #emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      ;(listener as (payload: Events[E]) => void)(payload)
    }
  }

  #handle(method: MethodName, input: unknown): unknown {
    const projectId = this.#model.project.id
    const own = (id: string) => {
      if (id !== projectId) throw notFound('Project', id)
    }
    switch (method) {
      case 'projects.get':
        own((input as MethodInput<'projects.get'>).projectId)
        return this.#detail()
      case 'assets.list':
        own((input as MethodInput<'assets.list'>).projectId)
        return structuredClone(this.#model.assets)
      case 'timeline.history':
        own((input as MethodInput<'timeline.history'>).projectId)
        return this.#state(UndoStack.restore(this.#model.history))
      case 'timeline.edit': {
        const { projectId: id, command } = input as MethodInput<'timeline.edit'>
        own(id)
        const stack = UndoStack.restore(this.#model.history)
        stack.push(command as Command, this.#clock())
        stack.seal()
        const ids = this.#run(command.do as Patch[], stack)
        this.#model.history = stack.snapshot()
        this.#emit('projects.changed', { projectId })
        return { ids: Object.fromEntries(ids) }
      }
      case 'timeline.undo':
      case 'timeline.redo':
        own((input as MethodInput<'timeline.undo'>).projectId)
        return this.#step(method === 'timeline.undo' ? 'undo' : 'redo')
      default:
        if ((TIMELINE_METHODS as readonly string[]).includes(method)) {
          const result = this.#apply(method as TimelineMethod, input)
          this.#emit('projects.changed', { projectId })
          return result
        }
        throw new Refusal('internal', `The fake contract does not answer ${method}.`)
    }
  }

  #step(direction: 'undo' | 'redo'): HistoryState {
    const stack = UndoStack.restore(this.#model.history)
    const before = stack.snapshot()
    const label = direction === 'undo' ? stack.undoLabel : stack.redoLabel
    const patches = direction === 'undo' ? stack.undo() : stack.redo()
    if (!patches) return this.#state(stack)
    const saved = structuredClone(this.#model)
    try {
      this.#run(patches, stack)
      this.#model.history = stack.snapshot()
      this.#emit('projects.changed', { projectId: this.#model.project.id })
      return this.#state(stack)
    } catch (error) {
      // As main does: the step that cannot apply is dropped, the ones before stay reachable.
      this.#model = saved
      this.#model.history =
        direction === 'undo'
          ? { done: before.done.slice(0, -1), undone: before.undone }
          : { done: before.done, undone: before.undone.slice(0, -1) }
      const cause = error instanceof Error ? error.message : String(error)
      this.#emit('projects.changed', { projectId: this.#model.project.id })
      const message = `Could not ${direction} "${label ?? 'edit'}": ${cause}`
      throw new Refusal('conflict', message, undefined, true)
    }
  }

  #run(patches: readonly Patch[], stack: UndoStack): Map<string, string> {
    const ids = new Map<string, string>()
    for (const patch of patches) {
      const parsed = methods[patch.method].input.safeParse(remapInput(patch.input, ids))
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        const { field, message } = issue
          ? describeIssue(issue)
          : { field: undefined, message: 'is invalid' }
        throw new Refusal('invalid_input', `${patch.method}: ${message}`, field)
      }
      const result = this.#apply(patch.method, parsed.data)
      if (patch.recreates !== undefined) {
        const created = (result as { id: string }).id
        ids.set(patch.recreates, created)
        stack.remapId(patch.recreates, created)
      }
    }
    return ids
  }

  #apply(method: TimelineMethod, input: unknown): unknown {
    const model = this.#model
    switch (method) {
      case 'clips.create': {
        const fields = input as MethodInput<'clips.create'>
        this.#track(fields.trackId)
        const asset = this.#asset(fields.assetId)
        const offset = fields.offset ?? 0
        const clip: Clip = {
          id: fakeId('created', this.#nextId++),
          trackId: fields.trackId,
          assetId: fields.assetId,
          start: fields.start,
          offset,
          length: fields.length ?? Math.max(0, this.#assetLength(asset) - offset),
          gainDb: fields.gainDb ?? 0,
          fadeIn: fields.fadeIn ?? 0,
          fadeOut: fields.fadeOut ?? 0,
        }
        this.#checkBounds(clip)
        model.clips.push(clip)
        return structuredClone(clip)
      }
      case 'clips.update': {
        const { clipId, ...changes } = input as MethodInput<'clips.update'>
        const current = this.#clip(clipId)
        const defined = Object.fromEntries(
          Object.entries(changes).filter(([, value]) => value !== undefined),
        ) as Partial<Clip>
        const updated: Clip = { ...current, ...defined }
        this.#track(updated.trackId)
        this.#checkBounds(updated)
        Object.assign(current, updated)
        return structuredClone(updated)
      }
      case 'clips.delete': {
        const { clipId } = input as MethodInput<'clips.delete'>
        this.#clip(clipId)
        model.clips = model.clips.filter((clip) => clip.id !== clipId)
        return null
      }
      case 'tracks.create': {
        const { name } = input as MethodInput<'tracks.create'>
        const position = model.tracks.length
        const track: Track = {
          id: fakeId('created', this.#nextId++),
          projectId: model.project.id,
          name: name ?? `Track ${position + 1}`,
          position,
          gainDb: 0,
          mute: false,
          solo: false,
        }
        model.tracks.push(track)
        return structuredClone(track)
      }
      case 'tracks.update': {
        const { trackId, position, ...changes } = input as MethodInput<'tracks.update'>
        const track = this.#track(trackId)
        for (const [key, value] of Object.entries(changes)) {
          if (value !== undefined) (track as unknown as Record<string, unknown>)[key] = value
        }
        if (position !== undefined) {
          // As the store's move: to `position` (clamped), the others renumbered 0..n-1.
          const order = this.#ordered().filter((other) => other.id !== trackId)
          order.splice(Math.min(position, order.length), 0, track)
          order.forEach((other, index) => (other.position = index))
        }
        return structuredClone(track)
      }
      case 'tracks.delete': {
        const { trackId } = input as MethodInput<'tracks.delete'>
        const track = this.#track(trackId)
        model.tracks = model.tracks.filter((other) => other.id !== trackId)
        model.clips = model.clips.filter((clip) => clip.trackId !== trackId)
        for (const other of model.tracks) if (other.position > track.position) other.position--
        return null
      }
      case 'projects.setMasterGain': {
        const { masterGainDb } = input as MethodInput<'projects.setMasterGain'>
        model.project.masterGainDb = masterGainDb
        const { project } = model
        return structuredClone({
          id: project.id,
          name: project.name,
          sampleRate: project.sampleRate,
          tempoBpm: project.tempoBpm,
          timeSignature: project.timeSignature,
          masterGainDb: project.masterGainDb,
          createdAt: project.createdAt,
          updatedAt: project.updatedAt,
        })
      }
    }
  }

  #ordered(): Track[] {
    return [...this.#model.tracks].sort((a, b) => a.position - b.position)
  }

  #track(id: string): Track {
    const track = this.#model.tracks.find((candidate) => candidate.id === id)
    if (!track) throw notFound('Track', id)
    return track
  }

  #clip(id: string): Clip {
    const clip = this.#model.clips.find((candidate) => candidate.id === id)
    if (!clip) throw notFound('Clip', id)
    return clip
  }

  #asset(id: string): Asset {
    const asset = this.#model.assets.find((candidate) => candidate.id === id)
    if (!asset) throw notFound('Asset', id)
    return asset
  }

  #assetLength(asset: Asset): number {
    return framesAtRate(asset.frames, asset.sampleRate, this.#model.project.sampleRate)
  }

  #checkBounds(clip: Clip): void {
    const problem = clipBoundsProblem(clip, this.#assetLength(this.#asset(clip.assetId)))
    if (problem) throw new Refusal('invalid_input', problem.message, problem.field)
  }

  #state(stack: UndoStack): HistoryState {
    return { undoLabel: stack.undoLabel, redoLabel: stack.redoLabel }
  }

  #detail(): ProjectDetail {
    const clips = [...this.#model.clips].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1))
    return structuredClone({
      ...this.#model.project,
      tracks: this.#ordered().map((track) => ({
        ...track,
        clips: clips.filter((clip) => clip.trackId === track.id),
      })),
    })
  }
}
