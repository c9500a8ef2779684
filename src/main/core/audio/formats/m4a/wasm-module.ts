import { compileBrotliWasm, instantiateReactor, type ReactorExports } from '../wasi-reactor'
import { M4A_WASM_BROTLI_BASE64 } from './wasm'

/** Random access to the bytes of one file, synchronous (the WebAssembly reads through it). */
export interface RandomAccessBytes {
  readonly size: number
  /** Copies bytes at `position` into `into`: the count, 0 at the end. */
  read(into: Uint8Array, position: number): number
}

/** The exports of decoder.c. */
interface M4aExports extends ReactorExports {
  m4a_open(): number
  m4a_profile(): number
  m4a_codec_tag(): number
  m4a_codec_name(): number
  m4a_is_alac(): number
  m4a_duration(): number
  m4a_duration_scale(): number
  m4a_itunsmpb_samples(): number
  m4a_decode(): number
  m4a_channel(c: number): number
  m4a_channels(): number
  m4a_sample_rate(): number
  m4a_decode_errors(): number
}

const AVSEEK_SIZE = 0x10000

let compiled: object | undefined

/** The module, decompressed and compiled once per thread on first use. */
function wasmModule(): object {
  compiled ??= compileBrotliWasm(M4A_WASM_BROTLI_BASE64)
  return compiled
}

/**
 * One instance of the FFmpeg-based decoder reading `source`: a fresh instance per file (its
 * memory goes with it). Calls are synchronous; see decoder.c for what each one does.
 */
export class M4aInstance {
  private readonly exports: M4aExports
  private position = 0

  constructor(private readonly source: RandomAccessBytes) {
    const buffer = (): ArrayBuffer => this.exports.memory.buffer
    const env = {
      js_read: (ptr: number, size: number): number => {
        const n = this.source.read(new Uint8Array(buffer(), ptr, size), this.position)
        this.position += n
        return n
      },
      js_seek: (offset: number, whence: number): number => {
        if (whence === AVSEEK_SIZE) return this.source.size
        const base = whence === 0 ? 0 : whence === 1 ? this.position : this.source.size
        if (whence > 2 || base + offset < 0) return -1
        this.position = base + offset
        return this.position
      },
    }
    this.exports = instantiateReactor<M4aExports>(wasmModule(), 'M4A decoder', env)
  }

  /** 0, or a negative code (see OpenFailure in decode.ts). */
  open(): number {
    return this.exports.m4a_open()
  }

  get profile(): number {
    return this.exports.m4a_profile()
  }

  /** The track's sample entry type ('mp4a', 'alac', 'drms', 'Opus'…), '' when none. */
  get codecTag(): string {
    const tag = this.exports.m4a_codec_tag() >>> 0
    let text = ''
    for (let i = 0; i < 4; i++) text += String.fromCharCode((tag >>> (8 * i)) & 0xff)
    return tag === 0 ? '' : text.trim()
  }

  /** FFmpeg's name of the track's codec ('aac', 'mp3', 'opus'…). */
  get codecName(): string {
    const at = this.exports.m4a_codec_name()
    const bytes = new Uint8Array(this.exports.memory.buffer)
    let end = at
    while (end < bytes.length && bytes[end] !== 0 && end - at < 64) end++
    return new TextDecoder().decode(bytes.subarray(at, end))
  }

  get alac(): boolean {
    return this.exports.m4a_is_alac() !== 0
  }

  /** The track's length in seconds (edit list or media header), undefined when unknown. */
  get durationSeconds(): number | undefined {
    const duration = this.exports.m4a_duration()
    return duration < 0 ? undefined : duration / this.exports.m4a_duration_scale()
  }

  /** The original length an iTunSMPB tag states, in samples. */
  get iTunSmpbSamples(): number | undefined {
    const samples = this.exports.m4a_itunsmpb_samples()
    return samples < 0 ? undefined : samples
  }

  get sampleRate(): number {
    return this.exports.m4a_sample_rate()
  }

  get channels(): number {
    return this.exports.m4a_channels()
  }

  get decodeErrors(): number {
    return this.exports.m4a_decode_errors()
  }

  /**
   * Decodes the next frame: its planar samples as views of the module's memory, valid until the
   * next call (the caller copies what it keeps); [] at the end; throws on failure.
   */
  decode(): Float32Array[] {
    const n = this.exports.m4a_decode()
    if (n < 0) throw new Error(`FFmpeg error ${n}`)
    if (n === 0) return []
    const channels: Float32Array[] = []
    for (let c = 0; c < this.exports.m4a_channels(); c++) {
      const at = this.exports.m4a_channel(c)
      channels.push(new Float32Array(this.exports.memory.buffer, at, n))
    }
    return channels
  }
}
