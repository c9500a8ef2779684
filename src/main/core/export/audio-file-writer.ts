import { randomBytes } from 'node:crypto'
import { rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { ExportBitDepth } from '../../../shared/domain'
import { AppError } from '../app-error'
import { FlacEncoder } from '../audio/formats/flac'
import {
  encodeWavHeader,
  encodeWavTrailer,
  wavBytesPerSample,
  type WavSampleFormat,
} from '../audio/formats/wav'
import { DIRECT_IO_ALIGN } from '../direct-io/direct-io'
import { createNewFile, placeFile } from './exclusive-files'
import { tempFileName } from './file-names'

export interface AudioFileSpec {
  path: string
  format: 'wav' | 'flac'
  bitDepth: ExportBitDepth
  sampleRate: number
  channels: number
  frames: number
  tags: Record<string, string>
}

export const WAV_FORMATS: Record<ExportBitDepth, WavSampleFormat> = {
  16: 'int16',
  24: 'int24',
  32: 'float32',
}

/**
 * An audio file written under a temporary name beside its destination. `open` creates it with
 * its header; the samples are then written at `dataOffset` in `tempPath` by others (worker
 * threads: the WAV ranges, or a whole FLAC stream with its final STREAMINFO). `finish` completes,
 * fsyncs and closes the file; `publish` links it into place without ever replacing an existing
 * file; `discard` removes it (and what publish put in place).
 */
export class AudioFileWriter {
  readonly tempPath: string
  #handle: FileHandle | undefined
  #dataOffset = 0
  #published = false

  constructor(readonly spec: AudioFileSpec) {
    this.tempPath = join(
      dirname(spec.path),
      tempFileName(basename(spec.path), randomBytes(4).toString('hex')),
    )
  }

  /** Where the first sample goes in the file (once open). */
  get dataOffset(): number {
    return this.#dataOffset
  }

  async open(): Promise<void> {
    const { format, bitDepth, sampleRate, channels } = this.spec
    let header: Uint8Array
    if (format === 'flac') {
      if (bitDepth === 32) {
        throw new AppError('invalid_input', 'FLAC export is 16 or 24-bit', 'bitDepth')
      }
      // A provisional STREAMINFO: whoever encodes the stream writes the final one over it.
      header = new FlacEncoder({ sampleRate, channels, bitsPerSample: bitDepth }).header()
    } else {
      header = encodeWavHeader(this.#wavOptions())
    }
    this.#handle = await createNewFile(this.tempPath)
    await this.#handle.write(header)
    this.#dataOffset = header.length
  }

  /** Pushes the data written so far towards the disk (so that `finish` has less to wait for). */
  async flush(): Promise<void> {
    await this.#handle?.datasync()
  }

  /** Writes what follows the samples (a WAV pad byte), then fsyncs and closes the file. */
  async finish(): Promise<void> {
    const handle = this.#handle
    if (!handle) throw new Error('writer is not open')
    if (this.spec.format === 'wav') {
      const options = this.#wavOptions()
      const trailer = encodeWavTrailer(options)
      const end =
        this.#dataOffset + options.frames * options.channels * wavBytesPerSample(options.format)
      await handle.write(trailer, 0, trailer.length, end)
    }
    await handle.sync()
    await handle.close()
    this.#handle = undefined
  }

  /** Puts the finished file in place (replacing an existing one only when `overwrite`). */
  async publish(overwrite: boolean): Promise<void> {
    // Without overwrite, a file that appeared meanwhile is kept (EEXIST).
    await placeFile(this.tempPath, this.spec.path, overwrite)
    this.#published = true
    if (!overwrite) await rm(this.tempPath, { force: true })
  }

  /** Removes the temporary file, and the file in place if this export put it there. */
  async discard(): Promise<void> {
    await this.#handle?.close().catch(() => undefined)
    this.#handle = undefined
    await rm(this.tempPath, { force: true })
    if (this.#published) await rm(this.spec.path, { force: true })
    this.#published = false
  }

  #wavOptions() {
    const { sampleRate, channels, frames, bitDepth, tags } = this.spec
    // Samples start on a block boundary, so that whole blocks can go straight to the disk.
    return {
      sampleRate,
      channels,
      frames,
      format: WAV_FORMATS[bitDepth],
      tags,
      alignData: DIRECT_IO_ALIGN,
    }
  }
}
