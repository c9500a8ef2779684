// The decoder's self-attention key/value cache, kept in memory we own. Each step reads the past
// from one buffer per tensor and ONNX Runtime writes the present (past + the new position)
// straight into the other, given to it as a preallocated output; then the two swap. Nothing is
// copied through JavaScript and nothing is allocated per step: at 500 positions the cache of
// musicgen-small at batch 2 weighs about 200 MB, which copying every step would cost as much
// time as the decoder's own weights.
import { Tensor } from 'onnxruntime-node'

export interface KvShape {
  layers: number
  batch: number
  heads: number
  headDim: number
  /** Positions the cache must hold: the take's decoder steps. */
  capacity: number
}

/** The names of the self-attention cache tensors of layer i, as past (input) and present (output). */
function names(layers: number): { past: string; present: string }[] {
  const out: { past: string; present: string }[] = []
  for (let i = 0; i < layers; i++) {
    for (const part of ['decoder.key', 'decoder.value']) {
      out.push({ past: `past_key_values.${i}.${part}`, present: `present.${i}.${part}` })
    }
  }
  return out
}

export class KvCache {
  readonly #names: { past: string; present: string }[]
  #front: Float32Array[]
  #back: Float32Array[]
  /** Positions held in the front buffers. */
  #length = 0

  constructor(readonly shape: KvShape) {
    this.#names = names(shape.layers)
    const size = shape.batch * shape.heads * shape.capacity * shape.headDim
    // Untouched pages of a fresh buffer cost no memory until the cache grows into them.
    this.#front = this.#names.map(() => new Float32Array(size))
    this.#back = this.#names.map(() => new Float32Array(size))
  }

  get length(): number {
    return this.#length
  }

  #view(buffer: Float32Array, positions: number): Tensor {
    const { batch, heads, headDim } = this.shape
    const data = buffer.subarray(0, batch * heads * positions * headDim)
    return new Tensor('float32', data, [batch, heads, positions, headDim])
  }

  /** Inputs for the next step: the past as it stands. */
  pastFeeds(): Record<string, Tensor> {
    const feeds: Record<string, Tensor> = {}
    this.#names.forEach((n, i) => (feeds[n.past] = this.#view(this.#front[i]!, this.#length)))
    return feeds
  }

  /** Outputs for the next call, preallocated: the present, `added` positions longer. */
  presentFetches(added: number): Record<string, Tensor> {
    if (this.#length + added > this.shape.capacity) {
      throw new RangeError(`the key/value cache holds ${this.shape.capacity} positions`)
    }
    const fetches: Record<string, Tensor> = {}
    this.#names.forEach(
      (n, i) => (fetches[n.present] = this.#view(this.#back[i]!, this.#length + added)),
    )
    return fetches
  }

  /** After a call ran with `presentFetches(added)`: the present becomes the past. */
  advance(added: number): void {
    ;[this.#front, this.#back] = [this.#back, this.#front]
    this.#length += added
  }
}
