import type { EventName, Events } from '../../shared/api'

type AnyListener = (event: EventName, payload: Events[EventName]) => void

/** A typed event bus; the bindings (ipc, WebSocket) subscribe to everything with `onAny`. */
export class CoreEvents {
  readonly #listeners = new Set<AnyListener>()

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.#listeners) listener(event, payload)
  }

  onAny(listener: AnyListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
