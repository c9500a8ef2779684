// Dragging a take or a clip out of the window as a WAV. The WAV is prepared when the pointer comes
// near (dragstart cannot wait); then Electron starts the OS drag of the file (app.startDrag), and
// a browser gets Chromium's DownloadURL drag data, which the desktop saves as a file.
import type { MethodInput, SketchApi } from '../../../shared/api'
import { SvelteSet } from 'svelte/reactivity'
import { downloadUrlData, type PreparedDragOut } from './drag-out-url'
import { mediaUrl } from './media'

/** Browser mode's media URLs expire: a prepared drag older than this is prepared again. */
const FRESH_MS = 20_000

export type DragOutSource = MethodInput<'assets.dragOut'>

export class DragOut {
  /** Prepared files by key (a take's or a clip's id, with what changes its audio). */
  ready = $state<Record<string, PreparedDragOut>>({})
  readonly #pending = new SvelteSet<string>()

  constructor(private readonly api: SketchApi) {}

  /** Renders the WAV ahead of the drag; cheap to call again. */
  prepare(key: string, source: DragOutSource): void {
    const ready = this.ready[key]
    if ((ready && Date.now() - ready.preparedAt < FRESH_MS) || this.#pending.has(key)) return
    this.#pending.add(key)
    void this.#prepare(key, source).finally(() => this.#pending.delete(key))
  }

  async #prepare(key: string, source: DragOutSource): Promise<void> {
    const file = await this.api.call('assets.dragOut', source)
    if (!file.ok) return
    const url = await mediaUrl(this.api, file.value.assetId).catch(() => null)
    if (url) this.ready[key] = { ...file.value, url, preparedAt: Date.now() }
  }

  /** In dragstart: hands the prepared WAV to the shell; false when it is not ready yet. */
  start(event: DragEvent, key: string): boolean {
    const file = this.ready[key]
    if (!file || !event.dataTransfer) return false
    if (window.sketch) {
      // Electron: the OS drag of the real file replaces the page's own drag.
      event.preventDefault()
      void this.api.call('app.startDrag', { assetId: file.assetId, fileName: file.fileName })
      return true
    }
    event.dataTransfer.setData('DownloadURL', downloadUrlData(file, location.href))
    event.dataTransfer.effectAllowed = 'copy'
    return true
  }
}
