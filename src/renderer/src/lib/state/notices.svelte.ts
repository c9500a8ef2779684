import type { ApiError, Result } from '../../../../shared/result'

export interface Notice {
  id: number
  kind: 'error' | 'info'
  message: string
  /** What it is about (e.g. 'export'): a later success of the same clears it. */
  topic?: string
}

/** Messages shown at the bottom of the window; errors stay until dismissed. */
export class Notices {
  items = $state<Notice[]>([])
  #nextId = 1

  error(error: ApiError | string, topic?: string): void {
    this.#push('error', typeof error === 'string' ? error : error.message, topic)
  }

  /** A success: the errors of earlier tries of the same thing are stale now. */
  clear(topic: string): void {
    this.items = this.items.filter((notice) => notice.topic !== topic)
  }

  info(message: string): void {
    const id = this.#push('info', message)
    setTimeout(() => this.dismiss(id), 4000)
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id)
  }

  /** Unwraps a contract answer, reporting a failure; returns undefined when it failed. */
  take<T>(result: Result<T>): T | undefined {
    if (result.ok) return result.value
    this.error(result.error)
    return undefined
  }

  #push(kind: Notice['kind'], message: string, topic?: string): number {
    const id = this.#nextId++
    this.items = [...this.items, topic ? { id, kind, message, topic } : { id, kind, message }]
    return id
  }
}
