import { createHash, type Hash } from 'node:crypto'

/**
 * A small lossless FLAC encoder (no dependency): fixed predictors of order 0–4 with partitioned
 * Rice coding, constant and verbatim subframes, stereo decorrelation (left/side, right/side,
 * mid/side), 4096-frame blocks, frame header CRC-8 and frame CRC-16, and a STREAMINFO with the
 * total sample count, frame sizes and the MD5 of the audio.
 *
 * Streaming use: write `encoder.header()` (42 bytes: 'fLaC' + a provisional STREAMINFO), then the
 * bytes returned by `encoder.encode(chunk)` for each planar chunk, then `encoder.finish().frames`.
 * STREAMINFO sits at the start of the file, so `finish().streamInfo` (34 bytes) must then be
 * written over the provisional one at byte offset FLAC_STREAMINFO_OFFSET (8). `encodeFlac` does
 * all of this in memory.
 *
 * Samples: round(x × 2^(bits-1)) clamped to the integer range (as the WAV writer), NaN as 0.
 */
export interface FlacEncodeOptions {
  sampleRate: number
  channels: number
  bitsPerSample: 16 | 24
}

/** Byte offset in the file at which `finish().streamInfo` is written. */
export const FLAC_STREAMINFO_OFFSET = 8

const BLOCK_SIZE = 4096
const MAX_PARTITION_ORDER = 6

const RATE_CODES: Record<number, number> = {
  88200: 1,
  176400: 2,
  192000: 3,
  8000: 4,
  16000: 5,
  22050: 6,
  24000: 7,
  32000: 8,
  44100: 9,
  48000: 10,
  96000: 11,
}

const CRC8 = new Uint8Array(256)
const CRC16 = new Uint16Array(256)
for (let i = 0; i < 256; i++) {
  let c8 = i
  let c16 = i << 8
  for (let b = 0; b < 8; b++) {
    c8 = c8 & 0x80 ? ((c8 << 1) ^ 0x07) & 0xff : (c8 << 1) & 0xff
    c16 = c16 & 0x8000 ? ((c16 << 1) ^ 0x8005) & 0xffff : (c16 << 1) & 0xffff
  }
  CRC8[i] = c8
  CRC16[i] = c16
}

/** Big-endian bit writer into a growing buffer. Writes of at most 24 bits at a time. */
class BitWriter {
  buf = new Uint8Array(1 << 16)
  pos = 0
  private acc = 0
  private bits = 0

  reset(): void {
    this.pos = 0
    this.acc = 0
    this.bits = 0
  }

  private grow(): void {
    const next = new Uint8Array(this.buf.length * 2)
    next.set(this.buf)
    this.buf = next
  }

  write(value: number, bits: number): void {
    this.acc = (this.acc << bits) | (value & ((1 << bits) - 1))
    this.bits += bits
    while (this.bits >= 8) {
      this.bits -= 8
      if (this.pos >= this.buf.length) this.grow()
      this.buf[this.pos++] = (this.acc >>> this.bits) & 0xff
    }
    this.acc &= (1 << this.bits) - 1
  }

  /** Writes a value of up to 32 bits (signed values as two's complement). */
  writeLong(value: number, bits: number): void {
    if (bits > 24) {
      this.write(Math.floor(value / 2 ** 24) & ((1 << (bits - 24)) - 1), bits - 24)
      this.write(value & 0xffffff, 24)
    } else this.write(value, bits)
  }

  zeros(count: number): void {
    while (count > 24) {
      this.write(0, 24)
      count -= 24
    }
    this.write(0, count)
  }

  /** Pads with zero bits to a byte boundary. */
  align(): void {
    if (this.bits > 0) this.write(0, 8 - this.bits)
  }
}

function crc8(bytes: Uint8Array, from: number, to: number): number {
  let c = 0
  for (let i = from; i < to; i++) c = CRC8[c ^ bytes[i]!]!
  return c
}

function crc16(bytes: Uint8Array, from: number, to: number): number {
  let c = 0
  for (let i = from; i < to; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ bytes[i]!]!
  return c
}

/** Residuals of the fixed predictor of `order` for samples [order, n). */
function fixedResidual(x: Int32Array, n: number, order: number, out: Int32Array): void {
  switch (order) {
    case 0:
      for (let i = 0; i < n; i++) out[i] = x[i]!
      break
    case 1:
      for (let i = 1; i < n; i++) out[i] = x[i]! - x[i - 1]!
      break
    case 2:
      for (let i = 2; i < n; i++) out[i] = x[i]! - 2 * x[i - 1]! + x[i - 2]!
      break
    case 3:
      for (let i = 3; i < n; i++) out[i] = x[i]! - 3 * x[i - 1]! + 3 * x[i - 2]! - x[i - 3]!
      break
    default:
      for (let i = 4; i < n; i++) {
        out[i] = x[i]! - 4 * x[i - 1]! + 6 * x[i - 2]! - 4 * x[i - 3]! + x[i - 4]!
      }
  }
}

/**
 * Best fixed order by the sum of absolute residuals (as libFLAC estimates it). The residual of
 * order k is the difference of two consecutive residuals of order k - 1, so each sample costs
 * four subtractions. Residuals fit in 32 bits (at most 2^4 × a 25-bit side sample); the sums
 * are kept in doubles.
 */
function bestFixedOrder(x: Int32Array, n: number): { order: number; cost: number } {
  let e0 = 0
  let e1 = 0
  let e2 = 0
  let e3 = 0
  let e4 = 0
  if (n > 4) {
    // The residuals of orders 0–3 at sample 3, from samples 0–3.
    let last0 = x[3]!
    let last1 = (x[3]! - x[2]!) | 0
    let last2 = (last1 - (x[2]! - x[1]!)) | 0
    let last3 = (last2 - (x[2]! - 2 * x[1]! + x[0]!)) | 0
    for (let i = 4; i < n; i++) {
      const r0 = x[i]!
      const r1 = (r0 - last0) | 0
      const r2 = (r1 - last1) | 0
      const r3 = (r2 - last2) | 0
      const r4 = (r3 - last3) | 0
      e0 += r0 < 0 ? -r0 : r0
      e1 += r1 < 0 ? -r1 : r1
      e2 += r2 < 0 ? -r2 : r2
      e3 += r3 < 0 ? -r3 : r3
      e4 += r4 < 0 ? -r4 : r4
      last0 = r0
      last1 = r1
      last2 = r2
      last3 = r3
    }
  }
  let order = 0
  let cost = e0
  if (e1 < cost) [order, cost] = [1, e1]
  if (e2 < cost) [order, cost] = [2, e2]
  if (e3 < cost) [order, cost] = [3, e3]
  if (e4 < cost) [order, cost] = [4, e4]
  return { order, cost }
}

interface RicePlan {
  partitionOrder: number
  params: number[]
  bits: number
}

/** Chooses the partition order and Rice parameters for residual[order..n) (zigzag in `u`). */
function planRice(u: Uint32Array, n: number, order: number): RicePlan {
  let maxOrder = 0
  while (
    maxOrder < MAX_PARTITION_ORDER &&
    n % (2 << maxOrder) === 0 &&
    n >> (maxOrder + 1) > order
  ) {
    maxOrder++
  }
  // Sums per partition at the finest order, merged pairwise for coarser ones.
  let parts = 1 << maxOrder
  let sums = new Float64Array(parts)
  const size = n >> maxOrder
  for (let p = 0; p < parts; p++) {
    let s = 0
    for (let i = p === 0 ? order : p * size; i < (p + 1) * size; i++) s += u[i]!
    sums[p] = s
  }
  let best: RicePlan | undefined
  for (let po = maxOrder; po >= 0; po--) {
    const params: number[] = []
    let bits = 0
    for (let p = 0; p < parts; p++) {
      const count = (n >> po) - (p === 0 ? order : 0)
      const { k, cost } = bestParam(sums[p]!, count)
      params.push(k)
      bits += cost + 4
    }
    if (best === undefined || bits < best.bits) best = { partitionOrder: po, params, bits }
    if (po > 0) {
      parts >>= 1
      const merged = new Float64Array(parts)
      for (let p = 0; p < parts; p++) merged[p] = sums[2 * p]! + sums[2 * p + 1]!
      sums = merged
    }
  }
  return best!
}

/** Rice parameter minimising the estimated bits for `count` values summing to `sum`. */
function bestParam(sum: number, count: number): { k: number; cost: number } {
  if (count <= 0) return { k: 0, cost: 0 }
  const mean = Math.floor(sum / count)
  // floor(log2(mean)), then the neighbours: the estimate is not exact.
  const guess = mean > 1 ? Math.min(30, 31 - Math.clz32(Math.min(mean, 0x7fffffff))) : 0
  let bestK = guess
  let bestCost = Infinity
  for (let c = guess > 0 ? guess - 1 : 0; c <= guess + 1 && c <= 30; c++) {
    const cost = count * (c + 1) + Math.floor(sum * INV_POW2[c]!)
    if (cost < bestCost) {
      bestCost = cost
      bestK = c
    }
  }
  return { k: bestK, cost: bestCost }
}

const INV_POW2 = Float64Array.from({ length: 31 }, (_, c) => 2 ** -c)

export class FlacEncoder {
  private readonly bits: number
  private readonly pending: Int32Array[]
  private pendingFrames = 0
  private frameNumber = 0
  private totalSamples = 0
  private minFrameSize = Infinity
  private maxFrameSize = 0
  private readonly md5: Hash = createHash('md5')
  private readonly writer = new BitWriter()
  // Scratch buffers, reused for every block.
  private readonly work: Int32Array[]
  private readonly residual = new Int32Array(BLOCK_SIZE)
  private readonly zigzag = new Uint32Array(BLOCK_SIZE)
  private finished = false
  private md5Buffer = new Uint8Array(0)

  constructor(private readonly options: FlacEncodeOptions) {
    const { channels, bitsPerSample, sampleRate } = options
    if (!Number.isInteger(channels) || channels < 1 || channels > 8) {
      throw new RangeError(`FLAC supports 1–8 channels, not ${channels}`)
    }
    if (bitsPerSample !== 16 && bitsPerSample !== 24) {
      throw new RangeError(`FLAC encoding supports 16 or 24 bits, not ${String(bitsPerSample)}`)
    }
    if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate >= 1 << 20) {
      throw new RangeError(`invalid FLAC sample rate ${sampleRate}`)
    }
    this.bits = bitsPerSample
    this.pending = Array.from({ length: channels }, () => new Int32Array(BLOCK_SIZE))
    this.work = Array.from({ length: 4 }, () => new Int32Array(BLOCK_SIZE))
  }

  /** 'fLaC' and a provisional STREAMINFO (42 bytes): to be completed by finish().streamInfo. */
  header(): Uint8Array {
    const out = new Uint8Array(42)
    out.set([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 34])
    out.set(this.streamInfo(), FLAC_STREAMINFO_OFFSET)
    return out
  }

  /** Encodes a planar chunk; returns the bytes of the frames it completed (possibly none). */
  encode(chunk: readonly Float32Array[]): Uint8Array {
    if (this.finished) throw new Error('the FLAC encoder is finished')
    if (chunk.length !== this.options.channels) {
      throw new RangeError(`expected ${this.options.channels} channels, got ${chunk.length}`)
    }
    const frames = chunk[0]?.length ?? 0
    const out: Uint8Array[] = []
    const scale = 2 ** (this.bits - 1)
    const max = scale - 1
    for (let at = 0; at < frames;) {
      const n = Math.min(frames - at, BLOCK_SIZE - this.pendingFrames)
      for (let c = 0; c < chunk.length; c++) {
        const src = chunk[c]!
        const dst = this.pending[c]!
        // Math.round(y) clamped, NaN as 0: src is Float32, so y + 0.5 is exact wherever it
        // matters and floor(y + 0.5) equals Math.round(y) (which is much slower in V8).
        for (let i = 0; i < n; i++) {
          let y = src[at + i]! * scale
          y = y > max ? max : y < -scale ? -scale : y
          dst[this.pendingFrames + i] = Math.floor(y + 0.5) | 0
        }
      }
      this.pendingFrames += n
      at += n
      if (this.pendingFrames === BLOCK_SIZE) out.push(this.flushBlock())
    }
    return joinBytes(out)
  }

  /**
   * Encodes what is left. Returns the last frame bytes and the final STREAMINFO (34 bytes) to
   * write at FLAC_STREAMINFO_OFFSET.
   */
  finish(): { frames: Uint8Array; streamInfo: Uint8Array } {
    if (this.finished) throw new Error('the FLAC encoder is finished')
    const frames = this.pendingFrames > 0 ? this.flushBlock() : new Uint8Array(0)
    this.finished = true
    return { frames, streamInfo: this.streamInfo(this.md5.digest()) }
  }

  private streamInfo(md5?: Uint8Array): Uint8Array {
    const { sampleRate, channels } = this.options
    const b = new Uint8Array(34)
    b[0] = BLOCK_SIZE >> 8
    b[1] = BLOCK_SIZE & 0xff
    b[2] = BLOCK_SIZE >> 8
    b[3] = BLOCK_SIZE & 0xff
    const minFrame = Number.isFinite(this.minFrameSize) ? this.minFrameSize : 0
    b.set([(minFrame >> 16) & 0xff, (minFrame >> 8) & 0xff, minFrame & 0xff], 4)
    const maxFrame = this.maxFrameSize
    b.set([(maxFrame >> 16) & 0xff, (maxFrame >> 8) & 0xff, maxFrame & 0xff], 7)
    const total = this.totalSamples
    const high = Math.floor(total / 2 ** 32) & 0x0f
    b[10] = (sampleRate >> 12) & 0xff
    b[11] = (sampleRate >> 4) & 0xff
    b[12] = ((sampleRate & 0x0f) << 4) | ((channels - 1) << 1) | ((this.bits - 1) >> 4)
    b[13] = (((this.bits - 1) & 0x0f) << 4) | high
    new DataView(b.buffer).setUint32(14, total % 2 ** 32)
    if (md5) b.set(md5, 18)
    return b
  }

  /** MD5 input: the samples interleaved, little-endian, in bitsPerSample / 8 bytes each. */
  private updateMd5(n: number): void {
    const channels = this.options.channels
    const bytes = this.bits / 8
    const size = n * channels * bytes
    if (this.md5Buffer.length < size) this.md5Buffer = new Uint8Array(BLOCK_SIZE * channels * bytes)
    const buf = this.md5Buffer
    for (let c = 0; c < channels; c++) {
      const src = this.pending[c]!
      const stride = channels * bytes
      let p = c * bytes
      if (bytes === 2) {
        for (let i = 0; i < n; i++, p += stride) {
          const v = src[i]!
          buf[p] = v
          buf[p + 1] = v >> 8
        }
      } else {
        for (let i = 0; i < n; i++, p += stride) {
          const v = src[i]!
          buf[p] = v
          buf[p + 1] = v >> 8
          buf[p + 2] = v >> 16
        }
      }
    }
    this.md5.update(buf.subarray(0, size))
  }

  private flushBlock(): Uint8Array {
    const n = this.pendingFrames
    this.updateMd5(n)
    const w = this.writer
    w.reset()
    // Frame header.
    w.write(0xfff8, 16)
    const sizeCode = n === BLOCK_SIZE ? 12 : 7
    w.write(sizeCode, 4)
    w.write(RATE_CODES[this.options.sampleRate] ?? 0, 4)
    const assignment = this.chooseChannels(n)
    w.write(assignment.code, 4)
    w.write(this.bits === 16 ? 4 : 6, 3)
    w.write(0, 1)
    writeUtf8Number(w, this.frameNumber)
    if (sizeCode === 7) w.write(n - 1, 16)
    w.write(crc8(w.buf, 0, w.pos), 8)
    for (let i = 0; i < assignment.channels.length; i++) {
      this.writeSubframe(
        assignment.channels[i]!,
        n,
        this.bits + (assignment.sideIndex === i ? 1 : 0),
      )
    }
    w.align()
    const crc = crc16(w.buf, 0, w.pos)
    w.write(crc, 16)
    const frame = w.buf.slice(0, w.pos)
    this.frameNumber++
    this.totalSamples += n
    this.pendingFrames = 0
    this.minFrameSize = Math.min(this.minFrameSize, frame.length)
    this.maxFrameSize = Math.max(this.maxFrameSize, frame.length)
    return frame
  }

  /** Stereo decorrelation: the cheapest of independent, left/side, right/side and mid/side. */
  private chooseChannels(n: number): {
    code: number
    channels: Int32Array[]
    orders?: number[]
    sideIndex: number
  } {
    const chans = this.pending
    if (chans.length !== 2) return { code: chans.length - 1, channels: chans, sideIndex: -1 }
    const left = chans[0]!
    const right = chans[1]!
    const [mid, side] = this.work as [Int32Array, Int32Array]
    for (let i = 0; i < n; i++) {
      const l = left[i]!
      const r = right[i]!
      mid[i] = (l + r) >> 1
      side[i] = l - r
    }
    const l = bestFixedOrder(left, n)
    const r = bestFixedOrder(right, n)
    const m = bestFixedOrder(mid, n)
    const s = bestFixedOrder(side, n)
    const options = [
      {
        cost: l.cost + r.cost,
        code: 1,
        channels: [left, right],
        orders: [l.order, r.order],
        sideIndex: -1,
      },
      {
        cost: l.cost + s.cost,
        code: 8,
        channels: [left, side],
        orders: [l.order, s.order],
        sideIndex: 1,
      },
      {
        cost: s.cost + r.cost,
        code: 9,
        channels: [side, right],
        orders: [s.order, r.order],
        sideIndex: 0,
      },
      {
        cost: m.cost + s.cost,
        code: 10,
        channels: [mid, side],
        orders: [m.order, s.order],
        sideIndex: 1,
      },
    ]
    let best = options[0]!
    for (const o of options) if (o.cost < best.cost) best = o
    return best
  }

  /** `knownOrder`: the best fixed order when already computed (stereo decorrelation). */
  private writeSubframe(x: Int32Array, n: number, bits: number, knownOrder?: number): void {
    const w = this.writer
    let constant = true
    for (let i = 1; i < n && constant; i++) if (x[i] !== x[0]) constant = false
    if (constant) {
      w.write(0, 8) // pad bit, type CONSTANT (000000), no wasted bits
      w.writeLong(x[0]!, bits)
      return
    }
    const order = n <= 4 ? 0 : (knownOrder ?? bestFixedOrder(x, n).order)
    const res = this.residual
    fixedResidual(x, n, order, res)
    const u = this.zigzag
    for (let i = order; i < n; i++) {
      const r = res[i]!
      u[i] = r >= 0 ? 2 * r : -2 * r - 1
    }
    const plan = planRice(u, n, order)
    const escape = plan.params.some((k) => k > 14)
    const fixedBits = order * bits + 6 + plan.bits + (escape ? plan.params.length : 0)
    if (fixedBits >= n * bits) {
      w.write(0x02, 8) // VERBATIM
      for (let i = 0; i < n; i++) w.writeLong(x[i]!, bits)
      return
    }
    w.write(0x10 | (order << 1), 8) // FIXED, order
    for (let i = 0; i < order; i++) w.writeLong(x[i]!, bits)
    // Method 0 (4-bit parameters) unless a parameter needs 5 bits (method 1, RICE2).
    w.write(escape ? 1 : 0, 2)
    w.write(plan.partitionOrder, 4)
    const paramBits = escape ? 5 : 4
    const size = n >> plan.partitionOrder
    let i = order
    for (let p = 0; p < plan.params.length; p++) {
      const k = plan.params[p]!
      w.write(k, paramBits)
      const end = (p + 1) * size
      const low = (1 << k) - 1
      for (; i < end; i++) {
        const v = u[i]!
        const q = v >>> k
        if (q + 1 + k <= 24) {
          w.write((1 << k) | (v & low), q + 1 + k)
        } else {
          w.zeros(q)
          w.write(1, 1)
          if (k > 0) w.writeLong(v & low, k)
        }
      }
    }
  }
}

/** The frame number in FLAC's UTF-8-like coding. */
function writeUtf8Number(w: BitWriter, value: number): void {
  if (value < 0x80) {
    w.write(value, 8)
    return
  }
  let bytes = 2
  while (value >= 2 ** (5 * bytes + 1)) bytes++
  const shift = 6 * (bytes - 1)
  const lead = (0xff00 >> bytes) & 0xff
  w.write(lead | Math.floor(value / 2 ** shift), 8)
  for (let b = bytes - 2; b >= 0; b--) w.write(0x80 | (Math.floor(value / 2 ** (6 * b)) & 0x3f), 8)
}

function joinBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** Encodes planar audio to a complete FLAC file in memory. */
export function encodeFlac(
  channels: readonly Float32Array[],
  sampleRate: number,
  bitsPerSample: 16 | 24,
): Uint8Array {
  const encoder = new FlacEncoder({ sampleRate, channels: channels.length, bitsPerSample })
  const head = encoder.header()
  const body = encoder.encode(channels)
  const { frames, streamInfo } = encoder.finish()
  head.set(streamInfo, FLAC_STREAMINFO_OFFSET)
  return joinBytes([head, body, frames])
}
