import { spawnSync } from 'node:child_process'

/** ffmpeg's true peak (dBTP) of a file, by its ebur128 filter with peak=true: the reference. */
export function ffmpegTruePeak(path: string): number {
  const result = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', path, '-af', 'ebur128=peak=true', '-f', 'null', '-'],
    { encoding: 'utf8' },
  )
  const summary = result.stderr.slice(result.stderr.lastIndexOf('Summary:'))
  const peak = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)
  if (!peak) throw new Error(`no true peak in ffmpeg's output:\n${result.stderr}`)
  return Number(peak[1])
}
