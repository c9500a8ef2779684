import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeWav } from '../../../src/main/core/audio/formats/wav/decode'
import { bundleChild } from '../../helpers/bundle'
import { startCore, type TestCore } from '../../helpers/core'
import { tempDir } from '../../helpers/temp'

function ffmpeg(...args: string[]): void {
  const result = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${result.stderr}`)
}

/** A sine tone file made by ffmpeg: `codec` picks the format (pcm_s16le, libmp3lame, flac…). */
function tone(
  dir: string,
  name: string,
  seconds: number,
  rate: number,
  channels: number,
  freq = 440,
  codecArgs: string[] = [],
): string {
  const path = join(dir, name)
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${freq}:sample_rate=${rate}:duration=${seconds}`,
    '-ac',
    String(channels),
    ...codecArgs,
    path,
  )
  return path
}

async function projectWithTrack(core: TestCore, sampleRate: 44100 | 48000 = 48000) {
  const project = await core.call('projects.create', { name: 'Export test', sampleRate })
  const track = await core.call('tracks.create', { projectId: project.id, name: 'Keys' })
  return { project, track }
}

/** Imports a file into the project and places it on the track as a clip. */
async function placeFile(
  core: TestCore,
  where: { projectId: string; trackId: string },
  path: string,
  placement: { start: number; offset?: number; length?: number },
) {
  const asset = await core.call('assets.import', { projectId: where.projectId, path })
  const clip = await core.call('clips.create', {
    trackId: where.trackId,
    assetId: asset.id,
    ...placement,
  })
  return { asset, clip }
}

describe('assets.import', () => {
  it('imports bytes and paths of every supported format, with metadata and peaks', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const { project } = await projectWithTrack(core)
    const cases = [
      {
        file: tone(dir, 'a.wav', 1, 44100, 2, 440, ['-c:a', 'pcm_s24le']),
        format: 'wav',
        rate: 44100,
        channels: 2,
      },
      { file: tone(dir, 'b.aiff', 1, 32000, 1), format: 'aiff', rate: 32000, channels: 1 },
      {
        file: tone(dir, 'c.mp3', 2, 44100, 2, 440, ['-c:a', 'libmp3lame', '-b:a', '192k']),
        format: 'mp3',
        rate: 44100,
        channels: 2,
      },
      { file: tone(dir, 'd.flac', 1, 48000, 2), format: 'flac', rate: 48000, channels: 2 },
      {
        file: tone(dir, 'e.ogg', 1, 44100, 2, 440, ['-c:a', 'libvorbis']),
        format: 'ogg-vorbis',
        rate: 44100,
        channels: 2,
      },
      {
        file: tone(dir, 'f.opus', 1, 48000, 2, 440, ['-c:a', 'libopus']),
        format: 'ogg-opus',
        rate: 48000,
        channels: 2,
      },
      {
        file: tone(dir, 'g.m4a', 1, 44100, 2, 440, ['-c:a', 'aac']),
        format: 'm4a',
        rate: 44100,
        channels: 2,
        frames: 44100,
      },
      {
        file: tone(dir, 'h.aac', 1, 22050, 1, 440, ['-c:a', 'aac', '-f', 'adts']),
        format: 'aac',
        rate: 22050,
        channels: 1,
      },
      {
        file: tone(dir, 'i.m4a', 1, 48000, 2, 440, ['-c:a', 'alac']),
        format: 'm4a',
        rate: 48000,
        channels: 2,
        frames: 48000,
      },
    ]
    for (const [index, c] of cases.entries()) {
      const input =
        index % 2 === 0
          ? { projectId: project.id, path: c.file }
          : {
              projectId: project.id,
              name: c.file.split('/').pop()!,
              data: readFileSync(c.file).toString('base64'),
            }
      const asset = await core.call('assets.import', input)
      expect(asset, c.file).toMatchObject({
        format: c.format,
        sampleRate: c.rate,
        channels: c.channels,
        origin: 'import',
      })
      expect(asset.frames).toBeGreaterThan(c.rate * 0.9)
      // M4A: gapless, the encoder delay and padding trimmed to the source's length.
      if (c.frames !== undefined) expect(asset.frames, c.file).toBe(c.frames)
      const peaks = await core.call('assets.peaks', { assetId: asset.id, framesPerPeak: 256 })
      expect(peaks.channels).toBe(c.channels)
      expect(peaks.count).toBe(Math.ceil(asset.frames / 256))
      const raw = Buffer.from(peaks.data, 'base64')
      const values = new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2)
      // ffmpeg's sine has amplitude 1/8 (4096 in 16-bit; -3 dB when upmixed to stereo).
      expect(Math.max(...values.slice(0, 2 * Math.floor(c.rate / 256))), c.file).toBeGreaterThan(
        2500,
      )
    }
    expect(await core.call('assets.list', { projectId: project.id })).toHaveLength(cases.length)
    core.close()
  })

  it('stores identical bytes once, under one asset', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const { project } = await projectWithTrack(core)
    const file = tone(dir, 'same.wav', 1, 48000, 2)
    const first = await core.call('assets.import', { projectId: project.id, path: file })
    const second = await core.call('assets.import', {
      projectId: project.id,
      name: 'copy.wav',
      data: readFileSync(file).toString('base64'),
    })
    expect(second.id).toBe(first.id)
    const shards = readdirSync(join(dir, 'data', 'assets')).filter((name) => name !== 'tmp')
    expect(shards.flatMap((shard) => readdirSync(join(dir, 'data', 'assets', shard)))).toHaveLength(
      1,
    )
    core.close()
  })

  it.each([
    ['empty.wav', () => Buffer.alloc(0), /empty\.wav: .*(empty|no audio|not audio)/i],
    [
      'notes.txt',
      () => Buffer.from('these are my lyrics, not audio\n'.repeat(20)),
      /notes\.txt: .*not audio/i,
    ],
    [
      'random.wav',
      () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      /random\.wav: /,
    ],
    [
      'photo.mp3',
      () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 2000 }, () => 0)]),
      /photo\.mp3: /,
    ],
  ])('refuses %s with a message naming the file, storing nothing', async (name, bytes, message) => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const { project } = await projectWithTrack(core)
    const result = await core.dispatch('assets.import', {
      projectId: project.id,
      name,
      data: bytes().toString('base64') || 'AA==',
    })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toMatch(message)
    expect(await core.call('assets.list', { projectId: project.id })).toEqual([])
    core.close()
  })

  it('refuses a truncated WAV, a DRM-protected M4A and a video-only MP4, storing nothing', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const { project } = await projectWithTrack(core)
    const wav = readFileSync(tone(dir, 'cut.wav', 1, 48000, 2))
    const cut = await core.dispatch('assets.import', {
      projectId: project.id,
      name: 'cut.wav',
      data: wav.subarray(0, 30).toString('base64'),
    })
    expect(cut).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    const m4a = readFileSync(tone(dir, 'song.m4a', 1, 44100, 2, 440, ['-c:a', 'aac']))
    // An iTunes Store purchase: FairPlay-protected AAC under the sample entry type 'drms'.
    m4a.write('drms', m4a.indexOf('mp4a'), 'latin1')
    const m4p = join(dir, 'song.m4p')
    writeFileSync(m4p, m4a)
    const refused = await core.dispatch('assets.import', { projectId: project.id, path: m4p })
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringMatching(/song\.m4p: the audio is copy-protected \(DRM/),
      },
    })
    const video = join(dir, 'clip.mp4')
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x64:rate=10', '-c:v', 'mpeg4', video)
    const videoOnly = await core.dispatch('assets.import', {
      projectId: project.id,
      name: 'clip.mp4',
      data: readFileSync(video).toString('base64'),
    })
    expect(videoOnly).toMatchObject({
      ok: false,
      error: { message: 'clip.mp4: the file holds video but no audio track' },
    })
    expect(await core.call('assets.list', { projectId: project.id })).toEqual([])
    const missing = await core.dispatch('assets.import', {
      projectId: project.id,
      path: join(dir, 'nope.wav'),
    })
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'nope.wav: the file does not exist' },
    })
    core.close()
  })
})

describe('clips', () => {
  it('places, moves, trims and deletes clips within their audio', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const { project, track } = await projectWithTrack(core)
    const { asset, clip } = await placeFile(
      core,
      { projectId: project.id, trackId: track.id },
      tone(dir, 'two.wav', 2, 32000, 1),
      { start: 4800 },
    )
    expect(clip).toMatchObject({ start: 4800, offset: 0, length: 96000, gainDb: 0 }) // 2 s at 48 kHz
    const second = await core.call('tracks.create', { projectId: project.id })
    const moved = await core.call('clips.update', {
      clipId: clip.id,
      trackId: second.id,
      start: 0,
      offset: 48000,
      length: 48000,
    })
    expect(moved).toMatchObject({ trackId: second.id, offset: 48000, length: 48000 })
    const tooLong = await core.dispatch('clips.update', { clipId: clip.id, length: 48001 })
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'length' } })
    const detail = await core.call('projects.get', { projectId: project.id })
    expect(detail.tracks[1]?.clips).toEqual([
      expect.objectContaining({ id: clip.id, assetId: asset.id, start: 0 }),
    ])
    await core.call('clips.delete', { clipId: clip.id })
    expect(
      (await core.call('projects.get', { projectId: project.id })).tracks.flatMap((t) => t.clips),
    ).toEqual([])
    core.close()
  })
})

describe('export.stems', () => {
  it('writes equal-length stems, the mix equal to their sum, tags and a sidecar', async () => {
    const dir = tempDir()
    const out = join(dir, 'out')
    mkdirSync(out)
    const core = startCore(join(dir, 'data'))
    const { project, track } = await projectWithTrack(core)
    const bass = await core.call('tracks.create', { projectId: project.id, name: 'Bass/Low?' })
    const muted = await core.call('tracks.create', { projectId: project.id, name: 'Muted' })
    const keys = await core.call('assets.import', {
      projectId: project.id,
      path: tone(dir, 'keys.wav', 1, 32000, 2, 660),
    })
    const low = await core.call('assets.import', {
      projectId: project.id,
      path: tone(dir, 'low.flac', 2, 44100, 1, 110),
    })
    await core.call('clips.create', {
      trackId: track.id,
      assetId: keys.id,
      start: 0,
      fadeIn: 480,
      fadeOut: 4800,
    })
    await core.call('clips.create', { trackId: bass.id, assetId: low.id, start: 24000, gainDb: -6 })
    await core.call('clips.create', { trackId: muted.id, assetId: keys.id, start: 0 })
    await core.call('tracks.update', { trackId: muted.id, mute: true })

    const progress: number[] = []
    core.events.onAny((event, payload) => {
      if (event === 'export.progress') progress.push((payload as { done: number }).done)
    })
    const result = await core.call('export.stems', {
      projectId: project.id,
      directory: out,
      format: 'wav',
      bitDepth: 24,
      sampleRate: 48000,
      includeMix: true,
    })
    expect(result.files).toEqual([
      'Export test - 01 Keys.wav',
      'Export test - 02 Bass_Low_.wav',
      'Export test - Mix.wav',
      'Export test - stems.json',
    ])
    expect(readdirSync(out).sort()).toEqual([...result.files].sort())
    // The stems' frames and the mix's (one pass through the limiter).
    expect(progress.at(-1)).toBe(2 * result.frames)
    expect(result.frames).toBe(24000 + 96000)

    const [keysStem, bassStem, mix] = result.files
      .slice(0, 3)
      .map((file) => decodeWav(readFileSync(join(out, file))))
    for (const decoded of [keysStem!, bassStem!, mix!]) {
      expect(decoded.header.sampleRate).toBe(48000)
      expect(decoded.header.bitsPerSample).toBe(24)
      expect(decoded.audio.channels[0]!.length).toBe(result.frames)
    }
    // The bass stem is silent before its clip and holds audio after it.
    expect(Math.max(...bassStem!.audio.channels[0]!.subarray(0, 24000).map(Math.abs))).toBe(0)
    expect(
      Math.max(...bassStem!.audio.channels[0]!.subarray(30000, 40000).map(Math.abs)),
    ).toBeGreaterThan(0.05)
    // -6 dB on a ffmpeg sine (amplitude 1/8) stays under 0.07.
    expect(Math.max(...bassStem!.audio.channels[0]!.map(Math.abs))).toBeLessThan(0.07)
    // The keys stem ends at 1 s with its fade-out reaching silence.
    expect(Math.abs(keysStem!.audio.channels[1]![47999]!)).toBeLessThan(1e-3)
    let worst = 0
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < result.frames; i++) {
        const sum = keysStem!.audio.channels[c]![i]! + bassStem!.audio.channels[c]![i]!
        worst = Math.max(worst, Math.abs(sum - mix!.audio.channels[c]![i]!))
      }
    }
    expect(worst).toBeLessThan(2 / 8388608) // within two 24-bit steps

    const wavText = readFileSync(join(out, result.files[0]!)).toString('latin1')
    expect(wavText).toContain('LIST')
    expect(wavText).toContain('keys.wav')
    const sidecar = JSON.parse(readFileSync(join(out, 'Export test - stems.json'), 'utf8')) as {
      tracks: { name: string; file: string | null; clips: { asset: { name: string } }[] }[]
    }
    expect(sidecar.tracks.map((t) => [t.name, t.file])).toEqual([
      ['Keys', 'Export test - 01 Keys.wav'],
      ['Bass/Low?', 'Export test - 02 Bass_Low_.wav'],
      ['Muted', null],
    ])

    const again = await core.dispatch('export.stems', {
      projectId: project.id,
      directory: out,
      format: 'wav',
      sampleRate: 44100,
    })
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/already exist/) },
    })
    const replaced = await core.call('export.stems', {
      projectId: project.id,
      directory: out,
      format: 'wav',
      bitDepth: 16,
      sampleRate: 44100,
      overwrite: true,
    })
    const decoded = decodeWav(readFileSync(join(out, replaced.files[0]!)))
    expect(decoded.header.sampleRate).toBe(44100)
    expect(decoded.audio.channels[0]!.length).toBe(Math.round((120000 * 44100) / 48000))
    expect(readdirSync(out).filter((name) => name.includes('.part'))).toEqual([])
    core.close()
  })

  it('exports FLAC stems that decode back to the same audio as WAV stems', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const { project, track } = await projectWithTrack(core)
    await placeFile(
      core,
      { projectId: project.id, trackId: track.id },
      tone(dir, 'f.wav', 1, 48000, 2, 330),
      { start: 100 },
    )
    const wavDir = join(dir, 'wav')
    const flacDir = join(dir, 'flac')
    mkdirSync(wavDir)
    mkdirSync(flacDir)
    const wav = await core.call('export.stems', {
      projectId: project.id,
      directory: wavDir,
      format: 'wav',
      bitDepth: 24,
      sampleRate: 48000,
      includeMix: false,
    })
    const flac = await core.call('export.stems', {
      projectId: project.id,
      directory: flacDir,
      format: 'flac',
      bitDepth: 24,
      sampleRate: 48000,
      includeMix: false,
    })
    expect(flac.files).toEqual(['Export test - 01 Keys.flac', 'Export test - stems.json'])
    const decoded = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-i', join(flacDir, flac.files[0]!), '-f', 's32le', '-'],
      { maxBuffer: 1 << 26 },
    )
    const reference = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-i', join(wavDir, wav.files[0]!), '-f', 's32le', '-'],
      { maxBuffer: 1 << 26 },
    )
    expect(decoded.status).toBe(0)
    expect(decoded.stdout.length).toBe((48000 + 100) * 2 * 4)
    expect(decoded.stdout.equals(reference.stdout)).toBe(true)
    const bad = await core.dispatch('export.stems', {
      projectId: project.id,
      directory: flacDir,
      format: 'flac',
      bitDepth: 32,
      sampleRate: 48000,
      overwrite: true,
    })
    expect(bad).toMatchObject({ ok: false, error: { field: 'bitDepth' } })
    core.close()
  })

  it('leaves nothing behind when the folder is missing or not writable', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const { project, track } = await projectWithTrack(core)
    await placeFile(
      core,
      { projectId: project.id, trackId: track.id },
      tone(dir, 'x.wav', 1, 48000, 2),
      { start: 0 },
    )
    const missing = await core.dispatch('export.stems', {
      projectId: project.id,
      directory: join(dir, 'gone'),
      format: 'wav',
      sampleRate: 48000,
    })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', field: 'directory' } })
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked')
      mkdirSync(locked)
      chmodSync(locked, 0o500)
      const refused = await core.dispatch('export.stems', {
        projectId: project.id,
        directory: locked,
        format: 'wav',
        sampleRate: 48000,
      })
      expect(refused).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/permission/) },
      })
      expect(readdirSync(locked)).toEqual([])
    }
    writeFileSync(join(dir, 'file'), 'x')
    const notFolder = await core.dispatch('export.stems', {
      projectId: project.id,
      directory: join(dir, 'file'),
      format: 'wav',
      sampleRate: 48000,
    })
    expect(notFolder).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/not a folder/) },
    })
    core.close()
  })

  it('leaves nothing behind when a write fails midway (file size limit, like a full disk)', async () => {
    const dir = tempDir()
    const out = join(dir, 'out')
    mkdirSync(out)
    const source = tone(dir, 'long.flac', 10, 48000, 2)
    const child = await bundleChild(join(import.meta.dirname, '../children/export-stems.ts'))
    // ulimit -f counts 512-byte blocks in sh: 2000 blocks is about 1 MB, a 10 s stem is 2.9 MB.
    const run = spawnSync(
      'sh',
      [
        '-c',
        'ulimit -f 2000 && exec "$0" "$@"',
        process.execPath,
        child,
        join(dir, 'data'),
        source,
        out,
      ],
      { encoding: 'utf8' },
    )
    expect(run.status, run.stderr).toBe(0)
    const answer = JSON.parse(run.stdout) as {
      ok: boolean
      error?: { code: string; message: string }
    }
    expect(answer.ok).toBe(false)
    expect(answer.error?.message).toMatch(/nothing was exported/)
    expect(readdirSync(out)).toEqual([])
  })

  it('exports a single clip', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    const { project, track } = await projectWithTrack(core)
    const { clip } = await placeFile(
      core,
      { projectId: project.id, trackId: track.id },
      tone(dir, 'solo take.wav', 2, 32000, 2),
      { start: 96000, offset: 48000, length: 24000 },
    )
    const result = await core.call('export.clip', {
      clipId: clip.id,
      directory: dir,
      format: 'wav',
      sampleRate: 48000,
    })
    expect(result.files).toEqual(['Export test - solo take.wav'])
    const decoded = decodeWav(readFileSync(join(dir, result.files[0]!)))
    expect(decoded.audio.channels[0]!.length).toBe(24000)
    core.close()
  })

  it('cancels a running export, leaving nothing, and runs one export per project at a time', async () => {
    const dir = tempDir()
    const core = startCore(join(dir, 'data'))
    try {
      const { project, track } = await projectWithTrack(core)
      const where = { projectId: project.id, trackId: track.id }
      await placeFile(core, where, tone(dir, 'long.wav', 120, 48000, 2), { start: 0 })
      const out = join(dir, 'out')
      mkdirSync(out)
      const request = {
        projectId: project.id,
        directory: out,
        format: 'flac',
        bitDepth: 24,
        sampleRate: 48000,
        includeMix: true,
      } as const
      expect(await core.call('export.cancel', { projectId: project.id })).toEqual({
        canceled: false,
      })

      // Its first progress says the export is under way (it holds the project from its start).
      const started = new Promise<void>((resolve) => {
        const off = core.events.onAny((event) => {
          if (event !== 'export.progress') return
          off()
          resolve()
        })
      })
      const running = core.dispatch('export.stems', request)
      await started
      const second = await core.dispatch('export.stems', { ...request, directory: dir })
      expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } })
      expect(await core.call('export.cancel', { projectId: project.id })).toEqual({
        canceled: true,
      })
      expect(await running).toEqual({
        ok: false,
        error: { code: 'canceled', message: 'the export was canceled: nothing was written' },
      })
      expect(readdirSync(out)).toEqual([])

      // The project is free again: the same export now runs to its end, its progress moving
      // within each file (two files, more steps), up to all the frames of both.
      const progress: number[] = []
      core.events.onAny((event, payload) => {
        if (event !== 'export.progress') return
        const { done, total } = payload as { done: number; total: number }
        progress.push(done / total)
      })
      const done = await core.call('export.stems', request)
      expect(progress.length).toBeGreaterThan(2)
      expect(progress.every((p, i) => i === 0 || p > progress[i - 1]!)).toBe(true)
      expect(progress.at(-1)).toBe(1)
      expect(done.files).toEqual([
        'Export test - 01 Keys.flac',
        'Export test - Mix.flac',
        'Export test - stems.json',
      ])
    } finally {
      core.close()
    }
  })
})
