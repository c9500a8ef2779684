/** The bit writer and checksums of the FLAC encoder (encode.ts). */

/** What the writer uses of the SIMD kernel (simd/flac-kernel.ts). */
export interface BitKernel {
  readonly frame: Uint8Array
  readonly u: Uint32Array
  readonly u2: Uint32Array
  rice(
    u: Uint32Array,
    from: number,
    to: number,
    k: number,
    pos: number,
    acc: number,
    bits: number,
  ): number
  readonly pendingAcc: number
  readonly pendingBits: number
  crc16(length: number): number
  partitionSums(
    u: Uint32Array,
    order: number,
    size: number,
    parts: number,
    out: Float64Array,
    at: number,
  ): void
}

const CRC8 = new Uint8Array(256)
/** CRC-16 (polynomial 0x8005) by byte. */
export const CRC16_TABLE = new Uint16Array(256)
const CRC16 = CRC16_TABLE
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

export function crc8(bytes: Uint8Array, from: number, to: number): number {
  let c = 0
  for (let i = from; i < to; i++) c = CRC8[c ^ bytes[i]!]!
  return c
}

export function crc16(bytes: Uint8Array, from: number, to: number): number {
  let c = 0
  for (let i = from; i < to; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ bytes[i]!]!
  return c
}

/**
 * Big-endian bit writer into a growing buffer. Writes of at most 24 bits at a time. With a
 * kernel, the buffer is the kernel's frame memory (Rice codes and the CRC-16 are done there)
 * until a frame outgrows it.
 */
export class BitWriter {
  buf: Uint8Array
  pos = 0
  private acc = 0
  private bits = 0

  constructor(private readonly kernel: BitKernel | null = null) {
    this.buf = kernel ? kernel.frame : new Uint8Array(1 << 16)
  }

  reset(): void {
    if (this.kernel) this.buf = this.kernel.frame
    this.pos = 0
    this.acc = 0
    this.bits = 0
  }

  /** CRC-16 of everything written (whole bytes). */
  crc16(): number {
    if (this.kernel && this.buf === this.kernel.frame) return this.kernel.crc16(this.pos)
    return crc16(this.buf, 0, this.pos)
  }

  /** Makes room for `bytes` more bytes, so that the writes that follow need no check. */
  reserve(bytes: number): void {
    if (this.pos + bytes + 8 <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + bytes + 8) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
  }

  write(value: number, bits: number): void {
    this.acc = (this.acc << bits) | (value & ((1 << bits) - 1))
    this.bits += bits
    while (this.bits >= 8) {
      this.bits -= 8
      if (this.pos >= this.buf.length) this.reserve(1)
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

  /**
   * Rice codes of `u[from..to)` (zigzagged residuals) with parameter k: for each value, its high
   * part in unary (zeros, then a one) and its low k bits. The caller reserved the room.
   */
  writeRice(u: Uint32Array, from: number, to: number, k: number): void {
    const kernel = this.kernel
    if (kernel && this.buf === kernel.frame && (u === kernel.u || u === kernel.u2)) {
      this.pos = kernel.rice(u, from, to, k, this.pos, this.acc, this.bits)
      this.acc = kernel.pendingAcc
      this.bits = kernel.pendingBits
      return
    }
    const buf = this.buf
    let pos = this.pos
    let acc = this.acc
    let bits = this.bits
    const low = k === 0 ? 0 : 0xffffffff >>> (32 - k)
    for (let i = from; i < to; i++) {
      const v = u[i]!
      let q = v >>> k
      // Whole zero bytes of the unary part.
      while (q + bits >= 8) {
        q -= 8 - bits
        buf[pos++] = acc << (8 - bits)
        acc = 0
        bits = 0
      }
      // The rest of the zeros, the stop bit, then the low bits in pieces of at most 16.
      acc = (acc << (q + 1)) | 1
      bits += q + 1
      if (bits === 8) {
        buf[pos++] = acc
        acc = 0
        bits = 0
      }
      let left = k
      while (left > 0) {
        const take = left > 16 ? 16 : left
        left -= take
        acc = (acc << take) | (((v & low) >>> left) & ((1 << take) - 1))
        bits += take
        while (bits >= 8) {
          bits -= 8
          buf[pos++] = acc >>> bits
        }
        acc &= (1 << bits) - 1
      }
    }
    this.pos = pos
    this.acc = acc
    this.bits = bits
  }

  /** Pads with zero bits to a byte boundary. */
  align(): void {
    if (this.bits > 0) this.write(0, 8 - this.bits)
  }
}
