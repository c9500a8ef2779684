import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeWav } from '../../../src/main/core/audio/formats/wav/decode'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

function tone(dir: string, name: string, args: string[]): string {
  const path = join(dir, name)
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', ...args, path])
  if (made.status !== 0) throw new Error(String(made.stderr))
  return path
}

async function wavOf(core: TestCore, assetId: string) {
  const media = await core.media(assetId)
  if (media?.kind !== 'file') throw new Error('no WAV file')
  return decodeWav(readFileSync(media.path))
}

describe('drag out', () => {
  it('hands over a WAV take as it is and a FLAC import decoded to WAV', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const project = await core.call('projects.create', { name: 'Drag' })
    const wav = await core.call('assets.import', {
      projectId: project.id,
      path: tone(dir, 'pad.wav', ['sine=d=1:r=32000']),
    })
    expect(await core.call('assets.dragOut', { assetId: wav.id })).toEqual({
      assetId: wav.id,
      fileName: 'pad.wav',
    })
    const flac = await core.call('assets.import', {
      projectId: project.id,
      path: tone(dir, 'bass.flac', ['sine=f=110:d=0.5:r=44100']),
    })
    const out = await core.call('assets.dragOut', { assetId: flac.id })
    expect(out.fileName).toBe('bass.wav')
    expect(out.assetId).not.toBe(flac.id)
    const decoded = await wavOf(core, out.assetId)
    expect(decoded.audio.sampleRate).toBe(44100)
    expect(decoded.audio.channels[0]!.length).toBe(flac.frames)
    // A rendered file is not an import: the melody list leaves it out.
    const assets = await core.call('assets.list', { projectId: project.id })
    expect(assets.find((a) => a.id === out.assetId)?.origin).toBe('render')
    core.close()
  })

  it('renders a clip as the timeline plays it: its slice, gain and fades, at the project rate', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const project = await core.call('projects.create', { name: 'Song', sampleRate: 48000 })
    const track = await core.call('tracks.create', { projectId: project.id })
    const asset = await core.call('assets.import', {
      projectId: project.id,
      path: tone(dir, 'keys.wav', ['sine=f=440:d=2:r=48000']),
    })
    const clip = await core.call('clips.create', {
      trackId: track.id,
      assetId: asset.id,
      start: 96000,
      offset: 24000,
      length: 48000,
      gainDb: -6,
      fadeIn: 4800,
    })
    const out = await core.call('assets.dragOut', { clipId: clip.id })
    expect(out.fileName).toBe('Song - keys.wav')
    const { audio } = await wavOf(core, out.assetId)
    expect(audio.sampleRate).toBe(48000)
    expect(audio.channels).toHaveLength(1)
    const samples = audio.channels[0]!
    expect(samples.length).toBe(48000)
    // Silent at the start of the fade-in, then -6 dB below ffmpeg's sine (amplitude 1/8).
    expect(Math.abs(samples[0]!)).toBeLessThan(1e-6)
    const peak = Math.max(...samples.subarray(24000, 30000).map(Math.abs))
    expect(peak / 0.125).toBeGreaterThan(0.49)
    expect(peak / 0.125).toBeLessThan(0.51)
    expect(await core.call('app.startDrag', out)).toEqual({ started: false })
    core.close()
  })
})
