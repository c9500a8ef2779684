// Measured heights of a virtual list's rows, by key: each drawn row is watched while it is drawn,
// so a row that grows (a confirm, an error line) moves the rows below it.

export class RowHeights {
  readonly #heights = new Map<string, number>()
  readonly #watched = new Set<Element>()
  readonly #observer: ResizeObserver

  /** `keyOf`: the row element's key; `onchange`: some height changed. */
  constructor(keyOf: (element: HTMLElement) => string | undefined, onchange: () => void) {
    this.#observer = new ResizeObserver((entries) => {
      let changed = false
      for (const entry of entries) {
        const key = keyOf(entry.target as HTMLElement)
        const height = entry.borderBoxSize[0]?.blockSize
        if (key === undefined || height === undefined || height === 0) continue
        if (Math.abs((this.#heights.get(key) ?? -1) - height) > 0.5) {
          this.#heights.set(key, height)
          changed = true
        }
      }
      if (changed) onchange()
    })
  }

  get(key: string): number | undefined {
    return this.#heights.get(key)
  }

  /** Watches exactly these row elements (the ones drawn now). */
  watch(elements: Iterable<Element>): void {
    const current = new Set(elements)
    for (const element of this.#watched) {
      if (current.has(element)) continue
      this.#observer.unobserve(element)
      this.#watched.delete(element)
    }
    for (const element of current) {
      if (this.#watched.has(element)) continue
      this.#observer.observe(element)
      this.#watched.add(element)
    }
  }

  dispose(): void {
    this.#observer.disconnect()
    this.#watched.clear()
  }
}
