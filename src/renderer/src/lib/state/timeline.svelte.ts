import type { MethodInput, SketchApi } from '../../../../shared/api'
import type { Clip, Track } from '../../../../shared/domain'
import {
  beatSamples,
  duplicateClip,
  framesAtRate,
  snapTime,
  splitClip,
  type SnapOptions,
} from '../../../../shared/timeline'
import {
  combineCommands,
  createClipCommand,
  deleteClipCommand,
  deleteTrackCommand,
  updateClipCommand,
  type Command,
} from '../../../../shared/undo'
import {
  clipsByTrack,
  dragPreview,
  snapEdges,
  toMap,
  toSet,
  type DragKind,
} from '../../timeline/edits'
import { MasterBus } from '../../master/master-bus.svelte'
import { commandFor, type ShortcutCommand } from '../../timeline/shortcuts'
import { PlaybackEngine, type LoopRegion } from '../playback/engine'
import type { PlanTrack } from '../playback/scheduler'
import type { Notices } from './notices.svelte'
import type { ProjectState } from './project.svelte'

export type TrackChanges = Partial<Pick<Track, 'name' | 'gainDb' | 'mute' | 'solo' | 'position'>>
export type { DragKind }

/** The zoom (pixels per second) lives with the page that mounts the timeline. */
export interface ZoomBinding {
  get(): number
  set(pixelsPerSecond: number): void
}

export const MIN_WAVE_ZOOM = 1
export const MAX_WAVE_ZOOM = 16
export const MIN_PPS = 1
export const MAX_PPS = 1000
/** The undo step a drag becomes (one per drag). */
const DRAG_LABELS: Record<DragKind, string> = {
  move: 'Move clip',
  'trim-start': 'Trim clip',
  'trim-end': 'Trim clip',
  'fade-in': 'Fade in',
  'fade-out': 'Fade out',
  gain: 'Clip gain',
}
/** Snap reach in pixels. */
const SNAP_PX = 8

interface DragState {
  kind: DragKind
  primary: string
  originals: Map<string, Clip>
  startX: number
  startY: number
  startLane: number
  assetLength: number
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  )
}

/**
 * The timeline of the open project: view (zoom, scroll), selection, drags, edits through an undo
 * stack of contract patches, and the transport (playhead, loop, Web Audio playback).
 */
export class TimelineState {
  scrollSeconds = $state(0)
  /** Width of the lanes' visible area, CSS pixels. */
  viewWidth = $state(0)
  selected = $state<string[]>([])
  /** Clips as a drag shows them (and until the project reloads after the edit). */
  preview = $state.raw<ReadonlyMap<string, Clip> | null>(null)
  snap = $state(true)
  playhead = $state(0)
  playing = $state(false)
  /** Play was pressed and audio is still being fetched and decoded. */
  preparing = $state(false)
  loop = $state<LoopRegion | null>(null)
  loopOn = $state(false)
  helpOpen = $state(false)
  /** Vertical waveform zoom: how much taller waveforms are drawn (the audio is unchanged). */
  waveZoom = $state(1)
  /** The metronome clicks the project tempo while playing. */
  metronome = $state(false)

  readonly #engine: PlaybackEngine
  /** The master bus: its gain and the meters on playback. */
  readonly master: MasterBus
  #drag: DragState | null = null
  #raf = 0
  #tmp = 0
  #queue: Promise<unknown> = Promise.resolve()
  #playedClips = ''

  constructor(
    private readonly api: SketchApi,
    private readonly project: ProjectState,
    private readonly notices: Notices,
    private readonly zoom: ZoomBinding,
    urlFor: (assetId: string) => Promise<string>,
  ) {
    this.#engine = new PlaybackEngine(
      urlFor,
      (context, node) => void this.master.attach(context, node),
    )
    this.master = new MasterBus(
      project,
      (db) => this.#engine.setMasterGain(db),
      (command) => this.#enqueue(() => this.#execute(command)),
    )
  }

  get rate(): number {
    return this.project.detail?.sampleRate ?? 48000
  }

  get tracks(): Track[] {
    return this.project.detail?.tracks ?? []
  }

  get pps(): number {
    return this.zoom.get()
  }

  set pps(value: number) {
    this.zoom.set(Math.min(MAX_PPS, Math.max(MIN_PPS, value)))
  }

  get tempo(): { bpm: number; timeSignature: [number, number] } | null {
    const detail = this.project.detail
    if (!detail?.tempoBpm) return null
    return { bpm: detail.tempoBpm, timeSignature: detail.timeSignature ?? [4, 4] }
  }

  /** Every clip, by track, as shown (drag previews applied). */
  readonly byTrack = $derived.by(() =>
    clipsByTrack(this.project.detail?.tracks ?? [], this.preview),
  )

  readonly clips = $derived([...this.byTrack.values()].flat())
  readonly selectedSet = $derived(toSet(this.selected))
  readonly endSamples = $derived(
    this.clips.reduce((end, clip) => Math.max(end, clip.start + clip.length), 0),
  )
  readonly viewSeconds = $derived(this.viewWidth / this.pps)
  readonly contentSeconds = $derived(
    Math.max(this.endSamples / this.rate + 30, this.viewSeconds, 60),
  )
  readonly maxScroll = $derived(Math.max(0, this.contentSeconds - this.viewSeconds))

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

  /** The tracks as playback needs them (without drag previews). */
  readonly planTracks = $derived.by((): PlanTrack[] =>
    (this.project.detail?.tracks ?? []).map((track) => ({
      id: track.id,
      gainDb: track.gainDb,
      mute: track.mute,
      solo: track.solo,
      clips: track.clips.map((clip) => ({ ...clip })),
    })),
  )

  // ---------------------------------------------------------------------------------------------
  // View

  /** The scroll in whole pixels (lanes, canvases and overlays all use the same). */
  get scrollPx(): number {
    return Math.round(this.scrollSeconds * this.pps)
  }

  xOf(samples: number): number {
    return (samples / this.rate) * this.pps - this.scrollPx
  }

  samplesAt(x: number): number {
    return Math.max(0, Math.round(((x + this.scrollPx) / this.pps) * this.rate))
  }

  scrollTo(seconds: number): void {
    this.scrollSeconds = Math.min(this.maxScroll, Math.max(0, seconds))
  }

  scrollBy(pixels: number): void {
    this.scrollTo(this.scrollSeconds + pixels / this.pps)
  }

  /** Zooms by `factor`, keeping the time under `x` (view pixels) in place. */
  zoomAt(factor: number, x: number): void {
    const time = this.scrollSeconds + x / this.pps
    this.pps = this.pps * factor
    this.scrollSeconds = Math.max(0, time - x / this.pps)
    this.scrollTo(this.scrollSeconds)
  }

  /** Zooms around the playhead when it is on screen, else around the middle. */
  zoomBy(factor: number): void {
    const x = this.xOf(this.playhead)
    this.zoomAt(factor, x >= 0 && x <= this.viewWidth ? x : this.viewWidth / 2)
  }

  /** Waveforms drawn `factor` times taller (or shorter), between ×1 and ×16. */
  zoomWaves(factor: number): void {
    this.waveZoom = Math.min(MAX_WAVE_ZOOM, Math.max(MIN_WAVE_ZOOM, this.waveZoom * factor))
  }

  fit(): void {
    const seconds = Math.max(5, this.endSamples / this.rate)
    this.pps = (Math.max(200, this.viewWidth) - 24) / seconds
    this.scrollSeconds = 0
  }

  // ---------------------------------------------------------------------------------------------
  // Selection

  select(clipId: string, additive: boolean): void {
    if (additive) {
      this.selected = this.selectedSet.has(clipId)
        ? this.selected.filter((id) => id !== clipId)
        : [...this.selected, clipId]
    } else if (!this.selectedSet.has(clipId)) {
      this.selected = [clipId]
    }
  }

  selectOnly(clipId: string): void {
    this.selected = [clipId]
  }

  selectAll(): void {
    this.selected = this.clips.map((clip) => clip.id)
  }

  clearSelection(): void {
    this.selected = []
  }

  clipById(clipId: string): Clip | undefined {
    for (const track of this.project.detail?.tracks ?? []) {
      const clip = track.clips.find((candidate) => candidate.id === clipId)
      if (clip) return clip
    }
    return undefined
  }

  selectedClips(): Clip[] {
    return this.selected.flatMap((id) => this.clipById(id) ?? [])
  }

  /** The one selected clip, for "Continue". */
  readonly single = $derived.by(() =>
    this.selected.length === 1 ? this.clipById(this.selected[0]!) : undefined,
  )

  // ---------------------------------------------------------------------------------------------
  // Drags: move (the selection, also to other tracks) and trims (one clip)

  #assetLength(clip: Clip): number {
    const asset = this.project.assetById(clip.assetId)
    return asset
      ? framesAtRate(asset.frames, asset.sampleRate, this.rate)
      : clip.offset + clip.length
  }

  #snapOptions(exclude: ReadonlySet<string>, withPlayhead = true): SnapOptions {
    const extra = withPlayhead ? [this.playhead] : []
    if (this.loop) extra.push(this.loop.start, this.loop.end)
    const tempo = this.tempo
    return {
      edges: snapEdges(this.clips, exclude, extra),
      gridSamples: tempo ? beatSamples(tempo.bpm, this.rate) : null,
      thresholdSamples: (SNAP_PX / this.pps) * this.rate,
    }
  }

  /** Starts a drag of a clip (move), an edge (trim) or a handle (fade, gain) at pointer x, y. */
  beginDrag(kind: DragKind, clipId: string, x: number, lane: number, y = 0): void {
    const primary = this.clipById(clipId)
    if (!primary) return
    const ids = kind === 'move' && this.selected.includes(clipId) ? this.selected : [clipId]
    const originals = toMap(
      ids.flatMap((id) => {
        const clip = this.clipById(id)
        return clip ? [[id, clip] as const] : []
      }),
    )
    this.#drag = {
      kind,
      primary: clipId,
      originals,
      startX: x,
      startY: y,
      startLane: lane,
      assetLength: this.#assetLength(primary),
    }
  }

  get dragging(): boolean {
    return this.#drag !== null
  }

  /** The drag's pointer moved; `noSnap` (Alt) drags freely, and makes the gain handle fine. */
  dragTo(x: number, lane: number, noSnap: boolean, y?: number): void {
    const drag = this.#drag
    const primary = drag?.originals.get(drag.primary)
    if (!drag || !primary) return
    this.preview = dragPreview({
      kind: drag.kind,
      primary,
      originals: drag.originals,
      delta: Math.round(((x - drag.startX) / this.pps) * this.rate),
      laneDelta: lane - drag.startLane,
      deltaY: (y ?? drag.startY) - drag.startY,
      fine: noSnap,
      trackOrder: this.tracks.map((track) => track.id),
      snap: this.snap && !noSnap ? this.#snapOptions(toSet([...drag.originals.keys()])) : null,
      assetLength: drag.assetLength,
    })
  }

  cancelDrag(): void {
    this.#drag = null
    this.preview = null
  }

  /** Ends a drag: the edit goes through the contract and onto the undo stack. */
  endDrag(): Promise<void> {
    const drag = this.#drag
    this.#drag = null
    const preview = this.preview
    if (!drag || !preview) {
      this.preview = null
      return Promise.resolve()
    }
    const label = DRAG_LABELS[drag.kind]
    const commands: Command[] = []
    for (const [id, after] of preview) {
      const before = drag.originals.get(id)
      const command = before ? updateClipCommand(label, before, after) : null
      if (command) commands.push(command)
    }
    if (commands.length === 0) {
      this.preview = null
      return Promise.resolve()
    }
    const command = commands.length === 1 ? commands[0]! : combineCommands(label, commands)
    return this.#enqueue(async () => {
      await this.#execute(command)
      this.preview = null
    })
  }

  // ---------------------------------------------------------------------------------------------
  // Edits

  #tempId(): string {
    return `pending-${++this.#tmp}`
  }

  /** Splits the selected clips (or, with none selected, every clip) under the playhead. */
  split(): Promise<void> {
    const at = this.playhead
    const selected = this.selectedClips()
    const candidates = selected.length > 0 ? selected : this.clips
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
    return this.#enqueue(async () => {
      const ids = await this.#execute(combineCommands('Split clip', commands))
      if (ids) this.selected = seconds.flatMap((id) => ids[id] ?? [])
    })
  }

  /**
   * Copies the selection right after itself, on the same tracks where that span is free, else on
   * a lane below ("Keys (copy)"): a copy never lands on another clip.
   */
  duplicate(): Promise<void> {
    const selected = this.selectedClips()
    if (selected.length === 0) return Promise.resolve()
    const first = Math.min(...selected.map((clip) => clip.start))
    const last = Math.max(...selected.map((clip) => clip.start + clip.length))
    const copies = selected.map((clip) => ({
      ...duplicateClip(clip, clip.start + (last - first)),
      id: this.#tempId(),
    }))
    const planned = this.project.plan(copies, 'copy', 'Duplicate clip')
    if (!planned) return Promise.resolve()
    return this.#enqueue(async () => {
      const ids = await this.#execute(planned.command)
      if (ids) this.selected = copies.flatMap((copy) => ids[copy.id] ?? [])
    })
  }

  deleteSelected(): Promise<void> {
    const selected = this.selectedClips()
    if (selected.length === 0) return Promise.resolve()
    const commands = selected.map((clip) => deleteClipCommand('Delete clip', clip))
    this.selected = []
    return this.#enqueue(() => this.#execute(combineCommands('Delete clip', commands)))
  }

  /** Removes a track with its clips, undoably (undo brings both back). */
  removeTrack(track: Track): Promise<void> {
    const withClips = this.project.detail?.tracks.find((candidate) => candidate.id === track.id)
    if (!withClips) return Promise.resolve()
    this.selected = this.selected.filter((id) => !withClips.clips.some((clip) => clip.id === id))
    return this.#enqueue(async () => {
      await this.#execute(deleteTrackCommand(withClips))
    })
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
    return this.#enqueue(() => this.#execute(command))
  }

  undo(): Promise<void> {
    return this.#enqueue(() => this.project.undo())
  }

  redo(): Promise<void> {
    return this.#enqueue(() => this.project.redo())
  }

  /** Runs edits one after another, so that quick key presses never interleave. */
  #enqueue(task: () => Promise<unknown>): Promise<void> {
    const next = this.#queue.then(task, task)
    this.#queue = next.catch(() => undefined)
    return next.then(() => undefined)
  }

  /** Applies a new command as one step of the project's history; returns the id map. */
  #execute(command: Command): Promise<Readonly<Record<string, string>> | null> {
    return this.project.edit(command)
  }

  // ---------------------------------------------------------------------------------------------
  // Transport

  seek(samples: number): void {
    this.playhead = Math.max(0, Math.round(samples))
    if (this.playing) void this.#start()
  }

  toStart(): void {
    this.seek(0)
    this.scrollTo(0)
  }

  toEnd(): void {
    this.seek(this.endSamples)
    this.#follow()
  }

  toggle(): Promise<void> {
    if (this.playing) {
      this.pause()
      return Promise.resolve()
    }
    return this.play()
  }

  async play(): Promise<void> {
    if (this.playing) return
    const loop = this.loopOn ? this.loop : null
    if (loop && (this.playhead < loop.start || this.playhead >= loop.end)) {
      this.playhead = loop.start
    } else if (!loop && this.playhead >= this.endSamples) {
      this.playhead = 0
    }
    this.playing = true
    await this.#start()
    this.#tick()
  }

  pause(): void {
    const position = this.#engine.position()
    this.#engine.stop()
    this.playing = false
    cancelAnimationFrame(this.#raf)
    if (position !== null) this.playhead = Math.round(position)
  }

  async #start(): Promise<void> {
    this.#playedClips = JSON.stringify(this.planTracks.map((track) => track.clips))
    const assets = this.planTracks.flatMap((track) => track.clips.map((clip) => clip.assetId))
    this.preparing = !this.#engine.ready(assets)
    await this.#engine.play({
      tracks: this.planTracks,
      sampleRate: this.rate,
      from: this.playhead,
      loop: this.loopOn ? this.loop : null,
    })
    this.preparing = false
  }

  #tick = (): void => {
    if (!this.playing) return
    const position = this.#engine.position()
    if (position !== null) this.playhead = Math.round(position)
    if (this.#engine.finished()) {
      this.pause()
      return
    }
    this.#follow()
    this.#raf = requestAnimationFrame(this.#tick)
  }

  /** Pages the view so the playhead stays on screen. */
  #follow(): void {
    const x = this.xOf(this.playhead)
    if (x < 0 || x > this.viewWidth - 24) {
      this.scrollTo(this.playhead / this.rate - this.viewSeconds * 0.1)
    }
  }

  /** Called when the project changes: track changes apply live, clip changes reschedule. */
  refreshPlayback(tracks: readonly PlanTrack[]): void {
    this.#engine.updateTracks(tracks)
    // Decoded ahead, so that Space starts sound at once instead of after a fetch and a decode.
    for (const track of tracks) for (const clip of track.clips) void this.#engine.load(clip.assetId)
    if (!this.playing) return
    const clips = JSON.stringify(tracks.map((track) => track.clips))
    if (clips !== this.#playedClips) void this.#start()
  }

  /** Metronome on or off; it needs a tempo (the header's Tempo field). */
  toggleMetronome(): void {
    if (!this.metronome && !this.tempo) {
      this.notices.info('Set a tempo (next to the project name) to use the metronome.')
      return
    }
    this.metronome = !this.metronome
    this.applyMetronome()
  }

  /** Gives the engine the metronome's state and the tempo (also after a tempo change). */
  applyMetronome(): void {
    const tempo = this.tempo
    this.#engine.setMetronome(
      this.metronome && tempo ? { bpm: tempo.bpm, beatsPerBar: tempo.timeSignature[0] } : null,
    )
  }

  setLoop(a: number, b: number, noSnap = false): void {
    let start = Math.max(0, Math.min(a, b))
    let end = Math.max(a, b)
    if (this.snap && !noSnap) {
      const options = this.#snapOptions(toSet([]), false)
      start = snapTime(start, options).samples
      end = snapTime(end, options).samples
    }
    if (end - start < 1) return
    this.loop = { start, end }
    this.loopOn = true
    if (this.playing) void this.#start()
  }

  /** L: turns the loop off, or on over the selection (or the last region, or 4 bars / 8 s). */
  toggleLoop(): void {
    if (this.loopOn) {
      this.loopOn = false
    } else {
      const selected = this.selectedClips()
      if (selected.length > 0) {
        this.loop = {
          start: Math.min(...selected.map((clip) => clip.start)),
          end: Math.max(...selected.map((clip) => clip.start + clip.length)),
        }
      } else if (!this.loop) {
        const tempo = this.tempo
        const span = tempo
          ? Math.round(beatSamples(tempo.bpm, this.rate) * tempo.timeSignature[0] * 4)
          : 8 * this.rate
        this.loop = { start: this.playhead, end: this.playhead + span }
      }
      this.loopOn = true
    }
    if (this.playing) void this.#start()
  }

  /** One grid step (a beat with a tempo, else a second) for arrow keys. */
  #step(): number {
    const tempo = this.tempo
    return tempo ? beatSamples(tempo.bpm, this.rate) : this.rate
  }

  // ---------------------------------------------------------------------------------------------
  // Keyboard

  /** Handles a timeline shortcut (written in timeline/shortcuts.ts); true when the key was used. */
  handleKey(event: KeyboardEvent): boolean {
    if (event.defaultPrevented || isEditable(event.target)) return false
    const command = commandFor(event)
    if (command === 'help') {
      this.helpOpen = !this.helpOpen
      return true
    }
    if (command === 'escape') {
      if (this.helpOpen) this.helpOpen = false
      else if (this.dragging) this.cancelDrag()
      else this.clearSelection()
      return true
    }
    if (this.helpOpen || command === null) return false
    this.#run(command)
    return true
  }

  #run(command: Exclude<ShortcutCommand, 'help' | 'escape'>): void {
    switch (command) {
      case 'undo':
        return void this.undo()
      case 'redo':
        return void this.redo()
      case 'duplicate':
        return void this.duplicate()
      case 'selectAll':
        return this.selectAll()
      case 'toggle':
        return void this.toggle()
      case 'start':
        return this.toStart()
      case 'end':
        return this.toEnd()
      case 'loop':
        return this.toggleLoop()
      case 'metronome':
        return this.toggleMetronome()
      case 'split':
        return void this.split()
      case 'snap':
        this.snap = !this.snap
        return
      case 'fit':
        return this.fit()
      case 'zoomIn':
        return this.zoomBy(1.25)
      case 'zoomOut':
        return this.zoomBy(0.8)
      case 'wavesTaller':
        return this.zoomWaves(2)
      case 'wavesShorter':
        return this.zoomWaves(0.5)
      case 'delete':
        return void this.deleteSelected()
      case 'back':
      case 'back4':
      case 'forward':
      case 'forward4': {
        const beats = command.endsWith('4') ? 4 : 1
        const sign = command.startsWith('back') ? -1 : 1
        this.seek(this.playhead + sign * this.#step() * beats)
        this.#follow()
        return
      }
    }
  }

  dispose(): void {
    cancelAnimationFrame(this.#raf)
    this.master.dispose()
    void this.#engine.dispose()
  }
}
