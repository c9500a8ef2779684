import { MasterBus } from '../../master/master-bus.svelte'
import type { Notices } from '../../lib/state/notices.svelte'
import type { ProjectState } from '../../lib/state/project.svelte'
import { commandFor, type ShortcutCommand } from '../shortcuts'
import { TimelineContent } from './content.svelte'
import { ClipDrags } from './drags.svelte'
import { TimelineEdits } from './edits.svelte'
import { Selection } from './selection.svelte'
import { Snapping } from './snapping.svelte'
import { Transport } from './transport.svelte'
import { Viewport, type ZoomBinding } from './viewport.svelte'

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
 * The timeline of the open project, made of its parts: what it shows (`content`, `view`), the
 * `selection`, `snapping`, clip `drags`, `edits` through the project's history, the `transport`
 * and the `master` bus. It owns the keyboard: a shortcut (timeline/shortcuts.ts) runs on a part.
 */
export class TimelineState {
  helpOpen = $state(false)

  readonly content: TimelineContent
  readonly view: Viewport
  readonly selection: Selection
  readonly snapping: Snapping
  readonly edits: TimelineEdits
  readonly drags: ClipDrags
  readonly transport: Transport
  /** The master bus: its gain and the meters on playback. */
  readonly master: MasterBus

  constructor(
    project: ProjectState,
    notices: Notices,
    zoom: ZoomBinding,
    urlFor: (assetId: string) => Promise<string>,
  ) {
    this.content = new TimelineContent(project)
    this.view = new Viewport(this.content, zoom)
    this.selection = new Selection(this.content)
    this.snapping = new Snapping(this.content, this.view)
    this.edits = new TimelineEdits(project, notices, this.content, this.selection)
    this.transport = new Transport(
      this.content,
      this.view,
      this.selection,
      this.snapping,
      notices,
      urlFor,
      (context, node) => void this.master.attach(context, node),
    )
    this.drags = new ClipDrags(
      this.content,
      this.view,
      this.selection,
      this.snapping,
      this.edits,
      () => [this.transport.playhead, ...this.transport.loopMarks()],
    )
    this.master = new MasterBus(
      project,
      (db) => this.transport.setMasterGain(db),
      (command) => this.edits.apply(command),
    )
  }

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
      else if (this.drags.active) this.drags.cancel()
      else this.selection.clear()
      return true
    }
    if (this.helpOpen || command === null) return false
    this.#run(command)
    return true
  }

  #run(command: Exclude<ShortcutCommand, 'help' | 'escape'>): void {
    const { edits, selection, transport, view } = this
    switch (command) {
      case 'undo':
        return void edits.undo()
      case 'redo':
        return void edits.redo()
      case 'duplicate':
        return void edits.duplicate()
      case 'split':
        return void edits.split(transport.playhead)
      case 'delete':
        return void edits.deleteSelected()
      case 'selectAll':
        return selection.all()
      case 'toggle':
        return void transport.toggle()
      case 'start':
        return transport.toStart()
      case 'end':
        return transport.toEnd()
      case 'loop':
        return transport.toggleLoop()
      case 'metronome':
        return transport.toggleMetronome()
      case 'back':
        return transport.nudge(-1)
      case 'back4':
        return transport.nudge(-4)
      case 'forward':
        return transport.nudge(1)
      case 'forward4':
        return transport.nudge(4)
      case 'snap':
        this.snapping.on = !this.snapping.on
        return
      case 'fit':
        return view.fit()
      case 'zoomIn':
        return view.zoomAround(1.25, transport.playhead)
      case 'zoomOut':
        return view.zoomAround(0.8, transport.playhead)
      case 'wavesTaller':
        return view.zoomWaves(2)
      case 'wavesShorter':
        return view.zoomWaves(0.5)
    }
  }

  dispose(): void {
    this.master.dispose()
    this.transport.dispose()
  }
}
