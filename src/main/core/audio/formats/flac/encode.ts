import { createHash, type Hash } from 'node:crypto'
import { BitWriter, crc8 } from './bits'
import { flacSimdKernel, type FlacSimdKernel } from '../../simd/flac-kernel'
import { pcmSimdKernel, type PcmSimdKernel } from '../../simd/pcm-kernel'
import { SubframeEncoder } from './subframe'

/**
 * A lossless FLAC encoder (no dependency), close to libFLAC's and ffmpeg's default level: per
 * channel the smallest of LPC (orders 1–8, lpc.ts), fixed predictors (orders 0–4),
 * constant and verbatim subframes (subframe.ts), with wasted-bits removal and partitioned
 * Rice coding (rice.ts); per frame the cheapest stereo decorrelation (independent,
 * left/side, right/side, mid/side) by estimated bits; 4096-frame blocks, frame header CRC-8 and
 * frame CRC-16, and a STREAMINFO with the total sample count, frame sizes and the MD5 of the audio.
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
  /** Whether to use the WebAssembly SIMD kernels where the runtime has them (default true); the
   * JS loops give the same bytes. */
  simd?: boolean
}

/** Byte offset in the file at which `finish().streamInfo` is written. */
export const FLAC_STREAMINFO_OFFSET = 8

const BLOCK_SIZE = 4096

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

export class FlacEncoder {
  private readonly bits: number
  private readonly pending: Int32Array[]
  private pendingFrames = 0
  private frameNumber = 0
  private totalSamples = 0
  private minFrameSize = Infinity
  private maxFrameSize = 0
  private readonly md5: Hash = createHash('md5')
  private readonly writer: BitWriter
  // Scratch buffers, reused for every block.
  private readonly work: Int32Array[]
  private readonly subframes: SubframeEncoder
  private readonly kernel: FlacSimdKernel | null
  private readonly sums = new Float64Array(4)
  private finished = false
  private md5Buffer = new Uint8Array(0)
  /** Stereo MD5 input made from the float chunks by the PCM kernel (simd/pcm-kernel.ts), which
   * converts exactly as encode() does; otherwise from the integers of each block. */
  private readonly md5Kernel: PcmSimdKernel | null

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
    this.work = Array.from({ length: 2 }, () => new Int32Array(BLOCK_SIZE))
    this.kernel = options.simd === false ? null : flacSimdKernel()
    this.md5Kernel = options.simd === false || channels !== 2 ? null : pcmSimdKernel()
    this.subframes = new SubframeEncoder(BLOCK_SIZE, this.kernel)
    this.writer = new BitWriter(this.kernel)
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
    if (this.md5Kernel && frames > 0) {
      const size = frames * 2 * (this.bits / 8)
      if (this.md5Buffer.length < size) this.md5Buffer = new Uint8Array(size)
      this.md5Kernel.encodeStereo(
        this.options.bitsPerSample,
        chunk[0]!,
        chunk[1]!,
        0,
        frames,
        this.md5Buffer,
        0,
      )
      this.md5.update(this.md5Buffer.subarray(0, size))
    }
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
    if (this.md5Buffer.length < size) this.md5Buffer = new Uint8Array(size)
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
    if (!this.md5Kernel) this.updateMd5(n)
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
      this.subframes.write(
        w,
        assignment.channels[i]!,
        n,
        this.bits + (assignment.sideIndex === i ? 1 : 0),
      )
    }
    w.align()
    const crc = w.crc16()
    w.write(crc, 16)
    const frame = w.buf.slice(0, w.pos)
    this.frameNumber++
    this.totalSamples += n
    this.pendingFrames = 0
    this.minFrameSize = Math.min(this.minFrameSize, frame.length)
    this.maxFrameSize = Math.max(this.maxFrameSize, frame.length)
    return frame
  }

  /**
   * Stereo decorrelation: the cheapest of independent, left/side, right/side and mid/side, by
   * the bits each channel's second-order residual is estimated to take (ffmpeg's estimate, one
   * pass over the block).
   */
  private chooseChannels(n: number): { code: number; channels: Int32Array[]; sideIndex: number } {
    const chans = this.pending
    if (chans.length !== 2 || n <= 4) {
      return { code: chans.length - 1, channels: chans, sideIndex: -1 }
    }
    const left = chans[0]!
    const right = chans[1]!
    const sums = this.sums
    if (this.kernel) this.kernel.stereoSums(left, right, n, sums)
    else stereoSums(left, right, n, sums)
    const count = n - 2
    const bits = (sum: number) => Math.log2(1 + (2 * sum) / count)
    const [lb, rb, mb, sb] = [bits(sums[0]!), bits(sums[1]!), bits(sums[2]!), bits(sums[3]!)]
    let code = 1
    let best = lb + rb
    if (lb + sb < best) [code, best] = [8, lb + sb]
    if (sb + rb < best) [code, best] = [9, sb + rb]
    if (mb + sb < best) code = 10
    if (code === 1) return { code, channels: chans, sideIndex: -1 }
    const [mid, side] = this.work as [Int32Array, Int32Array]
    for (let i = 0; i < n; i++) {
      const l = left[i]!
      const r = right[i]!
      mid[i] = (l + r) >> 1
      side[i] = l - r
    }
    if (code === 8) return { code, channels: [left, side], sideIndex: 1 }
    if (code === 9) return { code, channels: [side, right], sideIndex: 0 }
    return { code, channels: [mid, side], sideIndex: 1 }
  }
}

/** Σ|second-order residual| over [2, n) of left, right, mid and side, into out[0..4). */
function stereoSums(left: Int32Array, right: Int32Array, n: number, out: Float64Array): void {
  let sl = 0
  let sr = 0
  let sm = 0
  let ss = 0
  for (let i = 2; i < n; i++) {
    const l = left[i]! - 2 * left[i - 1]! + left[i - 2]!
    const r = right[i]! - 2 * right[i - 1]! + right[i - 2]!
    const m = (l + r) >> 1
    const d = l - r
    sl += l < 0 ? -l : l
    sr += r < 0 ? -r : r
    sm += m < 0 ? -m : m
    ss += d < 0 ? -d : d
  }
  out[0] = sl
  out[1] = sr
  out[2] = sm
  out[3] = ss
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
