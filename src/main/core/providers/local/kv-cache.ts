// The decoder's self-attention key/value cache, kept in memory we own and read by ONNX Runtime
// where it lies. The decoder (as scripts/musicgen_onnx exports it) takes each past tensor as a
// buffer [batch, heads, room, headDim] with room to spare plus `past_length`, masks the room it
// does not use, and gives back only the call's new positions, which we write into the buffer.
// So a step copies a few kilobytes, not the cache: an export that concatenates past and new into
// its output copies the whole cache every step (at 500 positions musicgen-small's weighs about
// 200 MB at batch 2), which took more than half of an int8 step.
import { Tensor } from 'onnxruntime-node'

export interface KvShape {
  layers: number
  batch: number
  heads: number
  headDim: number
  /** Positions the cache must hold: the take's decoder steps. */
  capacity: number
}

/**
 * Room is added this many positions at a time. A bigger chunk moves the cache less often (each
 * growth copies it once); a smaller one makes the decoder read fewer masked positions per step.
 */
export const ROOM_CHUNK = 32

/** The names of the self-attention cache tensors of layer i: the past fed, the new positions given back. */
function names(layers: number): { past: string; added: string }[] {
  const out: { past: string; added: string }[] = []
  for (let i = 0; i < layers; i++) {
    for (const part of ['decoder.key', 'decoder.value']) {
      out.push({ past: `past_key_values.${i}.${part}`, added: `new.${i}.${part}` })
    }
  }
  return out
}

export class KvCache {
  readonly #names: { past: string; added: string }[]
  #buffers: Float32Array[]
  /** Positions each buffer has room for. */
  #room = 0
  /** Positions holding keys. */
  #length = 0

  constructor(readonly shape: KvShape) {
    this.#names = names(shape.layers)
    this.#buffers = this.#names.map(() => new Float32Array(0))
  }

  get length(): number {
    return this.#length
  }

  get room(): number {
    return this.#room
  }

  /** Inputs for the next call: every buffer as it stands, and how many of its positions count. */
  pastFeeds(): Record<string, Tensor> {
    const { batch, heads, headDim } = this.shape
    const feeds: Record<string, Tensor> = {
      past_length: new Tensor('int64', BigInt64Array.of(BigInt(this.#length)), [1]),
    }
    this.#names.forEach(
      (n, i) =>
        (feeds[n.past] = new Tensor('float32', this.#buffers[i]!, [
          batch,
          heads,
          this.#room,
          headDim,
        ])),
    )
    return feeds
  }

  /** The names of the outputs `append` reads. */
  get addedOutputs(): string[] {
    return this.#names.map((n) => n.added)
  }

  /** After a call: its new positions ([batch, heads, added, headDim] per tensor) join the cache. */
  append(outputs: Record<string, Tensor | undefined>): void {
    const { batch, heads, headDim, capacity } = this.shape
    const first = outputs[this.#names[0]!.added]
    const added = first?.dims[2] ?? 0
    if (this.#length + added > capacity) {
      throw new RangeError(`the key/value cache holds ${capacity} positions`)
    }
    if (this.#length + added > this.#room) {
      this.#grow(Math.min(capacity, Math.ceil((this.#length + added) / ROOM_CHUNK) * ROOM_CHUNK))
    }
    const rows = batch * heads
    const room = this.#room
    this.#names.forEach((n, i) => {
      const tensor = outputs[n.added]
      if (tensor === undefined || tensor.dims[2] !== added) {
        throw new RangeError(`the decoder gave no ${added} new positions for ${n.added}`)
      }
      const data = tensor.data as Float32Array
      const buffer = this.#buffers[i]!
      const span = added * headDim
      for (let r = 0; r < rows; r++) {
        buffer.set(data.subarray(r * span, (r + 1) * span), (r * room + this.#length) * headDim)
      }
    })
    this.#length += added
  }

  /** New buffers with more room, the keys so far copied row by row (each row is one head). */
  #grow(room: number): void {
    const { batch, heads, headDim } = this.shape
    const rows = batch * heads
    const keep = this.#length * headDim
    this.#buffers = this.#buffers.map((old) => {
      const grown = new Float32Array(rows * room * headDim)
      for (let r = 0; r < rows; r++) {
        const from = r * this.#room * headDim
        grown.set(old.subarray(from, from + keep), r * room * headDim)
      }
      return grown
    })
    this.#room = room
  }
}
