// The lifecycle of a take. Every write of a status goes through `canTransition`, so a late answer
// of a provider can never revive a take the user canceled, nor move a finished one.
import type { GenerationStatus } from '../../../shared/domain'

const ALLOWED: Readonly<Record<GenerationStatus, readonly GenerationStatus[]>> = {
  // queued → running/downloading: a resumed take that already has a provider job.
  queued: [
    'queued',
    'submitting',
    'running',
    'downloading',
    'waiting_network',
    'waiting_parent',
    'needs_decision',
    'failed',
    'canceled',
  ],
  waiting_parent: ['waiting_parent', 'queued', 'failed', 'canceled'],
  waiting_network: ['queued', 'failed', 'canceled'],
  submitting: [
    'submitting',
    'running',
    'queued',
    'waiting_network',
    'needs_decision',
    'failed',
    'canceled',
  ],
  // running/downloading → submitting: a Cog run whose connection was lost (an app restart) is
  // started again, which costs nothing on a local container.
  running: ['running', 'submitting', 'downloading', 'waiting_network', 'failed', 'canceled'],
  downloading: ['downloading', 'submitting', 'succeeded', 'waiting_network', 'failed', 'canceled'],
  succeeded: [],
  failed: ['queued'],
  canceled: ['queued'],
  needs_decision: ['queued', 'canceled'],
}

export function canTransition(from: GenerationStatus, to: GenerationStatus): boolean {
  return ALLOWED[from].includes(to)
}

/** Nothing more happens to the take on its own. */
export function isTerminal(status: GenerationStatus): boolean {
  switch (status) {
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return true
    case 'queued':
    case 'waiting_parent':
    case 'waiting_network':
    case 'submitting':
    case 'running':
    case 'downloading':
    case 'needs_decision':
      return false
  }
}

/** A request may be on its way or a prediction may exist: not deletable, cancel first. */
export function isInFlight(status: GenerationStatus): boolean {
  switch (status) {
    case 'submitting':
    case 'running':
    case 'downloading':
      return true
    case 'queued':
    case 'waiting_parent':
    case 'waiting_network':
    case 'succeeded':
    case 'failed':
    case 'canceled':
    case 'needs_decision':
      return false
  }
}

/** The queue picks these up (at start too): they resume from what the row records. */
export function isRunnable(status: GenerationStatus): boolean {
  switch (status) {
    case 'queued':
    case 'submitting':
    case 'running':
    case 'downloading':
      return true
    case 'waiting_parent':
    case 'waiting_network':
    case 'succeeded':
    case 'failed':
    case 'canceled':
    case 'needs_decision':
      return false
  }
}

/** The user may send it again (for needs_decision: accepting to pay again). */
export function isRetryable(status: GenerationStatus): boolean {
  return status === 'failed' || status === 'canceled' || status === 'needs_decision'
}

export class TransitionError extends Error {
  constructor(
    readonly from: GenerationStatus,
    readonly to: GenerationStatus,
  ) {
    super(`a take cannot go from ${from} to ${to}`)
    this.name = 'TransitionError'
  }
}
