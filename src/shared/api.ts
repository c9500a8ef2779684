// The contract: every call the renderer may make and every event main sends. The ipcMain binding,
// the preload bridge and the browser-mode WebSocket host are all derived from this file.
import { z } from 'zod'
import {
  EXPORT_BIT_DEPTHS,
  MAX_TAKES,
  MIX_PROTECTIONS,
  PROJECT_SAMPLE_RATES,
  SECRET_ACCOUNTS,
  THEMES,
  type AppInfo,
  type Asset,
  type Clip,
  type DragOutFile,
  type ExportResult,
  type Generation,
  type GenerationEstimate,
  type HistoryState,
  PROVIDERS,
  type PeaksData,
  type ProviderReachability,
  type Project,
  type ProjectDetail,
  type SecretsStatus,
  type Settings,
  type Track,
} from './domain'
import type { LocalModelStatus } from './local-model'
import { MAX_TAKE_PAGE, TAKE_VIEWS, type TakePage, type TakeSummary } from './takes'
import type { Result } from './result'
import { TIMELINE_METHODS } from './timeline-methods'

interface Method<I extends z.ZodType, R> {
  input: I
  /** Phantom: carries the result type; never set at run time. */
  readonly result?: () => R
}

const returns =
  <R>() =>
  <I extends z.ZodType>(input: I): Method<I, R> => ({ input })

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/

const id = z.uuid({ error: 'must be an id' })
const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(120, 'must be at most 120 characters')
  .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters')
const gainDb = z
  .number()
  .finite()
  .min(-60, 'must be at least -60 dB')
  .max(12, 'must be at most +12 dB')
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048, 'is too long')
const secretValue = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(4096, 'is too long')
  .refine((s) => !/\s/.test(s), 'must not contain spaces or line breaks')
const empty = z.strictObject({})
/** Integer samples at the project rate; about 6 hours at 48 kHz at most. */
const samples = z
  .int('must be a whole number of samples')
  .min(0, 'must be 0 or more')
  .max(2 ** 30, 'is too long')
const positiveSamples = samples.min(1, 'must be at least one sample')
const fileName = z.string().trim().min(1, 'must not be empty').max(255, 'is too long')
const directory = z.string().trim().min(1, 'must name a folder').max(4096, 'is too long')
const wavFileName = fileName.refine(
  (s) => /\.wav$/i.test(s) && !/[/\\]/.test(s),
  'must be a file name ending in .wav',
)
/** Base64 alphabet, `=` only as the last one or two characters. */
function isBase64(text: string): boolean {
  // Not one anchored regex: that takes ~0.7 s on a 230 MB string, this ~0.1 s.
  if (/[^A-Za-z0-9+/=]/.test(text)) return false
  const pad = text.indexOf('=')
  return pad < 0 || (pad >= text.length - 2 && text.endsWith('='.repeat(text.length - pad)))
}

// Base64 of the file's bytes, in one message (64 MiB at most in browser mode): for small files.
// Dropped files go by upload instead, whatever their size.
const base64 = z
  .string()
  .min(1, 'must not be empty')
  .max(60_000_000, 'is too large for one message: upload the file instead')
  .refine(isBase64, 'must be base64')
const contextSeconds = z
  .number()
  .min(1, 'must be at least 1 second')
  .max(29, 'must be shorter than the 30 s the model generates')
const exportOptions = {
  format: z.enum(['wav', 'flac']),
  bitDepth: z.literal(EXPORT_BIT_DEPTHS).default(24),
  sampleRate: z.literal(PROJECT_SAMPLE_RATES),
  overwrite: z.boolean().default(false),
  /** Creates the folder (and its parents) when it does not exist yet. */
  createDirectory: z.boolean().default(false),
}

/** One contract call of an undo step: an edit of a track or a clip. */
const historyPatch = z.strictObject({
  method: z.enum(TIMELINE_METHODS),
  // Checked against the method's own schema when the step is applied.
  input: z.record(z.string(), z.unknown()),
  recreates: z.string().min(1).max(200).optional(),
})
const historyCommand = z.strictObject({
  label: z.string().trim().min(1, 'must not be empty').max(120, 'is too long'),
  do: z.array(historyPatch).min(1, 'must change something').max(2000, 'is too large'),
  undo: z.array(historyPatch).max(2000, 'is too large'),
  mergeKey: z.string().max(200).optional(),
})
/** The Generate form as the user left it: provider, model, prompt, every parameter. */
const generateDraft = z
  .record(z.string(), z.unknown())
  .refine((draft) => JSON.stringify(draft).length <= 200_000, 'is too large')

export const methods = {
  'app.info': returns<AppInfo>()(empty),
  /** The native folder picker (Electron); browser mode answers null and the user types a path. */
  'app.chooseDirectory': returns<string | null>()(z.strictObject({ title: name.optional() })),
  /**
   * Electron: starts the OS drag of a WAV (from `assets.dragOut`) out of the window, during the
   * renderer's dragstart. Browser mode answers `started: false`; the page uses `DownloadURL`.
   */
  'app.startDrag': returns<{ started: boolean }>()(
    z.strictObject({ assetId: id, fileName: wavFileName }),
  ),

  'projects.list': returns<Project[]>()(empty),
  'projects.create': returns<Project>()(
    z.strictObject({ name, sampleRate: z.literal(PROJECT_SAMPLE_RATES).optional() }),
  ),
  'projects.get': returns<ProjectDetail>()(z.strictObject({ projectId: id })),
  'projects.rename': returns<Project>()(z.strictObject({ projectId: id, name })),
  /** Tempo and meter: null clears them (the ruler then shows seconds). */
  'projects.setTempo': returns<Project>()(
    z.strictObject({
      projectId: id,
      tempoBpm: z
        .number()
        .min(20, 'must be at least 20 bpm')
        .max(400, 'must be at most 400 bpm')
        .nullable(),
      timeSignature: z
        .tuple([
          z.int().min(1, 'must be 1 or more').max(32, 'must be at most 32'),
          z
            .int()
            .refine((n) => [1, 2, 4, 8, 16, 32].includes(n), 'must be a power of two up to 32'),
        ])
        .nullable()
        .default(null),
    }),
  ),
  /** The master bus's gain; a change is one undo step (through timeline.edit). */
  'projects.setMasterGain': returns<Project>()(
    z.strictObject({ projectId: id, masterGainDb: gainDb }),
  ),
  'projects.delete': returns<null>()(z.strictObject({ projectId: id })),

  'tracks.create': returns<Track>()(z.strictObject({ projectId: id, name: name.optional() })),
  'tracks.update': returns<Track>()(
    z.strictObject({
      trackId: id,
      name: name.optional(),
      gainDb: gainDb.optional(),
      mute: z.boolean().optional(),
      solo: z.boolean().optional(),
      position: z.int().min(0, 'must be 0 or more').max(10_000).optional(),
    }),
  ),
  'tracks.delete': returns<null>()(z.strictObject({ trackId: id })),

  'assets.import': returns<Asset>()(
    z.union([
      z.strictObject({ projectId: id, name: fileName, data: base64 }),
      z.strictObject({ projectId: id, path: z.string().min(1, 'must not be empty').max(4096) }),
      /** Browser mode: a file sent before by HTTP upload (see docs/security.md), by its id. */
      z.strictObject({
        projectId: id,
        name: fileName,
        upload: id,
        size: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
      }),
    ]),
  ),
  /**
   * Where the renderer fetches an asset's audio: the app's media protocol in Electron; in browser
   * mode a short-lived, read-only URL for this asset alone.
   */
  'assets.mediaUrl': returns<{ url: string }>()(z.strictObject({ assetId: id })),
  'assets.list': returns<Asset[]>()(z.strictObject({ projectId: id })),
  /** A WAV of a take's asset or of a clip (gain and fades applied) to drag out of the window. */
  'assets.dragOut': returns<DragOutFile>()(
    z.union([z.strictObject({ assetId: id }), z.strictObject({ clipId: id })]),
  ),
  'assets.peaks': returns<PeaksData>()(
    z.strictObject({
      assetId: id,
      framesPerPeak: z
        .int()
        .min(16, 'must be at least 16')
        .max(1 << 20, 'is too large'),
    }),
  ),

  'clips.create': returns<Clip>()(
    z.strictObject({
      trackId: id,
      assetId: id,
      start: samples,
      offset: samples.optional(),
      length: positiveSamples.optional(),
      gainDb: gainDb.optional(),
      fadeIn: samples.optional(),
      fadeOut: samples.optional(),
    }),
  ),
  'clips.update': returns<Clip>()(
    z.strictObject({
      clipId: id,
      trackId: id.optional(),
      start: samples.optional(),
      offset: samples.optional(),
      length: positiveSamples.optional(),
      gainDb: gainDb.optional(),
      fadeIn: samples.optional(),
      fadeOut: samples.optional(),
    }),
  ),
  'clips.delete': returns<null>()(z.strictObject({ clipId: id })),

  /**
   * Applies one undo step of the timeline (its creates name temporary ids in `recreates`) and
   * records it in the project's history; answers the id each temporary id became.
   */
  'timeline.edit': returns<{ ids: Record<string, string> }>()(
    z.strictObject({ projectId: id, command: historyCommand }),
  ),
  'timeline.undo': returns<HistoryState>()(z.strictObject({ projectId: id })),
  'timeline.redo': returns<HistoryState>()(z.strictObject({ projectId: id })),
  'timeline.history': returns<HistoryState>()(z.strictObject({ projectId: id })),

  /** The Generate form's draft of a project (null before the first save). */
  'drafts.get': returns<Record<string, unknown> | null>()(z.strictObject({ projectId: id })),
  'drafts.set': returns<null>()(z.strictObject({ projectId: id, draft: generateDraft })),

  'export.stems': returns<ExportResult>()(
    z.strictObject({
      projectId: id,
      directory,
      includeMix: z.boolean().default(true),
      /** The mix's true-peak protection (see MixProtection); stems are never touched. */
      protection: z.enum(MIX_PROTECTIONS).default('limiter'),
      ...exportOptions,
    }),
  ),
  'export.clip': returns<ExportResult>()(
    z.strictObject({ clipId: id, directory, ...exportOptions }),
  ),
  /** Stops the project's running export (stems or clip): it then fails with `canceled`. */
  'export.cancel': returns<{ canceled: boolean }>()(z.strictObject({ projectId: id })),

  'generations.create': returns<Generation[]>()(
    z.strictObject({
      projectId: id,
      provider: z.enum(PROVIDERS),
      // Checked field by field by `validate` in src/shared/musicgen.ts (the UI uses the same).
      params: z.record(z.string(), z.unknown()),
      trackId: id.optional(),
      takes: z
        .int()
        .min(1, 'must be at least 1')
        .max(MAX_TAKES, `must be at most ${MAX_TAKES}`)
        .default(1),
    }),
  ),
  'generations.continue': returns<Generation[]>()(
    z.strictObject({
      clipId: id,
      provider: z.enum(PROVIDERS),
      contextSeconds: contextSeconds,
      // duration and the rest; input_audio and continuation are set from the clip.
      params: z.record(z.string(), z.unknown()),
      takes: z
        .int()
        .min(1, 'must be at least 1')
        .max(MAX_TAKES, `must be at most ${MAX_TAKES}`)
        .default(1),
    }),
  ),
  'chains.extend': returns<Generation[]>()(
    z.strictObject({
      clipId: id,
      provider: z.enum(PROVIDERS).default('replicate'),
      contextSeconds: contextSeconds.default(10),
      segments: z
        .array(z.record(z.string(), z.unknown()), 'must be a list of segments')
        .min(1, 'must have at least one segment')
        .max(16, 'must have at most 16 segments'),
    }),
  ),
  /** Same parameters (and place in a chain), a new seed. */
  'generations.reroll': returns<Generation[]>()(z.strictObject({ generationId: id })),
  /** Puts this take of a continuation on the timeline; later segments follow it. */
  'chains.pick': returns<Generation[]>()(z.strictObject({ generationId: id })),
  'generations.get': returns<Generation>()(z.strictObject({ generationId: id })),
  /**
   * A page of the project's takes, newest first, filtered, with the number of all that match.
   * The next page starts after the `next` cursor of this one.
   */
  'generations.list': returns<TakePage>()(
    z.strictObject({
      projectId: id,
      view: z.enum(TAKE_VIEWS).default('all'),
      /** Only takes of this prompt (the empty prompt included); absent or null for all. */
      prompt: z.string().max(10_000, 'is too long').nullable().default(null),
      after: z
        .strictObject({ createdAt: z.int().min(0), id: z.string().min(1).max(64) })
        .nullable()
        .default(null),
      limit: z
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(MAX_TAKE_PAGE, `must be at most ${MAX_TAKE_PAGE}`)
        .default(100),
    }),
  ),
  /** The take whose output is this asset (the newest, if several), or null. */
  'generations.ofAsset': returns<Generation | null>()(z.strictObject({ assetId: id })),
  'generations.cancel': returns<Generation>()(z.strictObject({ generationId: id })),
  'generations.retry': returns<Generation>()(z.strictObject({ generationId: id })),
  'generations.delete': returns<null>()(z.strictObject({ generationId: id })),
  /** The prompts of a project's takes, each once, most recently used first. */
  'takes.prompts': returns<string[]>()(z.strictObject({ projectId: id })),
  /** The takes of a project the musician starred. */
  'takes.starred': returns<string[]>()(z.strictObject({ projectId: id })),
  'takes.star': returns<{ generationId: string; starred: boolean }>()(
    z.strictObject({ generationId: id, starred: z.boolean() }),
  ),
  'generations.estimate': returns<GenerationEstimate>()(
    z.strictObject({ provider: z.enum(PROVIDERS), params: z.record(z.string(), z.unknown()) }),
  ),

  /** Asks each provider's address whether it answers (no key is sent). */
  'providers.status': returns<ProviderReachability[]>()(empty),

  'settings.get': returns<Settings>()(empty),
  'settings.set': returns<Settings>()(
    z.strictObject({
      replicateBaseUrl: httpUrl.optional(),
      scenarioBaseUrl: httpUrl.optional(),
      cogBaseUrl: httpUrl.optional(),
      modelHubUrl: httpUrl.optional(),
      theme: z.enum(THEMES).optional(),
    }),
  ),

  /** The local model: what it is (licence, size), whether it is installed or downloading. */
  'localModel.status': returns<LocalModelStatus>()(empty),
  /** Starts the download (or joins the one under way); progress comes as localModel.changed. */
  'localModel.download': returns<LocalModelStatus>()(empty),
  'localModel.cancel': returns<LocalModelStatus>()(empty),
  'localModel.delete': returns<LocalModelStatus>()(empty),

  'secrets.status': returns<SecretsStatus>()(empty),
  'secrets.set': returns<SecretsStatus>()(
    z.strictObject({ account: z.enum(SECRET_ACCOUNTS), value: secretValue }),
  ),
  'secrets.clear': returns<SecretsStatus>()(z.strictObject({ account: z.enum(SECRET_ACCOUNTS) })),
  /** Asks the provider again whether it accepts its keys (after being offline, or env keys). */
  'secrets.check': returns<SecretsStatus>()(z.strictObject({ provider: z.enum(PROVIDERS) })),
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>
export type MethodResult<M extends MethodName> = ReturnType<NonNullable<Methods[M]['result']>>

export interface Events {
  'projects.changed': { projectId: string | null }
  'export.progress': { projectId: string; done: number; total: number }
  'generation.updated': Generation
  /** The same change as `generation.updated`, as the takes list shows it. */
  'take.changed': { projectId: string; take: TakeSummary }
  /** A provider's reachability changed (a refused connection, or it answers again). */
  'providers.changed': ProviderReachability
  'settings.changed': Settings
  'secrets.changed': SecretsStatus
  'localModel.changed': LocalModelStatus
}
export type EventName = keyof Events

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(methods, value)
}

/** What `window.sketch` offers in Electron and the WebSocket client offers in a browser. */
export interface SketchApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodResult<M>>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
  /** Electron only: the path of a dropped file (webUtils.getPathForFile). */
  pathForFile?(file: File): string
  /**
   * Browser mode only: sends a dropped file to the host in chunks (resuming after a broken
   * connection) and gives its upload id for `assets.import`. `progress` gets the fraction sent.
   */
  upload?(file: File, progress?: (fraction: number) => void): Promise<Result<string>>
}

/** The main-side implementation of every method, fed already-validated input. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>) => MethodResult<M> | Promise<MethodResult<M>>
}
