// A loopback Replicate (providers.md §2): Bearer auth, RFC 7807 errors, predictions that move
// one step per poll or per tick(), outputs deleted after a configurable "hour", /v1/files.
import { type IncomingMessage, type ServerResponse } from 'node:http'
import {
  DownloadFaults,
  FakeClock,
  Faults,
  applyEarlyFault,
  applyLateFault,
  decodeDataUrl,
  isStereoModel,
  listen,
  makeWav,
  musicgenLogs,
  outputSeconds,
  randomSeed,
  readBody,
  readJson,
  sendJson,
  serveBytes,
  text,
} from './common'
import { audioSeconds, makeMp3, predictorFailure, predictorSchemaProblems } from './predictor'

export const FAKE_REPLICATE_VERSION =
  '671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb'

export interface ReplicateFakeOptions {
  token?: string
  /** Processing steps between `starting` and the end. */
  processingSteps?: number
  /** Each GET of a prediction moves it one step (default true); tick() always does. */
  advanceOnPoll?: boolean
  /** Output audio is at most this long, to keep tests quick. */
  maxOutputSeconds?: number
  /**
   * Replicate removes an API prediction's input, output and logs this long after it was created
   * (one hour; ms of the fake clock), setting `data_removed`.
   */
  dataTtlMs?: number
  /** Removes only the input this long after creation (a fake that deletes the input early). */
  inputTtlMs?: number
  /** Page size of GET /v1/predictions (Replicate: 100). */
  pageSize?: number
  /** 402 on every create: out of credit. */
  billingBlocked?: boolean
  /**
   * Steps a prediction moves while a create with `Prefer: wait=N` is held (the N seconds pass on
   * the model's side; default 0: answered at once).
   */
  preferWaitSteps?: number
  /** The output file is there one step before `succeeded`, while `processing` (file outputs). */
  outputWhileProcessing?: boolean
  /** Downloads honour Range (default false: resume by skipping). */
  ranges?: boolean
  clock?: FakeClock
}

export interface FakePrediction {
  id: string
  version: string
  input: Record<string, unknown>
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted'
  step: number
  seed: number
  /** The predictor's failure, decided at create. */
  failWith: string | null
  logs: string
  output: string | null
  error: string | null
  createdAt: number
  startedAt: number | null
  completedAt: number | null
  dataRemoved: boolean
  /** Cleared on its own by inputTtlMs. */
  inputRemoved: boolean
  source: 'api' | 'web'
  /** The input audio's length when given; null when it is not readable audio. */
  audioSeconds: number | null | undefined
}

export interface ReplicateFakeState {
  readonly clock: FakeClock
  readonly faults: Faults
  readonly downloads: DownloadFaults
  readonly predictions: Map<string, FakePrediction>
  readonly files: Map<string, { bytes: Buffer; mime: string; filename: string }>
  /** Predictions created (paid requests accepted). */
  created: number
  /** Every request seen, as `METHOD /path`. */
  readonly requests: string[]
  /** The Prefer header of each create. */
  readonly prefer: (string | null)[]
  /** Move every live prediction `n` steps. */
  tick(n?: number): void
  /** Fail the next predictions with this predictor error. */
  failNextPredictionWith: string | null
  /** A prediction made by someone else on the account (another app, the website). */
  createOther(input: Record<string, unknown>, source?: 'api' | 'web'): FakePrediction
}

export interface ReplicateFake {
  url: string
  state: ReplicateFakeState
  close(): Promise<void>
  /** Refuses connections (the service is down) until up(), keeping its state. */
  down(): Promise<void>
  up(): Promise<void>
}

function problem(status: number, title: string, detail: string): Record<string, unknown> {
  return { type: `https://replicate.com/docs/errors#${status}`, title, status, detail }
}

/** The predictor's schema as Replicate checks it before creating (422). */
function schemaProblems(input: Record<string, unknown>): string[] {
  return predictorSchemaProblems(input).map((p) => `input.${p.field}: ${p.message}`)
}

export async function startReplicateFake(
  options: ReplicateFakeOptions = {},
): Promise<ReplicateFake> {
  const token = options.token ?? 'r8_test_token'
  const steps = options.processingSteps ?? 3
  const advanceOnPoll = options.advanceOnPoll ?? true
  const maxSeconds = options.maxOutputSeconds ?? 0.25
  const ttl = options.dataTtlMs ?? 60 * 60 * 1000
  const inputTtl = options.inputTtlMs ?? ttl
  const pageSize = options.pageSize ?? 100
  const clock = options.clock ?? new FakeClock()
  let baseUrl = ''
  let nextId = 1
  const outputs = new Map<string, Buffer>()

  const state: ReplicateFakeState = {
    clock,
    faults: new Faults(),
    downloads: new DownloadFaults(),
    predictions: new Map(),
    files: new Map(),
    created: 0,
    requests: [],
    prefer: [],
    failNextPredictionWith: null,
    tick(n = 1) {
      for (const p of state.predictions.values()) for (let i = 0; i < n; i++) advance(p)
    },
    createOther(input, source = 'api') {
      const p = newPrediction(FAKE_REPLICATE_VERSION, input, undefined)
      p.source = source
      return p
    },
  }

  function newPrediction(
    version: string,
    input: Record<string, unknown>,
    audio: number | null | undefined,
  ): FakePrediction {
    const seed = typeof input.seed === 'number' && input.seed > 0 ? input.seed : randomSeed()
    const p: FakePrediction = {
      id: `pred${String(nextId++).padStart(4, '0')}`,
      version,
      input,
      status: 'starting',
      step: 0,
      seed,
      failWith: state.failNextPredictionWith ?? predictorFailure({ ...input, audioSeconds: audio }),
      logs: '',
      output: null,
      error: null,
      createdAt: clock.now,
      startedAt: null,
      completedAt: null,
      dataRemoved: false,
      inputRemoved: false,
      source: 'api',
      audioSeconds: audio,
    }
    state.predictions.set(p.id, p)
    state.created++
    return p
  }

  function expire(p: FakePrediction): void {
    const age = clock.now - p.createdAt
    if (age >= inputTtl) p.inputRemoved = true
    if (age >= ttl) {
      p.dataRemoved = true
      p.inputRemoved = true
      outputs.delete(p.id)
      p.output = null
      p.logs = ''
    }
  }

  function advance(p: FakePrediction): void {
    if (p.status !== 'starting' && p.status !== 'processing') return
    p.step++
    const total = Math.round(outputSeconds(p.input.duration, 30) * 50)
    if (p.step <= steps) {
      if (p.status === 'starting') p.startedAt = clock.now
      p.status = 'processing'
      p.logs = musicgenLogs(p.seed, Math.floor((total * (p.step - 1)) / steps), total)
      if (p.step === steps && options.outputWhileProcessing === true && p.failWith === null) {
        storeOutput(p)
      }
      return
    }
    p.completedAt = clock.now
    if (p.failWith !== null) {
      p.status = 'failed'
      p.error = p.failWith
      return
    }
    p.status = 'succeeded'
    p.logs = musicgenLogs(p.seed, total, total)
    if (p.output === null) storeOutput(p)
  }

  function storeOutput(p: FakePrediction): void {
    const channels = isStereoModel(p.input.model_version ?? 'stereo-melody-large') ? 2 : 1
    const seconds = outputSeconds(p.input.duration, maxSeconds)
    const mp3 = p.input.output_format === 'mp3'
    outputs.set(p.id, mp3 ? makeMp3(seconds, channels) : makeWav(seconds, channels))
    p.output = `${baseUrl}/delivery/${p.id}/out.${mp3 ? 'mp3' : 'wav'}`
  }

  function view(p: FakePrediction): Record<string, unknown> {
    expire(p)
    const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString())
    return {
      id: p.id,
      model: 'meta/musicgen',
      version: p.version,
      source: p.source,
      input: p.inputRemoved ? {} : p.input,
      status: p.status,
      output: p.output,
      error: p.error,
      logs: p.logs,
      metrics: p.status === 'succeeded' ? { predict_time: 1.5 * steps } : {},
      created_at: iso(p.createdAt),
      started_at: iso(p.startedAt),
      completed_at: iso(p.completedAt),
      data_removed: p.dataRemoved,
      urls: {
        get: `${baseUrl}/v1/predictions/${p.id}`,
        cancel: `${baseUrl}/v1/predictions/${p.id}/cancel`,
      },
    }
  }

  async function create(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req)
    if (typeof body !== 'object' || body === null) {
      sendJson(res, 400, problem(400, 'Bad request', 'The request body is not valid JSON'))
      return
    }
    const b = body as { version?: unknown; input?: unknown }
    const version = text(b.version)
    if (
      version !== FAKE_REPLICATE_VERSION &&
      version !== `meta/musicgen:${FAKE_REPLICATE_VERSION}`
    ) {
      sendJson(
        res,
        422,
        problem(
          422,
          'Invalid version or not permitted',
          "The specified version does not exist (or perhaps you don't have permission to use it?)",
        ),
      )
      return
    }
    if (options.billingBlocked === true) {
      sendJson(
        res,
        402,
        problem(
          402,
          'Insufficient credit',
          'You have insufficient credit to run this model. Go to https://replicate.com/account/billing to purchase credit.',
        ),
      )
      return
    }
    const input = (typeof b.input === 'object' && b.input !== null ? b.input : {}) as Record<
      string,
      unknown
    >
    const problems = schemaProblems(input)
    let audio: number | null | undefined
    if (typeof input.input_audio === 'string') {
      const a = input.input_audio
      const file = a.startsWith(`${baseUrl}/v1/files/`)
        ? state.files.get(a.split('/').at(-1) ?? '')
        : undefined
      const bytes = file?.bytes ?? decodeDataUrl(a)?.bytes
      if (bytes === undefined) problems.push("input.input_audio: Does not match format 'uri'")
      else audio = audioSeconds(bytes)
    } else if (input.input_audio !== undefined) {
      problems.push('input.input_audio: Invalid type. Expected: string')
    }
    if (problems.length > 0) {
      sendJson(
        res,
        422,
        problem(422, 'Input validation failed', problems.map((p) => `- ${p}`).join('\n')),
      )
      return
    }
    const p = newPrediction(version, input, audio)
    const header = req.headers.prefer
    const prefer = typeof header === 'string' ? header : null
    state.prefer.push(prefer)
    // Held while the model works: it may come back finished, or with its output but processing.
    if (prefer !== null && /^wait(=\d+)?$/.test(prefer)) {
      for (let i = 0; i < (options.preferWaitSteps ?? 0); i++) advance(p)
    }
    const late = state.faults.take('POST', '/v1/predictions', 'late')
    if (applyLateFault(late, res)) return
    sendJson(res, 201, view(p))
  }

  function list(res: ServerResponse, url: URL): void {
    const all = [...state.predictions.values()].sort(
      (a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1),
    )
    const cursor = Number(url.searchParams.get('cursor') ?? '0')
    const page = all.slice(cursor, cursor + pageSize)
    const next =
      cursor + pageSize < all.length
        ? `${baseUrl}/v1/predictions?cursor=${cursor + pageSize}`
        : null
    const previous =
      cursor > 0 ? `${baseUrl}/v1/predictions?cursor=${Math.max(0, cursor - pageSize)}` : null
    sendJson(res, 200, { next, previous, results: page.map(view) })
  }

  async function uploadFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req)
    const parsed = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: raw,
    })
    let form: FormData
    try {
      form = await parsed.formData()
    } catch {
      sendJson(res, 400, problem(400, 'Bad request', 'Expected multipart/form-data'))
      return
    }
    const content = form.get('content')
    if (!(content instanceof Blob)) {
      sendJson(res, 400, problem(400, 'Bad request', 'Missing content'))
      return
    }
    const id = `file${String(nextId++).padStart(4, '0')}`
    const mime = text(form.get('type'), content.type)
    const filename = text(form.get('filename'), 'file')
    state.files.set(id, { bytes: Buffer.from(await content.arrayBuffer()), mime, filename })
    sendJson(res, 201, {
      id,
      name: filename,
      content_type: mime,
      size: content.size,
      urls: { get: `${baseUrl}/v1/files/${id}` },
    })
  }

  const server = await listen(async (req, res, url) => {
    const method = req.method ?? 'GET'
    const path = url.pathname
    state.requests.push(`${method} ${path}`)

    // Delivery URLs are public; they vanish with data_removed.
    const dl = /^\/delivery\/([^/]+)\//.exec(path)
    if (dl !== null) {
      const p = state.predictions.get(dl[1] ?? '')
      if (p !== undefined) expire(p)
      const bytes = outputs.get(dl[1] ?? '')
      if (bytes === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
        return
      }
      const mime = path.endsWith('.mp3') ? 'audio/mpeg' : 'audio/wav'
      serveBytes(req, res, bytes, mime, state.downloads, options.ranges === true)
      return
    }

    if (req.headers.authorization !== `Bearer ${token}`) {
      sendJson(
        res,
        401,
        problem(401, 'Unauthenticated', 'You did not pass a valid authentication token'),
      )
      return
    }
    const fault = state.faults.take(method, path)
    const throttleBody = problem(
      429,
      'Request was throttled',
      'Request was throttled. Your rate limit resets in ~30s.',
    )
    if (fault?.kind === 'status' && fault.status === 429 && fault.body === undefined) {
      sendJson(res, 429, throttleBody, fault.headers ?? {})
      return
    }
    if (applyEarlyFault(fault, res)) return

    if (method === 'POST' && path === '/v1/predictions') {
      await create(req, res)
      return
    }
    if (method === 'GET' && path === '/v1/account') {
      sendJson(res, 200, { type: 'user', username: 'sketcher', name: 'Sketcher', github_url: null })
      return
    }
    if (method === 'GET' && path === '/v1/predictions') {
      list(res, url)
      return
    }
    if (method === 'POST' && path === '/v1/files') {
      await uploadFile(req, res)
      return
    }
    const m = /^\/v1\/predictions\/([^/]+)(\/cancel)?$/.exec(path)
    if (m !== null) {
      const p = state.predictions.get(m[1] ?? '')
      if (p === undefined) {
        sendJson(res, 404, problem(404, 'Not found', 'The requested resource could not be found.'))
        return
      }
      if (m[2] === '/cancel' && method === 'POST') {
        if (p.status === 'starting' || p.status === 'processing') {
          p.status = 'canceled'
          p.completedAt = clock.now
        }
        sendJson(res, 200, view(p))
        return
      }
      if (method === 'GET') {
        if (advanceOnPoll) advance(p)
        sendJson(res, 200, view(p))
        return
      }
    }
    const f = /^\/v1\/files\/([^/]+)$/.exec(path)
    if (f !== null && method === 'GET') {
      const file = state.files.get(f[1] ?? '')
      if (file === undefined) sendJson(res, 404, problem(404, 'Not found', 'No such file'))
      else res.writeHead(200, { 'content-type': file.mime }).end(file.bytes)
      return
    }
    sendJson(res, 404, problem(404, 'Not found', 'The requested resource could not be found.'))
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
