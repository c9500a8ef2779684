// The polyphase filter of resample.ts, apart so that its kernels (resample-scalar.ts) can take it
// without importing the module that calls them.
export interface ResampleFilter {
  readonly inRate: number
  readonly outRate: number
  /** Interpolation factor L (outRate / gcd). */
  readonly up: number
  /** Decimation factor M (inRate / gcd). */
  readonly down: number
  /** Taps per phase K (even, multiple of 4). */
  readonly taps: number
  /** L × K coefficients (phase-major), or null when the interpolated prototype is used. */
  readonly table: Float64Array | null
  /** Prototype sampled at `protoSteps` points per input frame, (protoSteps + 1) per tap. */
  readonly proto: Float64Array | null
  readonly protoSteps: number
}
