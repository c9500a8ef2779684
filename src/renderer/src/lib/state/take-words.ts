// How a take's row words what the contract gives in numbers.
import type { TakeSummary } from '../../../../shared/takes'

/** "segment 2 of 3" for a take of a chain, null for a plain take. */
export function chainLabel(chain: TakeSummary['chain']): string | null {
  if (!chain) return null
  return chain.of > 1 ? `segment ${chain.segment} of ${chain.of}` : 'continuation'
}
