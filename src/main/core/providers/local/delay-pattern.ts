// MusicGen's delay pattern over K codebooks: codebook k runs k steps behind codebook 0, so frame
// f of codebook k is produced at step f + k. N frames take N + K − 1 steps; a codebook's slot
// before its first frame or after its last is the pad token, never sampled.

export interface DelayPattern {
  codebooks: number
  frames: number
}

export function stepCount(p: DelayPattern): number {
  return p.frames + p.codebooks - 1
}

/** The frame codebook k produces at this step, or null when its slot is padding. */
export function frameAt(p: DelayPattern, step: number, codebook: number): number | null {
  const frame = step - codebook
  return frame >= 0 && frame < p.frames ? frame : null
}

/** Codes [K][N] written per step back into frame order: the layout EnCodec decodes. */
export class CodeGrid {
  readonly codes: BigInt64Array

  constructor(readonly pattern: DelayPattern) {
    this.codes = new BigInt64Array(pattern.codebooks * pattern.frames)
  }

  set(step: number, codebook: number, token: number): void {
    const frame = frameAt(this.pattern, step, codebook)
    if (frame === null) throw new Error(`step ${step} has no frame for codebook ${codebook}`)
    this.codes[codebook * this.pattern.frames + frame] = BigInt(token)
  }
}
