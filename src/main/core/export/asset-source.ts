import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { parseAiffHeader } from '../audio/formats/aiff'
import { decodeAudioFile } from '../audio/decode'
import { pcmReader, type FrameReader } from '../audio/dsp'
import type { PcmHeader } from '../audio/formats/pcm'
import { parseWavHeader } from '../audio/formats/wav'
import type { DecodeTasks } from '../audio/segmented-decode'
import type { TaskRunner } from '../workers/types'
import { BufferPool } from './buffer-pool'
import { PcmFileReader } from './pcm-file-reader'

export interface AssetSource {
  reader: FrameReader
  /** Another reader of the same open source, with a read-ahead of its own (one per clip). */
  newReader(): FrameReader
  close(): void
}

/**
 * Where the audio of an asset is, as plain data that can cross to a worker thread: a PCM file read
 * on demand (its header already parsed), or audio decoded once into shared memory (compressed
 * formats), which every thread then reads without a copy.
 */
export type SourceSpec =
  | { kind: 'pcm-file'; path: string; header: PcmHeader }
  | { kind: 'memory'; sampleRate: number; channels: Float32Array[] }

const HEADER_PROBE = 1 << 16

/**
 * Prepares an asset for rendering: PCM files (WAV, AIFF) get their header parsed, so long files
 * never sit in memory; compressed ones are decoded once, into SharedArrayBuffers.
 */
export async function describeAssetSource(
  path: string,
  format: string,
  tasks?: TaskRunner<DecodeTasks>,
): Promise<SourceSpec> {
  if (format === 'wav' || format === 'aiff') {
    const fd = openSync(path, 'r')
    try {
      const size = fstatSync(fd).size
      const probe = Buffer.alloc(Math.min(size, HEADER_PROBE))
      readSync(fd, probe, 0, probe.length, 0)
      const parse = format === 'wav' ? parseWavHeader : parseAiffHeader
      const header = parse(probe, { fileSize: size, final: true })
      if (!header) throw new Error(`${path}: header not found`)
      const { sampleRate, channels, layout, blockAlign, dataOffset, dataLength, frames } = header
      return {
        kind: 'pcm-file',
        path,
        header: { sampleRate, channels, layout, blockAlign, dataOffset, dataLength, frames },
      }
    } finally {
      closeSync(fd)
    }
  }
  const stream = decodeAudioFile(path, { tasks })
  const info = await stream.info()
  const chunks: Float32Array[][] = []
  let total = 0
  for await (const chunk of stream.frames()) {
    chunks.push(chunk)
    total += chunk[0]?.length ?? 0
  }
  const channels = Array.from(
    { length: info.channels },
    () => new Float32Array(new SharedArrayBuffer(total * Float32Array.BYTES_PER_ELEMENT)),
  )
  let at = 0
  for (const chunk of chunks) {
    for (let c = 0; c < info.channels; c++) channels[c]!.set(chunk[c]!, at)
    at += chunk[0]?.length ?? 0
  }
  return { kind: 'memory', sampleRate: info.sampleRate, channels }
}

/**
 * Opens a described source for reading, in whichever thread calls it. Readers of PCM files take
 * their read-ahead buffers from `pool`, and give them back on close.
 */
export function openSourceSpec(spec: SourceSpec, pool = new BufferPool()): AssetSource {
  if (spec.kind === 'memory') {
    const reader = pcmReader({ sampleRate: spec.sampleRate, channels: spec.channels })
    return { reader, newReader: () => reader, close: () => undefined }
  }
  const fd = openSync(spec.path, 'r')
  const readers = [new PcmFileReader(fd, spec.header, pool)]
  return {
    reader: readers[0]!,
    newReader: () => {
      const reader = new PcmFileReader(fd, spec.header, pool)
      readers.push(reader)
      return reader
    },
    close: () => {
      for (const reader of readers) reader.release()
      closeSync(fd)
    },
  }
}

/** Random access to a stored asset; what read() returns stays valid (no buffer is reused). */
export async function openAssetSource(path: string, format: string): Promise<AssetSource> {
  return openSourceSpec(await describeAssetSource(path, format))
}
