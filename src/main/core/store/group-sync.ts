/**
 * Coalesces durability requests: `flush()` resolves once a `sync` that started after the call has
 * finished. Callers arriving while a sync runs share the next one, so a burst of commits costs one
 * or two syncs however many there are.
 */
export class GroupSync {
  #inFlight: Promise<void> | undefined
  #queued: Promise<void> | undefined
  #closed = false

  constructor(private readonly sync: () => Promise<void>) {}

  flush(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    if (this.#queued) return this.#queued
    if (!this.#inFlight) return this.#start()
    // The running sync may have started before the caller's write: wait for the next one.
    const next = this.#inFlight
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined
        return this.#start()
      })
    this.#queued = next
    return next
  }

  /** Lets the syncs in progress finish; later flushes resolve at once. */
  async close(): Promise<void> {
    this.#closed = true
    await Promise.allSettled([this.#inFlight, this.#queued])
  }

  #start(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    const run = this.sync().finally(() => {
      if (this.#inFlight === run) this.#inFlight = undefined
    })
    this.#inFlight = run
    return run
  }
}
