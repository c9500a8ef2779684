/**
 * Lets the disk work while rendering goes on: `poke` starts flushing every file unless a flush
 * is already running. The final fsync then waits only for what was written last. A flush that
 * fails is reported by `settle`: the kernel reports a write-back error to one fsync only, so it
 * must not be lost here.
 */
export class BackgroundFlush {
  #running: Promise<void> | null = null
  #failure: { error: unknown } | null = null

  constructor(private readonly files: readonly { flush(): Promise<void> }[]) {}

  poke(): void {
    if (this.#running || this.#failure) return
    this.#running = Promise.all(this.files.map((file) => file.flush())).then(
      () => {
        this.#running = null
      },
      (error: unknown) => {
        this.#running = null
        this.#failure ??= { error }
      },
    )
  }

  /** Waits for the flush in progress; throws what any flush failed with. */
  async settle(): Promise<void> {
    await this.#running
    if (this.#failure) throw this.#failure.error
  }
}
