import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { parseAiffHeader } from '../audio/aiff-decode'
import { decodeAudioFile } from '../audio/decode'
import { concatPcm, pcmReader, type FrameReader } from '../audio/pcm'
import { pcmFileReader, type PcmHeader } from '../audio/pcm-stream'
import { parseWavHeader } from '../audio/wav-decode'

export interface AssetSource {
  reader: FrameReader
  close(): void
}

const HEADER_PROBE = 1 << 16

/**
 * Random access to a stored asset for rendering: PCM files (WAV, AIFF) are read from disk on
 * demand, so long files never sit in memory; compressed ones are decoded once into memory.
 */
export async function openAssetSource(path: string, format: string): Promise<AssetSource> {
  if (format === 'wav' || format === 'aiff') {
    const fd = openSync(path, 'r')
    try {
      const size = fstatSync(fd).size
      const probe = Buffer.alloc(Math.min(size, HEADER_PROBE))
      readSync(fd, probe, 0, probe.length, 0)
      const parse = format === 'wav' ? parseWavHeader : parseAiffHeader
      const header: PcmHeader | undefined = parse(probe, { fileSize: size, final: true })
      if (!header) throw new Error(`${path}: header not found`)
      const readAt = (offset: number, length: number) => {
        const bytes = Buffer.alloc(length)
        const read = readSync(fd, bytes, 0, length, offset)
        return bytes.subarray(0, read)
      }
      return { reader: pcmFileReader(header, readAt), close: () => closeSync(fd) }
    } catch (error) {
      closeSync(fd)
      throw error
    }
  }
  const stream = decodeAudioFile(path)
  const info = await stream.info()
  const chunks: Float32Array[][] = []
  for await (const chunk of stream.frames()) chunks.push(chunk)
  return {
    reader: pcmReader(concatPcm(info.sampleRate, info.channels, chunks)),
    close: () => undefined,
  }
}
