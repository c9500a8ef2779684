// Pure sample math of the timeline. Positions and lengths are integer samples at the project rate.

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

/** An asset's length in project samples: round(frames · projectRate / assetRate), exactly. */
export function framesAtRate(frames: number, fromRate: number, toRate: number): number {
  const g = gcd(fromRate, toRate)
  const up = toRate / g
  const down = fromRate / g
  return Math.floor((2 * frames * up + down) / (2 * down))
}

export interface ClipBounds {
  offset: number
  length: number
  fadeIn: number
  fadeOut: number
}

/** What is wrong with a clip's window into its asset, naming the field; null when it fits. */
export function clipBoundsProblem(
  clip: ClipBounds,
  assetLength: number,
): { field: keyof ClipBounds; message: string } | null {
  if (clip.offset >= assetLength) {
    return {
      field: 'offset',
      message: `offset ${clip.offset} is past the end of the audio (${assetLength} samples)`,
    }
  }
  if (clip.offset + clip.length > assetLength) {
    return {
      field: 'length',
      message: `length ${clip.length} from offset ${clip.offset} runs past the end of the audio (${assetLength} samples)`,
    }
  }
  if (clip.fadeIn + clip.fadeOut > clip.length) {
    return { field: 'fadeIn', message: 'fades are longer than the clip' }
  }
  return null
}

export function secondsToSamples(seconds: number, sampleRate: number): number {
  return Math.round(seconds * sampleRate)
}

export function samplesToSeconds(samples: number, sampleRate: number): number {
  return samples / sampleRate
}
