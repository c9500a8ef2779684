import {
  RenderScratch,
  renderTrackInto,
  type RenderTrack,
  type StereoBuffer,
} from '../audio/render'

/**
 * Renders the stems of an export and their mix chunk after chunk, in buffers it keeps: a long
 * export allocates nothing per chunk. Each stem is handed over as soon as it is rendered, while
 * it is still in the CPU's cache, then added to the mix. The mix is the Float32 sum of the stems
 * in their order, starting from silence, exactly as renderMix computes it.
 */
export class StemChunkRenderer {
  readonly #stem: StereoBuffer
  readonly #mix: StereoBuffer
  readonly #scratch = new RenderScratch()

  constructor(
    private readonly sampleRate: number,
    private readonly tracks: readonly RenderTrack[],
    readonly chunkFrames: number,
    private readonly withMix: boolean,
  ) {
    this.#stem = [new Float32Array(chunkFrames), new Float32Array(chunkFrames)]
    this.#mix = withMix
      ? [new Float32Array(chunkFrames), new Float32Array(chunkFrames)]
      : [new Float32Array(0), new Float32Array(0)]
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
    for (let k = 0; k < this.tracks.length; k++) {
      renderTrackInto(this.sampleRate, this.tracks[k]!, from, to, stem, this.#scratch)
      each(k, stem)
      if (this.withMix) {
        addInto(mix[0], stem[0], n)
        addInto(mix[1], stem[1], n)
      }
    }
    if (this.withMix) each(this.tracks.length, mix)
  }
}

/** out[i] = out[i] + add[i] in Float32, for i < n. */
function addInto(out: Float32Array, add: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = out[i]! + add[i]!
}
