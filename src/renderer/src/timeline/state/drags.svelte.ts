import type { Clip } from '../../../../shared/domain'
import { combineCommands, updateClipCommand, type Command } from '../../../../shared/undo'
import { dragPreview, toMap, toSet, type DragKind } from '../edits'
import type { TimelineContent } from './content.svelte'
import type { TimelineEdits } from './edits.svelte'
import type { Selection } from './selection.svelte'
import type { Snapping } from './snapping.svelte'
import type { Viewport } from './viewport.svelte'

/** The undo step a drag becomes (one per drag). */
const DRAG_LABELS: Record<DragKind, string> = {
  move: 'Move clip',
  'trim-start': 'Trim clip',
  'trim-end': 'Trim clip',
  'fade-in': 'Fade in',
  'fade-out': 'Fade out',
  gain: 'Clip gain',
}

interface DragState {
  kind: DragKind
  primary: string
  originals: Map<string, Clip>
  startX: number
  startY: number
  startLane: number
  assetLength: number
}

/**
 * Drags of clips: a move (the selection, also to other tracks), a trim (one clip's edge) or a
 * handle (fade, gain). While it lasts the content shows a preview; its end is one edit.
 */
export class ClipDrags {
  #drag: DragState | null = null

  constructor(
    private readonly content: TimelineContent,
    private readonly view: Viewport,
    private readonly selection: Selection,
    private readonly snapping: Snapping,
    private readonly edits: TimelineEdits,
    /** Points a drag snaps to besides clip edges (the playhead, the loop's edges). */
    private readonly marks: () => number[],
  ) {}

  get active(): boolean {
    return this.#drag !== null
  }

  /** Starts a drag of a clip (move), an edge (trim) or a handle (fade, gain) at pointer x, y. */
  begin(kind: DragKind, clipId: string, x: number, lane: number, y = 0): void {
    const primary = this.content.clipById(clipId)
    if (!primary) return
    const ids = kind === 'move' && this.selection.has(clipId) ? this.selection.ids : [clipId]
    const originals = toMap(
      ids.flatMap((id) => {
        const clip = this.content.clipById(id)
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
      assetLength: this.content.assetLength(primary),
    }
  }

  /** The drag's pointer moved; `noSnap` (Alt) drags freely, and makes the gain handle fine. */
  to(x: number, lane: number, noSnap: boolean, y?: number): void {
    const drag = this.#drag
    const primary = drag?.originals.get(drag.primary)
    if (!drag || !primary) return
    this.content.preview = dragPreview({
      kind: drag.kind,
      primary,
      originals: drag.originals,
      delta: Math.round(((x - drag.startX) / this.view.pps) * this.content.rate),
      laneDelta: lane - drag.startLane,
      deltaY: (y ?? drag.startY) - drag.startY,
      fine: noSnap,
      trackOrder: this.content.tracks.map((track) => track.id),
      snap: this.snapping.options(toSet([...drag.originals.keys()]), this.marks(), noSnap),
      assetLength: drag.assetLength,
    })
  }

  cancel(): void {
    this.#drag = null
    this.content.preview = null
  }

  /** Ends a drag: the edit goes through the contract and onto the undo stack. */
  end(): Promise<void> {
    const drag = this.#drag
    this.#drag = null
    const preview = this.content.preview
    if (!drag || !preview) {
      this.content.preview = null
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
      this.content.preview = null
      return Promise.resolve()
    }
    const command = commands.length === 1 ? commands[0]! : combineCommands(label, commands)
    // The preview stays until the project has reloaded with the edit: the clip never jumps back.
    return this.edits.apply(command, () => (this.content.preview = null))
  }
}
