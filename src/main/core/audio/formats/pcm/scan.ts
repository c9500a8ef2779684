import { parseAiffHeader } from '../aiff/decode'
import { AudioError } from '../../audio-error'
import { PcmPeaksBuilder } from './peaks'
import { PcmFrameSplitter, type HeaderParser, type PcmHeader } from './stream'
import type { Peaks } from '../../dsp/peaks'
import { parseWavHeader } from '../wav/decode'

export type PcmContainer = 'wav' | 'aiff'

export interface PcmScanResult {
  sampleRate: number
  channels: number
  /** Frames per channel. */
  frames: number
  peaks: Peaks
}

const PARSERS: Record<PcmContainer, HeaderParser<PcmHeader>> = {
  wav: parseWavHeader,
  aiff: parseAiffHeader,
}

/**
 * Checks a WAV or AIFF file pushed in chunks and computes its peaks, without decoding its samples
 * to floats: what an import needs. Accepts and refuses exactly the files decodeAudioFile does,
 * with the same AudioError, and gives the frames and peaks a full decode would.
 */
export class PcmScanner {
  private readonly splitter: PcmFrameSplitter<PcmHeader>
  private peaks: PcmPeaksBuilder | undefined
  private framesPassed = 0
  private readonly onFrames = (frames: Uint8Array): void => {
    const header = this.splitter.header!
    this.peaks ??= new PcmPeaksBuilder(header.layout, undefined, header.frames)
    this.peaks.push(frames)
    this.framesPassed += frames.length / header.blockAlign
  }

  constructor(container: PcmContainer, fileSize?: number) {
    this.splitter = new PcmFrameSplitter(PARSERS[container], fileSize)
  }

  /** Feeds the next bytes of the file (the buffer may be reused once this returns). */
  push(chunk: Uint8Array): void {
    this.splitter.push(chunk, this.onFrames)
  }

  /** Signals the end of the file: its format and peaks, or AudioError. */
  end(): PcmScanResult {
    const total = this.splitter.end()
    const header = this.splitter.header!
    // The same checks, in the same order, as decodeAudioFile's end of a WAV/AIFF stream.
    if (total === 0 && this.splitter.bytesSeen <= header.dataOffset) {
      throw new AudioError('truncated', 'the file ends before its first audio sample')
    }
    if (this.framesPassed === 0 || this.peaks === undefined) {
      throw new AudioError('empty', 'the file contains no audio samples')
    }
    return {
      sampleRate: header.sampleRate,
      channels: header.channels,
      frames: this.framesPassed,
      peaks: this.peaks.finish(),
    }
  }
}
