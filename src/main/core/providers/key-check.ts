// Checks a provider's keys with its cheapest authenticated call (ProviderClient.verifyCredentials)
// and says what came of it in words a musician reads: valid, rejected by the provider, or could
// not check. Only a refusal of the key (401/403) counts as rejected: a network failure, a timeout
// or the provider's own failure leaves the key unchecked (it is kept, offline-friendly).
import type { KeyCheck } from '../../../shared/domain'
import type { Provider } from '../../../shared/musicgen'
import type { ProviderClient } from './provider'
import { ProviderError } from './provider-error'
import { descriptorOf } from './registry'

/** Longest wait for the provider's answer: the Settings page waits for it. */
export const KEY_CHECK_TIMEOUT_MS = 10_000

function withStatus(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return error instanceof ProviderError && error.status !== undefined
    ? `${message} (HTTP ${error.status})`
    : message
}

/** What an error of the check means for the key. */
export function keyCheckFromError(
  provider: Provider,
  error: unknown,
  timedOut: boolean,
  checkedAt: number,
  onUnreachable: (cause: string) => void = () => undefined,
): KeyCheck {
  const name = descriptorOf(provider).inSentence
  const cause = withStatus(error)
  if (error instanceof ProviderError && (error.status === 401 || error.status === 403)) {
    return {
      provider,
      result: 'rejected',
      summary: `rejected by ${name}`,
      message: `${name} refused this key: it is wrong, incomplete or revoked. Copy it again from your ${name} account and save it.`,
      cause,
      checkedAt,
    }
  }
  const kept = `The key is saved and is used for the next take.`
  if (timedOut) {
    return {
      provider,
      result: 'unchecked',
      summary: 'could not check (no answer)',
      message: `${name} did not answer in time. ${kept}`,
      cause: `No answer within ${KEY_CHECK_TIMEOUT_MS / 1000} s: ${cause}`,
      checkedAt,
    }
  }
  if (error instanceof ProviderError && error.code === 'network') {
    onUnreachable(cause)
    return {
      provider,
      result: 'unchecked',
      summary: 'could not check (offline)',
      message: `${name} can't be reached from here. ${kept}`,
      cause,
      checkedAt,
    }
  }
  return {
    provider,
    result: 'unchecked',
    summary: `could not check (${name} had a problem)`,
    message: `${name} answered with a problem of its own, not about the key. ${kept}`,
    cause,
    checkedAt,
  }
}

/**
 * Asks the provider whether it accepts the key now set for it. Never throws. A refused connection
 * is told to `onUnreachable` (the queue's reachability), so the header agrees with Settings.
 */
export async function checkKey(
  provider: Provider,
  client: ProviderClient,
  clock: () => number,
  signal: AbortSignal,
  onUnreachable?: (cause: string) => void,
): Promise<KeyCheck> {
  const timeout = AbortSignal.timeout(KEY_CHECK_TIMEOUT_MS)
  try {
    await client.verifyCredentials(AbortSignal.any([signal, timeout]))
    const name = descriptorOf(provider).inSentence
    return {
      provider,
      result: 'valid',
      summary: 'valid',
      message: `${name} accepted this key.`,
      cause: null,
      checkedAt: clock(),
    }
  } catch (error) {
    return keyCheckFromError(provider, error, timeout.aborted, clock(), onUnreachable)
  }
}
