import type { Clip } from '../../../../shared/domain'
import { toSet } from '../edits'
import type { TimelineContent } from './content.svelte'

/** The selected clips, by id, in the order they were picked. */
export class Selection {
  ids = $state<string[]>([])

  constructor(private readonly content: TimelineContent) {}

  readonly set = $derived(toSet(this.ids))

  /** The one selected clip, for "Continue". */
  readonly single = $derived.by(() =>
    this.ids.length === 1 ? this.content.clipById(this.ids[0]!) : undefined,
  )

  has(clipId: string): boolean {
    return this.set.has(clipId)
  }

  /** A click: the clip alone, or (additive) toggled in the selection; a selected clip stays. */
  select(clipId: string, additive: boolean): void {
    if (additive) {
      this.ids = this.set.has(clipId)
        ? this.ids.filter((id) => id !== clipId)
        : [...this.ids, clipId]
    } else if (!this.set.has(clipId)) {
      this.ids = [clipId]
    }
  }

  only(clipId: string): void {
    this.ids = [clipId]
  }

  all(): void {
    this.ids = this.content.clips.map((clip) => clip.id)
  }

  clear(): void {
    this.ids = []
  }

  /** Forgets the clips that are gone (a removed track's). */
  forget(clipIds: ReadonlySet<string>): void {
    this.ids = this.ids.filter((id) => !clipIds.has(id))
  }

  replace(clipIds: string[]): void {
    this.ids = clipIds
  }

  clips(): Clip[] {
    return this.ids.flatMap((id) => this.content.clipById(id) ?? [])
  }
}
