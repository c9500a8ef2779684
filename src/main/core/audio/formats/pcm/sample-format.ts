/**
 * Interleaved PCM sample layouts shared by the WAV and AIFF decoders, and the conversion of such
 * bytes into planar Float32 audio.
 *
 * Scaling matches ffmpeg's conversion to float: signed integers are divided by 2^(bits-1)
 * (so the range is [-1, 1 - 2^(1-bits)]); 8-bit unsigned (WAV) is (x - 128) / 128; floats are
 * taken as they are (64-bit floats are rounded to 32-bit).
 */
export interface SampleLayout {
  /** 'uint8' is the offset-binary 8-bit of WAV; 'int' is two's complement (8-bit AIFF, 16–32). */
  encoding: 'int' | 'uint8' | 'float'
  bitsPerSample: number
  bigEndian: boolean
  channels: number
}

// Reciprocals of powers of two: multiplying by them is exact, and faster than dividing.
const S8 = 1 / 128
const S16 = 1 / 32768
const S24 = 1 / 8388608
const S32 = 1 / 2147483648

/** Bytes per sample of one channel. */
export function bytesPerSample(layout: SampleLayout): number {
  return layout.bitsPerSample >> 3
}

/** Bytes per frame (one sample of every channel). */
export function bytesPerFrame(layout: SampleLayout): number {
  return (layout.bitsPerSample >> 3) * layout.channels
}

/** Whether a layout is one that decodeInterleaved handles. */
export function isSupportedLayout(layout: SampleLayout): boolean {
  if (layout.channels < 1) return false
  switch (layout.encoding) {
    case 'uint8':
      return layout.bitsPerSample === 8
    case 'int':
      return [8, 16, 24, 32].includes(layout.bitsPerSample)
    case 'float':
      return layout.bitsPerSample === 32 || layout.bitsPerSample === 64
  }
}

/**
 * Decodes `frames` interleaved frames from `bytes` (starting at byte 0) into `out[c]` starting at
 * `outOffset`. `bytes` must hold at least frames × bytesPerFrame bytes.
 */
export function decodeInterleaved(
  layout: SampleLayout,
  bytes: Uint8Array,
  frames: number,
  out: Float32Array[],
  outOffset = 0,
): void {
  const bps = layout.bitsPerSample >> 3
  const stride = bps * layout.channels
  const be = layout.bigEndian
  for (let c = 0; c < layout.channels; c++) {
    const dst = out[c]!
    let p = c * bps
    let o = outOffset
    const end = outOffset + frames
    if (layout.encoding === 'uint8') {
      for (; o < end; o++, p += stride) dst[o] = (bytes[p]! - 128) * S8
    } else if (layout.encoding === 'int') {
      switch (bps) {
        case 1:
          for (; o < end; o++, p += stride) dst[o] = ((bytes[p]! << 24) >> 24) * S8
          break
        case 2:
          if (be) {
            for (; o < end; o++, p += stride)
              dst[o] = (((bytes[p]! << 24) >> 16) | bytes[p + 1]!) * S16
          } else {
            for (; o < end; o++, p += stride)
              dst[o] = (((bytes[p + 1]! << 24) >> 16) | bytes[p]!) * S16
          }
          break
        case 3:
          if (be) {
            for (; o < end; o++, p += stride) {
              dst[o] = (((bytes[p]! << 24) >> 8) | (bytes[p + 1]! << 8) | bytes[p + 2]!) * S24
            }
          } else {
            for (; o < end; o++, p += stride) {
              dst[o] = (((bytes[p + 2]! << 24) >> 8) | (bytes[p + 1]! << 8) | bytes[p]!) * S24
            }
          }
          break
        case 4:
          if (be) {
            for (; o < end; o++, p += stride) {
              dst[o] =
                ((bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) *
                S32
            }
          } else {
            for (; o < end; o++, p += stride) {
              dst[o] =
                ((bytes[p + 3]! << 24) | (bytes[p + 2]! << 16) | (bytes[p + 1]! << 8) | bytes[p]!) *
                S32
            }
          }
          break
        default:
          throw new RangeError(`unsupported integer sample size: ${layout.bitsPerSample} bits`)
      }
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const le = !be
      if (bps === 4) {
        for (; o < end; o++, p += stride) dst[o] = view.getFloat32(p, le)
      } else if (bps === 8) {
        for (; o < end; o++, p += stride) dst[o] = view.getFloat64(p, le)
      } else {
        throw new RangeError(`unsupported float sample size: ${layout.bitsPerSample} bits`)
      }
    }
  }
}
