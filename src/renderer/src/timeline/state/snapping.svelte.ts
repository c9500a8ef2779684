import { beatSamples, type SnapOptions } from '../../../../shared/timeline'
import { snapEdges } from '../edits'
import type { TimelineContent } from './content.svelte'
import type { Viewport } from './viewport.svelte'

/** Snap reach in pixels. */
const SNAP_PX = 8

/** Snapping of drags and loop edges to clip edges, marks (playhead, loop) and the beat grid. */
export class Snapping {
  on = $state(true)

  constructor(
    private readonly content: TimelineContent,
    private readonly view: Viewport,
  ) {}

  /**
   * What a drag of the clips in `exclude` snaps to, or null when snapping is off or `free` (Alt
   * held): the other clips' edges, `marks`, and the beats when the project has a tempo.
   */
  options(
    exclude: ReadonlySet<string>,
    marks: readonly number[],
    free = false,
  ): SnapOptions | null {
    if (!this.on || free) return null
    const tempo = this.content.tempo
    const rate = this.content.rate
    return {
      edges: snapEdges(this.content.clips, exclude, marks),
      gridSamples: tempo ? beatSamples(tempo.bpm, rate) : null,
      thresholdSamples: (SNAP_PX / this.view.pps) * rate,
    }
  }
}
