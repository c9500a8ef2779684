import { pcmSimdKernel, type PcmSimdKernel } from '../audio/simd'
import { RenderScratch, renderTrackInto, type RenderTrack, type StereoBuffer } from '../audio/dsp'

/**
 * Renders the stems of an export and their mix chunk after chunk, in buffers it keeps: a long
 * export allocates nothing per chunk. Each stem is handed over as soon as it is rendered, while
 * it is still in the CPU's cache, then added to the mix. The mix is the Float32 sum of the stems
 * in their order, starting from silence, exactly as renderMix computes it.
 *
 * With `simd`, the stem and mix buffers live in the WebAssembly SIMD kernel's memory when it is
 * free (one renderer per thread at a time): the mix is summed there, and the kernel encodes
 * them without copying. Such a renderer must be closed.
 */
export class StemChunkRenderer {
  readonly #stem: StereoBuffer
  readonly #mix: StereoBuffer
  readonly #scratch = new RenderScratch()
  /** The kernel whose memory holds the buffers, or null for plain arrays. */
  readonly #simd: PcmSimdKernel | null

  constructor(
    private readonly sampleRate: number,
    private readonly tracks: readonly RenderTrack[],
    readonly chunkFrames: number,
    private readonly withMix: boolean,
    options: { simd?: boolean } = {},
  ) {
    const kernel = options.simd ? pcmSimdKernel() : null
    const leased = kernel?.leaseStereo(chunkFrames) ?? null
    this.#simd = leased ? kernel : null
    if (leased) {
      this.#stem = [leased[0], leased[1]]
      this.#mix = [leased[2], leased[3]]
    } else {
      this.#stem = [new Float32Array(chunkFrames), new Float32Array(chunkFrames)]
      this.#mix = withMix
        ? [new Float32Array(chunkFrames), new Float32Array(chunkFrames)]
        : [new Float32Array(0), new Float32Array(0)]
    }
  }

  /**
   * Renders frames [from, to) (at most chunkFrames): calls `each` with every stem in turn
   * (index k) and then with the mix (index tracks.length, when withMix). The audio holds
   * to - from frames at the start of its buffers and is valid only during the call.
   */
  render(from: number, to: number, each: (index: number, audio: StereoBuffer) => void): void {
    const n = to - from
    if (n > this.chunkFrames) {
      throw new RangeError(`a chunk holds at most ${this.chunkFrames} frames`)
    }
    const stem = this.#stem
    const mix = this.#mix
    if (this.withMix) {
      mix[0].fill(0, 0, n)
      mix[1].fill(0, 0, n)
    }
    const simd = this.#simd
    for (let k = 0; k < this.tracks.length; k++) {
      renderTrackInto(this.sampleRate, this.tracks[k]!, from, to, stem, this.#scratch)
      each(k, stem)
      if (this.withMix) {
        if (simd) {
          simd.addInto(mix[0], stem[0], n)
          simd.addInto(mix[1], stem[1], n)
        } else {
          addInto(mix[0], stem[0], n)
          addInto(mix[1], stem[1], n)
        }
      }
    }
    if (this.withMix) each(this.tracks.length, mix)
  }

  /** Gives the kernel's memory back (nothing to do for plain arrays). */
  close(): void {
    this.#simd?.release()
  }
}

/** out[i] = out[i] + add[i] in Float32, for i < n. */
function addInto(out: Float32Array, add: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = out[i]! + add[i]!
}
