/** Planar audio: one Float32Array per channel, all of the same length. */
export interface PcmAudio {
  sampleRate: number
  channels: Float32Array[]
}

/**
 * Random access to the frames of a source that is not held in memory as a whole (for example a
 * WAV file read in chunks). `read` returns `count` frames per channel starting at `start`; the
 * caller keeps `0 <= start` and `start + count <= frames`.
 */
export interface FrameReader {
  readonly sampleRate: number
  readonly channelCount: number
  readonly frames: number
  read(start: number, count: number): Float32Array[]
}

/** Number of frames of a PcmAudio (the length of its first channel, 0 without channels). */
export function frameCount(audio: PcmAudio): number {
  return audio.channels[0]?.length ?? 0
}

/** A silent PcmAudio of the given shape. */
export function createPcm(sampleRate: number, channelCount: number, frames: number): PcmAudio {
  const channels: Float32Array[] = []
  for (let c = 0; c < channelCount; c++) channels.push(new Float32Array(frames))
  return { sampleRate, channels }
}

/** A FrameReader over a PcmAudio held in memory (reads are views, not copies). */
export function pcmReader(audio: PcmAudio): FrameReader {
  return {
    sampleRate: audio.sampleRate,
    channelCount: audio.channels.length,
    frames: frameCount(audio),
    read: (start, count) => audio.channels.map((ch) => ch.subarray(start, start + count)),
  }
}

/** Joins planar chunks (as yielded by the incremental decoders) into one PcmAudio. */
export function concatPcm(
  sampleRate: number,
  channelCount: number,
  chunks: Float32Array[][],
): PcmAudio {
  let total = 0
  for (const chunk of chunks) total += chunk[0]?.length ?? 0
  const out = createPcm(sampleRate, channelCount, total)
  let pos = 0
  for (const chunk of chunks) {
    const n = chunk[0]?.length ?? 0
    for (let c = 0; c < channelCount; c++) out.channels[c]!.set(chunk[c]!, pos)
    pos += n
  }
  return out
}
