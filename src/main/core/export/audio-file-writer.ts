import { randomBytes } from 'node:crypto'
import { link, open, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { ExportBitDepth } from '../../../shared/domain'
import { AppError } from '../app-error'
import { FLAC_STREAMINFO_OFFSET, FlacEncoder } from '../audio/flac-encode'
import {
  encodeWavFrames,
  encodeWavHeader,
  encodeWavTrailer,
  type WavSampleFormat,
} from '../audio/wav-encode'

export interface AudioFileSpec {
  path: string
  format: 'wav' | 'flac'
  bitDepth: ExportBitDepth
  sampleRate: number
  channels: number
  frames: number
  tags: Record<string, string>
}

const WAV_FORMATS: Record<ExportBitDepth, WavSampleFormat> = {
  16: 'int16',
  24: 'int24',
  32: 'float32',
}

/**
 * Writes an audio file under a temporary name beside its destination; `commit` fsyncs and links
 * it into place without ever replacing an existing file, `discard` removes it.
 */
export class AudioFileWriter {
  readonly tempPath: string
  #handle: FileHandle | undefined
  #flac: FlacEncoder | undefined

  constructor(readonly spec: AudioFileSpec) {
    this.tempPath = join(
      dirname(spec.path),
      `.${basename(spec.path)}.${randomBytes(4).toString('hex')}.part`,
    )
  }

  async open(): Promise<void> {
    const { format, bitDepth, sampleRate, channels } = this.spec
    if (format === 'flac') {
      if (bitDepth === 32) {
        throw new AppError('invalid_input', 'FLAC export is 16 or 24-bit', 'bitDepth')
      }
      this.#flac = new FlacEncoder({ sampleRate, channels, bitsPerSample: bitDepth })
    }
    this.#handle = await open(this.tempPath, 'wx')
    await this.#handle.write(this.#flac ? this.#flac.header() : encodeWavHeader(this.#wavOptions()))
  }

  async write(channels: Float32Array[]): Promise<void> {
    if (!this.#handle) throw new Error('writer is not open')
    await this.#handle.write(
      this.#flac
        ? this.#flac.encode(channels)
        : encodeWavFrames(WAV_FORMATS[this.spec.bitDepth], channels),
    )
  }

  async commit(overwrite: boolean): Promise<void> {
    const handle = this.#handle
    if (!handle) throw new Error('writer is not open')
    if (this.#flac) {
      const { frames, streamInfo } = this.#flac.finish()
      await handle.write(frames)
      // STREAMINFO (totals and MD5) is only known at the end; it sits near the file's start.
      await handle.write(streamInfo, 0, streamInfo.length, FLAC_STREAMINFO_OFFSET)
    } else {
      await handle.write(encodeWavTrailer(this.#wavOptions()))
    }
    await handle.sync()
    await handle.close()
    this.#handle = undefined
    if (overwrite) await rm(this.spec.path, { force: true })
    // link() fails with EEXIST instead of replacing: a file that appeared meanwhile is kept.
    await link(this.tempPath, this.spec.path)
    await rm(this.tempPath, { force: true })
  }

  async discard(): Promise<void> {
    await this.#handle?.close().catch(() => undefined)
    this.#handle = undefined
    await rm(this.tempPath, { force: true })
  }

  #wavOptions() {
    const { sampleRate, channels, frames, bitDepth, tags } = this.spec
    return { sampleRate, channels, frames, format: WAV_FORMATS[bitDepth], tags }
  }
}
