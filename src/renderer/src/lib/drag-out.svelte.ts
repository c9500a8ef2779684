// Dragging a take or a clip out of the window as a WAV. The WAV is prepared when the pointer comes
// near (dragstart cannot wait); then Electron starts the OS drag of the file (app.startDrag), and
// a browser gets Chromium's DownloadURL drag data, which the desktop saves as a file.
import type { MethodInput, SketchApi } from '../../../shared/api'
import type { DragOutFile } from '../../../shared/domain'
import { SvelteSet } from 'svelte/reactivity'
import { downloadUrlData } from './drag-out-url'

export type DragOutSource = MethodInput<'assets.dragOut'>

export class DragOut {
  /** Prepared files by key (a take's or a clip's id, with what changes its audio). */
  ready = $state<Record<string, DragOutFile>>({})
  readonly #pending = new SvelteSet<string>()

  constructor(private readonly api: SketchApi) {}

  /** Renders the WAV ahead of the drag; cheap to call again. */
  prepare(key: string, source: DragOutSource): void {
    if (this.ready[key] || this.#pending.has(key)) return
    this.#pending.add(key)
    void this.api.call('assets.dragOut', source).then((result) => {
      this.#pending.delete(key)
      if (result.ok) this.ready[key] = result.value
    })
  }

  /** In dragstart: hands the prepared WAV to the shell; false when it is not ready yet. */
  start(event: DragEvent, key: string): boolean {
    const file = this.ready[key]
    if (!file || !event.dataTransfer) return false
    if (window.sketch) {
      // Electron: the OS drag of the real file replaces the page's own drag.
      event.preventDefault()
      void this.api.call('app.startDrag', file)
      return true
    }
    event.dataTransfer.setData('DownloadURL', downloadUrlData(file, location.href))
    event.dataTransfer.effectAllowed = 'copy'
    return true
  }
}
