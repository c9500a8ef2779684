// Pure timing rules of auditioning, kept apart from howler so they can be tested under Node.

/** A loop region in seconds of the sound. */
export interface LoopRegion {
  start: number
  end: number
}

/** Shorter regions are a click, not a loop. */
export const MIN_LOOP_SECONDS = 0.25

/** The region clamped into a sound of `duration` seconds; null when too short to loop. */
export function clampLoop(region: LoopRegion, duration: number): LoopRegion | null {
  const start = Math.max(0, Math.min(region.start, region.end, duration))
  const end = Math.min(duration, Math.max(region.start, region.end))
  return end - start >= MIN_LOOP_SECONDS ? { start, end } : null
}

/**
 * Where playback continues from `position`: wrapped back into the loop when it ran past its end
 * (by how far it overshot, so repeated wraps keep time), or null when it stays where it is.
 */
export function wrapInLoop(position: number, loop: LoopRegion | null): number | null {
  if (!loop || position < loop.end) return null
  const length = loop.end - loop.start
  return loop.start + ((position - loop.start) % length)
}

/** Both sides of an A/B compare loop over what they share: the shorter one's length. */
export function sharedLoop(
  durationA: number,
  durationB: number,
  region: LoopRegion | null,
): LoopRegion | null {
  const shared = Math.min(durationA, durationB)
  return clampLoop(region ?? { start: 0, end: shared }, shared)
}

/** The howler format of an asset's served audio (the media URL carries no extension). */
export function howlerFormat(format: string): string {
  if (format === 'ogg-vorbis') return 'ogg'
  if (format === 'ogg-opus') return 'opus'
  if (format === 'aiff') return 'wav' // served as WAV
  return format
}

/** Past this length a sound streams (HTML5 audio) instead of being decoded whole first. */
export const STREAM_AFTER_SECONDS = 60

/** The howler format of a dropped file, from its name; null for what the browser cannot play. */
export function formatOfFileName(name: string): string | null {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase()
  if (!ext) return null
  if (ext === 'wave') return 'wav'
  if (ext === 'oga') return 'ogg'
  return ['wav', 'mp3', 'flac', 'ogg', 'opus'].includes(ext) ? ext : null
}
