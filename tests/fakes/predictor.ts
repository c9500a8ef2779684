// The MusicGen predictor as the fakes run it, written from replicate/cog-musicgen predict.py (the
// Input(...) declarations and the ValueErrors of predict()) and audiocraft's MusicGen
// (`Prompt is longer than audio to generate`). Replicate and Cog run this very predictor;
// Scenario runs it behind its camelCase API. Messages are the predictor's own.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeWav } from './common'

export const PREDICTOR_MODELS = ['stereo-melody-large', 'stereo-large', 'melody-large', 'large']
export const NORMALIZATION_STRATEGIES = ['loudness', 'clip', 'peak', 'rms']
export const OUTPUT_FORMATS = ['wav', 'mp3']
/** audiocraft's MusicGen max_duration: longer takes are generated in windows. */
const MAX_DURATION = 30

export interface SchemaProblem {
  field: string
  kind: 'integer' | 'number' | 'boolean' | 'string' | 'ge' | 'choice'
  /** Replicate's (JSON Schema) wording. */
  message: string
  /** The values an enum field takes (kind 'choice'). */
  allowed?: readonly string[]
}

/** The Input(...) declarations of predict.py: types, enums (choices) and ge=0. */
export function predictorSchemaProblems(input: Record<string, unknown>): SchemaProblem[] {
  const out: SchemaProblem[] = []
  const int = (k: string, ge?: number): void => {
    const v = input[k]
    if (v === undefined || v === null) return
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      out.push({ field: k, kind: 'integer', message: 'Invalid type. Expected: integer' })
    } else if (ge !== undefined && v < ge) {
      out.push({ field: k, kind: 'ge', message: `Must be greater than or equal to ${ge}` })
    }
  }
  const num = (k: string): void => {
    const v = input[k]
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      out.push({ field: k, kind: 'number', message: 'Invalid type. Expected: number' })
    }
  }
  const bool = (k: string): void => {
    const v = input[k]
    if (v !== undefined && typeof v !== 'boolean') {
      out.push({ field: k, kind: 'boolean', message: 'Invalid type. Expected: boolean' })
    }
  }
  const choice = (k: string, allowed: string[]): void => {
    const v = input[k]
    if (v !== undefined && (typeof v !== 'string' || !allowed.includes(v))) {
      out.push({
        field: k,
        kind: 'choice',
        allowed,
        message: `${k} must be one of the following: ${allowed.map((a) => `"${a}"`).join(', ')}`,
      })
    }
  }
  int('duration')
  int('continuation_start', 0)
  int('continuation_end', 0)
  int('top_k')
  int('classifier_free_guidance')
  int('seed')
  num('top_p')
  num('temperature')
  bool('continuation')
  bool('multi_band_diffusion')
  choice('model_version', PREDICTOR_MODELS)
  choice('normalization_strategy', NORMALIZATION_STRATEGIES)
  choice('output_format', OUTPUT_FORMATS)
  const prompt = input.prompt
  if (prompt !== undefined && prompt !== null && typeof prompt !== 'string') {
    out.push({ field: 'prompt', kind: 'string', message: 'Invalid type. Expected: string' })
  }
  return out
}

/** Seconds of an audio file as torchaudio.load would read it; null when it is not audio. */
export function audioSeconds(bytes: Buffer): number | null {
  const wav = wavSeconds(bytes)
  if (wav !== null) return wav
  // Anything else (MP3, FLAC, OGG): ask ffprobe, as torchaudio's ffmpeg backend would read it.
  const dir = mkdtempSync(join(tmpdir(), 'fake-audio-'))
  try {
    const file = join(dir, 'in')
    writeFileSync(file, bytes)
    const r = spawnSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
      { encoding: 'utf8' },
    )
    const seconds = Number(r.stdout.trim())
    return r.status === 0 && Number.isFinite(seconds) && seconds > 0 ? seconds : null
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function wavSeconds(b: Buffer): number | null {
  if (
    b.length < 12 ||
    b.toString('ascii', 0, 4) !== 'RIFF' ||
    b.toString('ascii', 8, 12) !== 'WAVE'
  )
    return null
  let at = 12
  let byteRate = 0
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4)
    const size = b.readUInt32LE(at + 4)
    if (id === 'fmt ' && at + 20 <= b.length) byteRate = b.readUInt32LE(at + 16)
    if (id === 'data') {
      if (byteRate === 0) return null
      return Math.min(size, b.length - at - 8) / byteRate
    }
    at += 8 + size + (size % 2)
  }
  return null
}

export interface PredictorInput {
  model_version?: unknown
  prompt?: unknown
  /** The input audio's length when given; null: given but not readable as audio. */
  audioSeconds: number | null | undefined
  duration?: unknown
  continuation?: unknown
  continuation_start?: unknown
  continuation_end?: unknown
  multi_band_diffusion?: unknown
}

/** The error predict() raises for this input, or null when it runs. */
export function predictorFailure(input: PredictorInput): string | null {
  const model =
    typeof input.model_version === 'string' ? input.model_version : 'stereo-melody-large'
  const hasPrompt = typeof input.prompt === 'string'
  const hasAudio = input.audioSeconds !== undefined
  const continuation = input.continuation === true
  if (!hasPrompt && !hasAudio) return 'Must provide either prompt or input_audio'
  if (continuation && !hasAudio) return 'Must provide `input_audio` if continuation is `True`.'
  if ((model === 'stereo-large' || model === 'large') && hasAudio && !continuation) {
    return "`stereo-large` and `large` model does not support melody input. Set `model_version='stereo-melody-large'` or `model_version='melody-large'` to condition on audio input."
  }
  if (model.includes('stereo') && input.multi_band_diffusion === true) {
    return 'Multi-Band Diffusion is only available with non-stereo models.'
  }
  if (!hasAudio) return null
  if (input.audioSeconds === null) {
    return 'Error opening input audio: Format not recognised.'
  }
  const seconds = input.audioSeconds ?? 0
  const start = typeof input.continuation_start === 'number' ? input.continuation_start : 0
  const end =
    typeof input.continuation_end === 'number' && input.continuation_end !== -1
      ? input.continuation_end
      : seconds
  if (start > end) return '`continuation_start` must be less than or equal to `continuation_end`'
  if (continuation) {
    // audiocraft: the prompt's tokens may not exceed min(duration, max_duration) of tokens.
    const duration = typeof input.duration === 'number' ? input.duration : 8
    const slice = Math.max(0, Math.min(end, seconds) - start)
    if (Math.round(slice * 50) > Math.round(Math.min(duration, MAX_DURATION) * 50)) {
      return 'Prompt is longer than audio to generate'
    }
  }
  return null
}

const mp3Cache = new Map<string, Buffer>()

/** Real MP3 bytes (ffmpeg, as predict.py converts): what output_format mp3 returns. */
export function makeMp3(seconds: number, channels: number): Buffer {
  const key = `${seconds}/${channels}`
  const cached = mp3Cache.get(key)
  if (cached !== undefined) return cached
  const dir = mkdtempSync(join(tmpdir(), 'fake-mp3-'))
  try {
    const wav = join(dir, 'out.wav')
    const mp3 = join(dir, 'out.mp3')
    writeFileSync(wav, makeWav(seconds, channels))
    const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', wav, mp3], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`)
    const bytes = readFileSync(mp3)
    mp3Cache.set(key, bytes)
    return bytes
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
