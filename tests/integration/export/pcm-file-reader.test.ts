import { closeSync, openSync, readFileSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeAiff, parseAiffHeader } from '../../../src/main/core/audio/formats/aiff/decode'
import type { StereoBuffer } from '../../../src/main/core/audio/dsp/render'
import { decodeWav, parseWavHeader } from '../../../src/main/core/audio/formats/wav/decode'
import { PcmFileReader } from '../../../src/main/core/export/pcm-file-reader'
import { ffmpeg, makeTempDir, rng } from '../../helpers/audio'
import { sameBits, sameChannels } from './same-bits'

const tmp = makeTempDir('pcm-file-reader')
afterAll(() => tmp.cleanup())

const FRAMES = 100_001
/** What mixInto adds to: arbitrary values, the same for every read. */
const BASE = new Float32Array(FRAMES + 1).map((_, i) => Math.sin(i) * 0.5)

/** A noise file made by ffmpeg in the given codec and container. */
function noiseFile(name: string, channels: number, codec: string): string {
  const path = join(tmp.dir, name)
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=white:amplitude=0.9:sample_rate=48000:seed=7:duration=${FRAMES / 48000}`,
    '-ac',
    String(channels),
    '-c:a',
    codec,
    path,
  )
  return path
}

function open(path: string) {
  const bytes = readFileSync(path)
  const aiff = path.endsWith('.aiff')
  const header = (aiff ? parseAiffHeader : parseWavHeader)(bytes, {
    fileSize: bytes.length,
    final: true,
  })!
  const audio = (aiff ? decodeAiff : decodeWav)(bytes).audio
  const fd = openSync(path, 'r')
  return { header, audio, fd, reader: new PcmFileReader(fd, header) }
}

/** Reads in the order a renderer would, with jumps back, odd starts and reads across windows. */
function requests(frames: number, seed: number): [number, number][] {
  const random = rng(seed)
  const out: [number, number][] = [
    [0, 4096],
    [4096, 4096],
    [333, 1],
    [frames - 1, 1],
    [frames - 4097, 4097],
    [65530, 20],
  ]
  for (let at = 777; at + 4096 <= frames; at += 4096) out.push([at, 4096])
  for (let i = 0; i < 12; i++) {
    const count = 1 + Math.floor(random() * 20000)
    out.push([Math.floor(random() * (frames - count)), count])
  }
  return out
}

const layouts: [string, number, string][] = [
  ['s16.wav', 2, 'pcm_s16le'],
  ['s24.wav', 2, 'pcm_s24le'],
  ['s24-mono.wav', 1, 'pcm_s24le'],
  ['s32.wav', 2, 'pcm_s32le'],
  ['f32.wav', 2, 'pcm_f32le'],
  ['f64.wav', 2, 'pcm_f64le'],
  ['u8.wav', 3, 'pcm_u8'],
  ['s16-mono.wav', 1, 'pcm_s16le'],
  ['s24.aiff', 2, 'pcm_s24be'],
]

describe('PcmFileReader', () => {
  it.each(layouts)(
    'reads %s (%i channels) as the whole-file decoder does',
    (name, channels, codec) => {
      const { audio, fd, reader } = open(noiseFile(name, channels, codec))
      try {
        expect(reader.frames).toBe(FRAMES)
        expect(reader.channelCount).toBe(channels)
        for (const [start, count] of requests(FRAMES, channels)) {
          const expected = audio.channels.map((c) => c.subarray(start, start + count))
          expect(sameChannels(reader.read(start, count), expected), `read ${start}+${count}`).toBe(
            true,
          )

          const into = audio.channels.map(() => new Float32Array(count + 3).fill(9))
          reader.readInto(start, count, into, 2)
          into.forEach((c, ch) => {
            expect(sameBits(c.subarray(2, 2 + count), expected[ch]!), `into ${start}`).toBe(true)
            expect([c[0], c[1], c[count + 2]]).toEqual([9, 9, 9])
          })

          // mixInto adds gain × samples, as mixClip's own loop: out[i] + x[i] × gain in Float32.
          const gain = 0.7071
          const out: StereoBuffer = [BASE.slice(0, count + 1), BASE.slice(1, count + 2)]
          const want = out.map((c) => c.slice())
          const left = expected[0]!
          const right = expected[1] ?? left
          for (let i = 0; i < count; i++) {
            want[0]![1 + i] = want[0]![1 + i]! + left[i]! * gain
            want[1]![1 + i] = want[1]![1 + i]! + right[i]! * gain
          }
          reader.mixInto(start, count, gain, out, 1)
          expect(sameChannels(out, want), `mixInto ${start}+${count}`).toBe(true)
        }
      } finally {
        closeSync(fd)
      }
    },
  )

  it('reads frames a file no longer holds as silence (read returns only those there are)', () => {
    const path = noiseFile('cut.wav', 2, 'pcm_s24le')
    const { audio, header, fd, reader } = open(path)
    try {
      truncateSync(path, header.dataOffset + 1000 * header.blockAlign + 4)
      expect(reader.read(990, 20)).toEqual(audio.channels.map((c) => c.subarray(990, 1000)))
      const into = [new Float32Array(20).fill(9), new Float32Array(20).fill(9)]
      reader.readInto(990, 20, into, 0)
      expect(into[0]!.subarray(0, 10)).toEqual(audio.channels[0]!.subarray(990, 1000))
      expect(Array.from(into[1]!.subarray(10))).toEqual(new Array(10).fill(0))
      const out: StereoBuffer = [new Float32Array(20).fill(0.25), new Float32Array(20).fill(0.25)]
      reader.mixInto(990, 20, 1, out, 0)
      expect(out[0][0]).toBe(Math.fround(0.25 + audio.channels[0]![990]!))
      expect(Array.from(out[1].subarray(10))).toEqual(new Array(10).fill(0.25))
    } finally {
      closeSync(fd)
    }
  })
})
