import { spawnSync } from 'node:child_process'

/** A 440 Hz sine WAV (16-bit, 48 kHz) made by sox at `path`; returns the path. */
export function toneWav(path: string, seconds: number, channels = 1): string {
  const made = spawnSync(
    'sox',
    [
      '-n',
      '-r',
      '48000',
      '-c',
      String(channels),
      '-b',
      '16',
      path,
      'synth',
      String(seconds),
      'sine',
      '440',
    ],
    { encoding: 'utf8' },
  )
  if (made.status !== 0) throw new Error(`sox could not make ${path}: ${made.stderr}`)
  return path
}
