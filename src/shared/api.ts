// The contract: every call the renderer may make and every event main sends. The ipcMain binding,
// the preload bridge and the browser-mode WebSocket host are all derived from this file.
import { z } from 'zod'
import {
  PROJECT_SAMPLE_RATES,
  SECRET_ACCOUNTS,
  THEMES,
  type AppInfo,
  type Project,
  type ProjectDetail,
  type SecretsStatus,
  type Settings,
  type Track,
} from './domain'
import type { Result } from './result'

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

export const methods = {
  'app.info': returns<AppInfo>()(empty),

  'projects.list': returns<Project[]>()(empty),
  'projects.create': returns<Project>()(
    z.strictObject({ name, sampleRate: z.literal(PROJECT_SAMPLE_RATES).optional() }),
  ),
  'projects.get': returns<ProjectDetail>()(z.strictObject({ projectId: id })),
  'projects.rename': returns<Project>()(z.strictObject({ projectId: id, name })),
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

  'settings.get': returns<Settings>()(empty),
  'settings.set': returns<Settings>()(
    z.strictObject({
      replicateBaseUrl: httpUrl.optional(),
      scenarioBaseUrl: httpUrl.optional(),
      cogBaseUrl: httpUrl.optional(),
      theme: z.enum(THEMES).optional(),
    }),
  ),

  'secrets.status': returns<SecretsStatus>()(empty),
  'secrets.set': returns<SecretsStatus>()(
    z.strictObject({ account: z.enum(SECRET_ACCOUNTS), value: secretValue }),
  ),
  'secrets.clear': returns<SecretsStatus>()(z.strictObject({ account: z.enum(SECRET_ACCOUNTS) })),
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>
export type MethodResult<M extends MethodName> = ReturnType<NonNullable<Methods[M]['result']>>

export interface Events {
  'projects.changed': { projectId: string | null }
  'settings.changed': Settings
  'secrets.changed': SecretsStatus
}
export type EventName = keyof Events
export const EVENT_NAMES = [
  'projects.changed',
  'settings.changed',
  'secrets.changed',
] as const satisfies readonly EventName[]

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(methods, value)
}

/** What `window.sketch` offers in Electron and the WebSocket client offers in a browser. */
export interface SketchApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodResult<M>>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}

/** The main-side implementation of every method, fed already-validated input. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>) => MethodResult<M> | Promise<MethodResult<M>>
}
