// Waveforms of takes seen lately: a row scrolled back into view draws at once, without a request.
import type { DecodedPeaks } from './peaks'

const LIMIT = 300
const recent = new Map<string, DecodedPeaks>()

export function cachedPeaks(key: string): DecodedPeaks | undefined {
  return recent.get(key)
}

export function rememberPeaks(key: string, peaks: DecodedPeaks): void {
  recent.delete(key)
  recent.set(key, peaks)
  const oldest = recent.keys().next()
  if (recent.size > LIMIT && !oldest.done) recent.delete(oldest.value)
}
