// Builds the malformed-audio corpus of malformed-audio.test.ts: short files of every format made
// by ffmpeg, then cut, bit-flipped and given absurd headers by seeded code, and decompression
// bombs (hours of silence in a few megabytes). ffmpeg only makes the sources; the import under
// test never calls it.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface CorpusFile {
  name: string
  path: string
  /** A bomb beyond the length limit must be refused; anything else may import or be refused. */
  mustRefuse: boolean
}

function ffmpeg(args: string[]): void {
  const made = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' })
  if (made.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${made.stderr}`)
}

/** Mulberry32: the same corpus on every run. */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SIGNAL = 'sine=frequency=440:duration=3:sample_rate=44100'
const SOURCES: [string, string[]][] = [
  ['s16.wav', ['-ac', '2', '-c:a', 'pcm_s16le']],
  ['f32.wav', ['-ac', '2', '-c:a', 'pcm_f32le']],
  ['s24.aiff', ['-ac', '2', '-c:a', 'pcm_s24be']],
  ['cbr.mp3', ['-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k']],
  ['s16.flac', ['-ac', '2', '-c:a', 'flac']],
  ['q4.ogg', ['-ac', '2', '-c:a', 'libvorbis']],
  ['v.opus', ['-ac', '2', '-c:a', 'libopus']],
]

export function buildCorpus(dir: string): CorpusFile[] {
  const files: CorpusFile[] = []
  const add = (name: string, bytes: Uint8Array, mustRefuse = false) => {
    const path = join(dir, name)
    writeFileSync(path, bytes)
    files.push({ name, path, mustRefuse })
  }
  const random = rng(17)
  for (const [name, codec] of SOURCES) {
    const source = join(dir, `source-${name}`)
    ffmpeg(['-f', 'lavfi', '-i', SIGNAL, ...codec, source])
    const bytes = new Uint8Array(readFileSync(source))
    // Truncations: inside the header, at a third, one byte short.
    for (const at of [12, 60, Math.floor(bytes.length / 3), bytes.length - 1]) {
      add(`cut-${at}-${name}`, bytes.subarray(0, at))
    }
    // Bit flips: in the header, and scattered through the file.
    for (const [label, from, count] of [
      ['head', 0, 4],
      ['body', 64, 20],
      ['body2', 64, 200],
    ] as const) {
      const flipped = bytes.slice()
      for (let k = 0; k < count; k++) {
        const at =
          from +
          Math.floor(random() * Math.min(bytes.length - from, label === 'head' ? 64 : Infinity))
        flipped[at]! ^= 1 << Math.floor(random() * 8)
      }
      add(`flip-${label}-${name}`, flipped)
    }
  }
  absurdHeaders(dir, add)
  bombs(dir, add)
  return files
}

function absurdHeaders(dir: string, add: (name: string, bytes: Uint8Array) => void): void {
  const wav = new Uint8Array(readFileSync(join(dir, 'source-s16.wav')))
  const patchWav = (name: string, at: number, value: number, size: 2 | 4) => {
    const b = wav.slice()
    const view = new DataView(b.buffer)
    if (size === 2) view.setUint16(at, value, true)
    else view.setUint32(at, value, true)
    add(name, b)
  }
  patchWav('wav-rate-0.wav', 24, 0, 4)
  patchWav('wav-rate-max.wav', 24, 0xffffffff, 4)
  patchWav('wav-channels-0.wav', 22, 0, 2)
  patchWav('wav-channels-65535.wav', 22, 65535, 2)
  patchWav('wav-bits-0.wav', 34, 0, 2)
  patchWav('wav-riff-size-max.wav', 4, 0xffffffff, 4)
  const flac = new Uint8Array(readFileSync(join(dir, 'source-s16.flac')))
  const patchFlac = (name: string, patch: (b: Uint8Array) => void) => {
    const b = flac.slice()
    patch(b)
    add(name, b)
  }
  patchFlac('flac-rate-1048575.flac', (b) => {
    b[18] = 0xff
    b[19] = 0xff
    b[20] = 0xf0 | (b[20]! & 0x0f)
  })
  patchFlac('flac-channels-8.flac', (b) => (b[20] = (b[20]! & 0xf1) | (7 << 1)))
  // 2^36 - 1 samples: 433 hours at 44.1 kHz.
  patchFlac('flac-samples-2e36.flac', (b) => {
    b[21] = (b[21]! & 0xf0) | 0x0f
    b.fill(0xff, 22, 26)
  })
  patchFlac('flac-block-0.flac', (b) => b.fill(0, 8, 12))
  const ogg = new Uint8Array(readFileSync(join(dir, 'source-q4.ogg')))
  // The Vorbis identification header: rate at 28 + 12 of the first page's packet.
  const huge = ogg.slice()
  new DataView(huge.buffer).setUint32(28 + 12, 0xffffffff, true)
  add('vorbis-rate-max.ogg', huge)
}

/** Hours of silence: small files that decode to more than memory holds. */
function bombs(dir: string, add: (name: string, bytes: Uint8Array, mustRefuse?: boolean) => void) {
  const make = (name: string, rate: number, layout: string, seconds: number, codec: string[]) => {
    const path = join(dir, `source-${name}`)
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `anullsrc=r=${rate}:cl=${layout}`,
      '-t',
      `${seconds}`,
      ...codec,
      path,
    ])
    return new Uint8Array(readFileSync(path))
  }
  // Within the length limit, but gigabytes as floats if decoded at once.
  add('bomb-1h-silence.flac', make('1h.flac', 44100, 'stereo', 3600, ['-c:a', 'flac']))
  add('bomb-10min-silence.ogg', make('10m.ogg', 44100, 'stereo', 600, ['-c:a', 'libvorbis']))
  // Beyond the length limit: 7 hours.
  add('bomb-7h-silence.flac', make('7h.flac', 8000, 'mono', 7 * 3600, ['-c:a', 'flac']), true)
  // 7 hours of one silent 8 kbps MP3 frame repeated (no reservoir, no tag): 25 MB.
  const mp3 = make('1s.mp3', 8000, 'mono', 10, [
    ...['-c:a', 'libmp3lame', '-b:a', '8k', '-reservoir', '0', '-write_xing', '0'],
  ])
  const frame = mp3.subarray(mp3.length - 4 * 72, mp3.length - 3 * 72)
  const frames = Math.ceil((7 * 3600 * 8000) / 576)
  const bomb = new Uint8Array(frames * frame.length)
  for (let k = 0; k < frames; k++) bomb.set(frame, k * frame.length)
  add('bomb-7h-silence.mp3', bomb, true)
}
