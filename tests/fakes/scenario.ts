// A loopback Scenario (providers.md §3, seed 000): Basic auth, varying error shapes, jobs that move
// one step per poll or tick() and fail (billed) as the model behind them does, the /v1/uploads
// flow with kind, fileSize and part ETags checked and only MP3/WAV/OGG/M4A imported, assets
// behind signed URLs that expire and redirect.
import { type IncomingMessage, type ServerResponse } from 'node:http'
import {
  DownloadFaults,
  FakeClock,
  Faults,
  applyEarlyFault,
  applyLateFault,
  isStereoModel,
  listen,
  makeWav,
  outputSeconds,
  randomSeed,
  readBody,
  readJson,
  sendJson,
  serveBytes,
  text,
} from './common'
import { audioSeconds, predictorFailure } from './predictor'

export interface ScenarioFakeOptions {
  apiKey?: string
  apiSecret?: string
  /** Each GET of a job moves it one step (default true). */
  advanceOnPoll?: boolean
  maxOutputSeconds?: number
  /** How long a signed asset URL lives on the fake clock. */
  signedUrlTtlMs?: number
  /** The word for a failed job: the docs say `failure`, prose says `failed`. */
  failureWord?: 'failure' | 'failed'
  /** Cancel works (default false: a custom job answers 400, as providers.md expects). */
  cancelSupported?: boolean
  /** Creative units a take costs. */
  cuCost?: number
  /** 402 on generate: not enough creative units. */
  outOfCredits?: boolean
  clock?: FakeClock
}

const STEPS = [
  'pending',
  'queued',
  'warming-up',
  'in-progress',
  'in-progress',
  'finalizing',
] as const

export interface FakeJob {
  jobId: string
  status: string
  step: number
  input: Record<string, unknown>
  seed: number
  failWith: string | null
  assetId: string | null
  progress: number
  createdAt: number
}

export interface FakeUpload {
  id: string
  fileName: string
  contentType: string
  /** Announced at create; the part must have exactly this many bytes. */
  fileSize: number
  status: 'pending' | 'validating' | 'imported' | 'failed'
  bytes: Buffer | null
  entityId: string | null
  errorMessage: string | null
}

export interface ScenarioFakeState {
  readonly clock: FakeClock
  readonly faults: Faults
  readonly downloads: DownloadFaults
  readonly jobs: Map<string, FakeJob>
  readonly uploads: Map<string, FakeUpload>
  readonly assets: Map<string, { bytes: Buffer; mime: string; channels: number; seconds: number }>
  /** Jobs created (paid), dry runs excluded. */
  created: number
  dryRuns: number
  readonly requests: string[]
  failNextJobWith: string | null
  tick(n?: number): void
}

export interface ScenarioFake {
  url: string
  state: ScenarioFakeState
  close(): Promise<void>
  /** Refuses connections (the service is down) until up(), keeping its state. */
  down(): Promise<void>
  up(): Promise<void>
}

const ALLOWED = new Set([
  'modelVersion',
  'prompt',
  'inputAudio',
  'duration',
  'continuation',
  'continuationStart',
  'continuationEnd',
  'multiBandDiffusion',
  'normalizationStrategy',
  'temperature',
  'classifierFreeGuidance',
  'seed',
])
const MODELS = ['stereo-melody-large', 'stereo-large', 'melody-large', 'large']
const AUDIO_TYPES = ['audio/mpeg', 'audio/wav', 'audio/ogg', 'audio/m4a']

export async function startScenarioFake(options: ScenarioFakeOptions = {}): Promise<ScenarioFake> {
  const key = options.apiKey ?? 'key_test'
  const secret = options.apiSecret ?? 'secret_test'
  const expected = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`
  const advanceOnPoll = options.advanceOnPoll ?? true
  const maxSeconds = options.maxOutputSeconds ?? 0.25
  const urlTtl = options.signedUrlTtlMs ?? 24 * 60 * 60 * 1000
  const failureWord = options.failureWord ?? 'failure'
  const clock = options.clock ?? new FakeClock()
  let baseUrl = ''
  let nextId = 1
  const newId = (prefix: string): string => `${prefix}_${String(nextId++).padStart(4, '0')}`

  const state: ScenarioFakeState = {
    clock,
    faults: new Faults(),
    downloads: new DownloadFaults(),
    jobs: new Map(),
    uploads: new Map(),
    assets: new Map(),
    created: 0,
    dryRuns: 0,
    requests: [],
    failNextJobWith: null,
    tick(n = 1) {
      for (const j of state.jobs.values()) for (let i = 0; i < n; i++) advance(j)
    },
  }

  function advance(j: FakeJob): void {
    if (!(STEPS as readonly string[]).includes(j.status)) return
    j.step++
    if (j.step < STEPS.length) {
      j.status = STEPS[j.step] ?? 'in-progress'
      j.progress = j.status === 'in-progress' ? Math.min(0.9, (j.step - 2) * 0.35) : j.progress
      return
    }
    if (j.failWith !== null) {
      j.status = failureWord
      return
    }
    const channels = isStereoModel(j.input.modelVersion ?? 'stereo-melody-large') ? 2 : 1
    const seconds = outputSeconds(j.input.duration, maxSeconds)
    const assetId = newId('asset')
    state.assets.set(assetId, {
      bytes: makeWav(seconds, channels),
      mime: 'audio/wav',
      channels,
      seconds,
    })
    j.assetId = assetId
    j.status = 'success'
    j.progress = 1
  }

  function view(j: FakeJob): Record<string, unknown> {
    return {
      job: {
        jobId: j.jobId,
        jobType: 'custom',
        status: j.status,
        progress: j.progress,
        createdAt: new Date(j.createdAt).toISOString(),
        statusHistory: [{ status: j.status, date: clock.iso() }],
        metadata: {
          assetIds: j.assetId === null ? [] : [j.assetId],
          input: { ...j.input, seed: j.seed },
          ...(j.status === failureWord
            ? { error: j.failWith, hint: 'Try again with a shorter duration' }
            : {}),
        },
        billing: { cuCost: options.cuCost ?? 5 },
      },
    }
  }

  /**
   * Why the model behind the job fails (billed all the same): inputAudio with a model that is not
   * a melody model (seed 000), guidance that is not an integer, or predict.py's own errors.
   */
  function jobFailure(body: Record<string, unknown>): string | null {
    const model = text(body.modelVersion, 'stereo-melody-large')
    const audio =
      typeof body.inputAudio === 'string' ? state.assets.get(body.inputAudio) : undefined
    if (audio !== undefined && !model.includes('melody')) {
      return 'inputAudio only works with Melody Large and Stereo Melody Large models'
    }
    const cfg = body.classifierFreeGuidance
    if (typeof cfg === 'number' && !Number.isInteger(cfg)) {
      return 'classifier_free_guidance: value is not a valid integer'
    }
    return predictorFailure({
      model_version: model,
      prompt: body.prompt,
      audioSeconds: audio === undefined ? undefined : audio.seconds,
      duration: body.duration,
      continuation: body.continuation,
      continuation_start: body.continuationStart,
      continuation_end: body.continuationEnd,
      multi_band_diffusion: body.multiBandDiffusion,
    })
  }

  function validation(body: Record<string, unknown>): string | null {
    for (const k of Object.keys(body)) {
      if (!ALLOWED.has(k)) return `"${k}" is not allowed`
    }
    if (body.modelVersion !== undefined && !MODELS.includes(text(body.modelVersion))) {
      return `"modelVersion" must be one of [${MODELS.join(', ')}]`
    }
    const d = body.duration
    if (d !== undefined && (typeof d !== 'number' || d < 1 || d > 30)) {
      return '"duration" must be between 1 and 30'
    }
    const cfg = body.classifierFreeGuidance
    if (cfg !== undefined && (typeof cfg !== 'number' || cfg < 0 || cfg > 10)) {
      return '"classifierFreeGuidance" must be between 0 and 10'
    }
    return null
  }

  async function generate(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const raw = await readJson(req)
    if (typeof raw !== 'object' || raw === null) {
      sendJson(res, 400, { status: 400, code: 'invalid_body', message: 'Body must be JSON' })
      return
    }
    const body = raw as Record<string, unknown>
    const problem = validation(body)
    if (problem !== null) {
      sendJson(res, 400, {
        status: 400,
        code: 'invalid_parameters',
        message: problem,
        hint: 'See the model parameters at /models/model_meta-musicgen',
      })
      return
    }
    const dry = url.searchParams.get('dryRun') === 'true'
    if (!dry && typeof body.inputAudio === 'string' && !state.assets.has(body.inputAudio)) {
      sendJson(res, 404, { name: 'NotFoundError', message: `Asset ${body.inputAudio} not found` })
      return
    }
    const cost = options.cuCost ?? 5
    if (options.outOfCredits === true) {
      sendJson(res, 402, {
        status: 402,
        code: 'not_enough_creative_units',
        message: `This generation needs ${cost} creative units`,
        hint: 'Buy more creative units in the team settings',
      })
      return
    }
    if (dry) {
      state.dryRuns++
      sendJson(res, 200, { creativeUnitsCost: cost })
      return
    }
    const job: FakeJob = {
      jobId: newId('job'),
      status: 'pending',
      step: 0,
      input: body,
      seed: typeof body.seed === 'number' && body.seed > 0 ? body.seed : randomSeed(),
      failWith: state.failNextJobWith ?? jobFailure(body),
      assetId: null,
      progress: 0,
      createdAt: clock.now,
    }
    state.jobs.set(job.jobId, job)
    state.created++
    if (applyLateFault(state.faults.take('POST', url.pathname, 'late'), res)) return
    sendJson(res, 200, { ...view(job), creativeUnitsCost: cost })
  }

  async function uploads(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<boolean> {
    const method = req.method ?? 'GET'
    if (method === 'POST' && path === '/v1/uploads') {
      const b = (await readJson(req)) as Record<string, unknown> | null
      const contentType = text(b?.contentType)
      const fileSize = b?.fileSize
      if (b?.kind !== 'audio' || typeof fileSize !== 'number' || !Number.isInteger(fileSize)) {
        sendJson(res, 400, {
          status: 400,
          code: 'invalid_parameters',
          message: '"kind" must be "audio" and "fileSize" a whole number of bytes',
        })
        return true
      }
      const up: FakeUpload = {
        id: newId('upload'),
        fileName: text(b?.fileName, 'file'),
        contentType,
        fileSize,
        status: 'pending',
        bytes: null,
        entityId: null,
        errorMessage: null,
      }
      state.uploads.set(up.id, up)
      sendJson(res, 200, {
        upload: {
          id: up.id,
          status: up.status,
          parts: [{ number: 1, url: `${baseUrl}/s3/${up.id}/1` }],
        },
      })
      return true
    }
    const action = /^\/v1\/uploads\/([^/]+)\/action$/.exec(path)
    if (method === 'POST' && action !== null) {
      const up = state.uploads.get(action[1] ?? '')
      const b = (await readJson(req)) as Record<string, unknown> | null
      if (up === undefined || b?.action !== 'complete') {
        sendJson(res, 400, { reason: 'Unknown upload or action' })
        return true
      }
      // S3 multipart: every part listed with the ETag its PUT answered.
      const parts = Array.isArray(b.parts) ? (b.parts as Record<string, unknown>[]) : []
      const etag = `"etag-${up.id}"`
      if (up.bytes === null || parts.length !== 1 || parts[0]?.etag !== etag) {
        sendJson(res, 400, {
          status: 400,
          code: 'invalid_parts',
          message: 'Every uploaded part must be listed with its ETag',
        })
        return true
      }
      if (up.bytes.length !== up.fileSize) {
        sendJson(res, 400, {
          status: 400,
          code: 'invalid_size',
          message: `The upload has ${up.bytes.length} bytes, not the ${up.fileSize} announced`,
        })
        return true
      }
      up.status = 'validating'
      sendJson(res, 200, { upload: { id: up.id, status: up.status } })
      return true
    }
    const get = /^\/v1\/uploads\/([^/]+)$/.exec(path)
    if (method === 'GET' && get !== null) {
      const up = state.uploads.get(get[1] ?? '')
      if (up === undefined) {
        sendJson(res, 404, { name: 'NotFoundError', message: 'Upload not found' })
        return true
      }
      if (up.status === 'validating') {
        if (!AUDIO_TYPES.includes(up.contentType) || up.bytes === null) {
          up.status = 'failed'
          up.errorMessage = `Unsupported content type ${up.contentType}`
        } else {
          const seconds = audioSeconds(up.bytes)
          if (seconds === null) {
            up.status = 'failed'
            up.errorMessage = 'The file is not readable audio'
          } else {
            up.status = 'imported'
            up.entityId = newId('asset')
            state.assets.set(up.entityId, {
              bytes: up.bytes,
              mime: up.contentType,
              channels: 0,
              seconds,
            })
          }
        }
      } else if (up.status === 'pending') {
        // Not completed yet: stays pending.
      }
      sendJson(res, 200, {
        upload: {
          id: up.id,
          status: up.status,
          entityId: up.entityId,
          errorMessage: up.errorMessage,
        },
      })
      return true
    }
    return false
  }

  const server = await listen(async (req, res, url) => {
    const method = req.method ?? 'GET'
    const path = url.pathname
    state.requests.push(`${method} ${path}`)

    // Presigned part upload: no Basic auth.
    const part = /^\/s3\/([^/]+)\/1$/.exec(path)
    if (part !== null && method === 'PUT') {
      const up = state.uploads.get(part[1] ?? '')
      const bytes = await readBody(req)
      if (up === undefined) {
        res.writeHead(404).end()
        return
      }
      up.bytes = bytes
      res.writeHead(200, { etag: `"etag-${up.id}"` }).end()
      return
    }
    // Signed CDN URL: redirects to the blob, checked against the fake clock.
    const cdn = /^\/cdn\/([^/]+)$/.exec(path)
    if (cdn !== null) {
      const expires = Number(url.searchParams.get('expires') ?? '0')
      if (clock.now > expires || url.searchParams.get('sig') !== 'ok') {
        res
          .writeHead(403, { 'content-type': 'application/xml' })
          .end('<Error>Request has expired</Error>')
        return
      }
      res
        .writeHead(302, { location: `${baseUrl}/blob/${cdn[1] ?? ''}?expires=${expires}&sig=ok` })
        .end()
      return
    }
    const blob = /^\/blob\/([^/]+)$/.exec(path)
    if (blob !== null) {
      const a = state.assets.get(blob[1] ?? '')
      if (a === undefined || clock.now > Number(url.searchParams.get('expires') ?? '0')) {
        res.writeHead(403).end('expired')
        return
      }
      serveBytes(req, res, a.bytes, a.mime, state.downloads)
      return
    }

    if (req.headers.authorization !== expected) {
      sendJson(res, 401, { name: 'UnauthorizedError', message: 'Invalid API key or secret' })
      return
    }
    const fault = state.faults.take(method, path)
    if (fault?.kind === 'status' && fault.status === 429 && fault.body === undefined) {
      sendJson(
        res,
        429,
        { reason: 'Too many requests: 100 requests per minute per project' },
        fault.headers ?? {},
      )
      return
    }
    if (applyEarlyFault(fault, res)) return

    if (method === 'POST' && path === '/v1/generate/custom/model_meta-musicgen') {
      await generate(req, res, url)
      return
    }
    if (method === 'GET' && path === '/v1/models/model_meta-musicgen') {
      sendJson(res, 200, {
        model: { id: 'model_meta-musicgen', name: 'Meta MusicGen', capabilities: ['txt2audio'] },
      })
      return
    }
    if (await uploads(req, res, path)) return
    const jobAction = /^\/v1\/jobs\/([^/]+)\/action$/.exec(path)
    if (jobAction !== null && method === 'POST') {
      const j = state.jobs.get(jobAction[1] ?? '')
      await readBody(req)
      if (j === undefined) {
        sendJson(res, 404, { name: 'NotFoundError', message: 'Job not found' })
      } else if (options.cancelSupported !== true) {
        sendJson(res, 400, {
          status: 400,
          code: 'unsupported_action',
          message: 'Cancel is only available for inference jobs',
        })
      } else {
        j.status = 'canceled'
        sendJson(res, 200, view(j))
      }
      return
    }
    const job = /^\/v1\/jobs\/([^/]+)$/.exec(path)
    if (job !== null && method === 'GET') {
      const j = state.jobs.get(job[1] ?? '')
      if (j === undefined) {
        sendJson(res, 404, { name: 'NotFoundError', message: 'Job not found' })
        return
      }
      if (advanceOnPoll) advance(j)
      sendJson(res, 200, view(j))
      return
    }
    const asset = /^\/v1\/assets\/([^/]+)$/.exec(path)
    if (asset !== null && method === 'GET') {
      const id = asset[1] ?? ''
      const a = state.assets.get(id)
      if (a === undefined) {
        sendJson(res, 404, { detail: `Asset ${id} not found` })
        return
      }
      sendJson(res, 200, {
        asset: {
          id,
          url: `${baseUrl}/cdn/${id}?expires=${clock.now + urlTtl}&sig=ok`,
          mimeType: a.mime,
          kind: 'audio',
          properties: {
            duration: a.seconds,
            sampleRate: 32_000,
            channels: a.channels,
            format: 'wav',
          },
        },
      })
      return
    }
    sendJson(res, 404, { name: 'NotFoundError', message: `No route ${method} ${path}` })
  })
  baseUrl = server.url
  return {
    url: server.url,
    state,
    close: () => server.close(),
    down: () => server.down(),
    up: () => server.up(),
  }
}
