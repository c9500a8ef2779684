// A loopback Cog container (providers.md §4) answering as either of replicate/cog's HTTP servers:
// the Python/FastAPI one (python/cog/server/http.py up to cog 0.16) or the Rust one that replaced
// it (crates/coglet/src/transport/http/routes.rs). Both: /health-check, one prediction at a time,
// PUT /predictions/{id} idempotent while that id runs (202 with its state), blocking or exactly
// `Prefer: respond-async`, 422 for the predictor's schema, predict.py's own failures as HTTP 200
// status failed, inline data-URL output (real MP3 for output_format mp3), cancel 200 {} or 404 {}.
// Where they differ: a non-JSON body is 422 (Python) or a plain-text 415 (Rust, axum's `Json`
// extractor, which also runs a request with no Content-Type on empty input); busy is 409
// `{detail}` (Python) or 409 `{error, status: failed}` (Rust); setup not finished is 409
// (Python) or 503 (Rust); field errors use pydantic's words (Python) or jsonschema's (Rust).
import { type IncomingMessage, type ServerResponse } from 'node:http'
import {
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
  sendText,
} from './common'
import {
  audioSeconds,
  makeMp3,
  predictorFailure,
  predictorSchemaProblems,
  type SchemaProblem,
} from './predictor'

export interface CogFakeOptions {
  processingSteps?: number
  /** Each idempotent PUT of the running id moves it one step (default true). */
  advanceOnPoll?: boolean
  maxOutputSeconds?: number
  /** What /health-check says when idle; STARTING refuses predictions with 409 as Cog does. */
  idleStatus?: 'READY' | 'STARTING' | 'SETUP_FAILED'
  /**
   * Which Cog HTTP server answers a body that is not `application/json`: the Rust one (415) or
   * the Python/FastAPI one (422). Default: python.
   */
  server?: CogServer
  clock?: FakeClock
}

export type CogServer = 'python' | 'rust'

export interface CogFakePrediction {
  id: string
  input: Record<string, unknown>
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled'
  step: number
  seed: number
  failWith: string | null
  logs: string
  output: string | null
  error: string | null
  startedAt: number
  completedAt: number | null
}

export interface CogFakeState {
  readonly clock: FakeClock
  readonly faults: Faults
  /** The prediction running now; Cog forgets it when it ends. */
  current: CogFakePrediction | null
  /** Every prediction that ran, in order. */
  readonly history: CogFakePrediction[]
  created: number
  readonly requests: string[]
  failNextPredictionWith: string | null
  /** What /health-check says when no prediction runs (setup finishing: READY). */
  idleStatus: 'READY' | 'STARTING' | 'SETUP_FAILED'
  /** Requests refused for their content type. */
  refusedContentType: number
  tick(n?: number): void
  /** Starts a prediction for someone else (for 409 tests). */
  occupy(id?: string): void
}

export interface CogFake {
  url: string
  state: CogFakeState
  close(): Promise<void>
  /** Refuses connections (the service is down) until up(), keeping its state. */
  down(): Promise<void>
  up(): Promise<void>
}

interface FieldProblem {
  loc: (string | number)[]
  msg: string
  type: string
}

// pydantic's words for the predictor schema's checks, as Cog's Python server answers them.
const PYDANTIC: Record<SchemaProblem['kind'], { msg: string; type: string }> = {
  integer: { msg: 'value is not a valid integer', type: 'type_error.integer' },
  number: { msg: 'value is not a valid float', type: 'type_error.float' },
  boolean: { msg: 'value could not be parsed to a boolean', type: 'type_error.bool' },
  string: { msg: 'str type expected', type: 'type_error.str' },
  ge: { msg: 'ensure this value is greater than or equal to 0', type: 'value_error.number.not_ge' },
  choice: { msg: 'unexpected value; permitted: see the schema', type: 'value_error.const' },
}

// The jsonschema crate's words for the same checks, as coglet's input_validation.rs passes them on.
function jsonSchemaMessage(p: SchemaProblem, value: unknown): string {
  const shown = JSON.stringify(value)
  switch (p.kind) {
    case 'integer':
    case 'number':
    case 'boolean':
    case 'string':
      return `${shown} is not of type "${p.kind}"`
    case 'ge':
      return `${shown} is less than the minimum of 0`
    case 'choice':
      return `${shown} is not one of ${JSON.stringify(p.allowed ?? [])}`
  }
}

function validate(input: Record<string, unknown>, server: CogServer): FieldProblem[] {
  const out: FieldProblem[] = predictorSchemaProblems(input).map((p) =>
    server === 'rust'
      ? {
          loc: ['body', 'input', p.field],
          msg: jsonSchemaMessage(p, input[p.field]),
          type: 'value_error',
        }
      : { loc: ['body', 'input', p.field], ...PYDANTIC[p.kind] },
  )
  const ia = input.input_audio
  if (
    ia !== undefined &&
    (typeof ia !== 'string' ||
      (ia.startsWith('data:') ? decodeDataUrl(ia) === null : !/^https?:\/\//.test(ia)))
  ) {
    out.push({
      loc: ['body', 'input', 'input_audio'],
      msg: 'invalid or missing URL scheme',
      type: 'value_error.url',
    })
  }
  return out
}

/** The predictor's own failure for this input (predict.py raises; status failed). */
function failureOf(input: Record<string, unknown>): string | null {
  const ia = typeof input.input_audio === 'string' ? decodeDataUrl(input.input_audio) : null
  let seconds: number | null | undefined
  if (typeof input.input_audio === 'string') seconds = ia === null ? null : audioSeconds(ia.bytes)
  return predictorFailure({ ...input, audioSeconds: seconds })
}

export async function startCogFake(options: CogFakeOptions = {}): Promise<CogFake> {
  const steps = options.processingSteps ?? 3
  const advanceOnPoll = options.advanceOnPoll ?? true
  const maxSeconds = options.maxOutputSeconds ?? 0.25
  const kind: CogServer = options.server ?? 'python'
  const clock = options.clock ?? new FakeClock()
  // Blocking requests wait here for the end of their prediction.
  const waiters = new Map<string, ServerResponse[]>()

  const state: CogFakeState = {
    clock,
    faults: new Faults(),
    current: null,
    history: [],
    created: 0,
    requests: [],
    failNextPredictionWith: null,
    idleStatus: options.idleStatus ?? 'READY',
    refusedContentType: 0,
    tick(n = 1) {
      for (let i = 0; i < n && state.current !== null; i++) advance(state.current)
    },
    occupy(id = 'someone-else') {
      start(id, { prompt: 'other' })
    },
  }

  function view(p: CogFakePrediction): Record<string, unknown> {
    const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString())
    return {
      id: p.id,
      input: p.input,
      status: p.status,
      output: p.output,
      error: p.error,
      logs: p.logs,
      metrics: p.status === 'succeeded' ? { predict_time: 0.5 * steps } : {},
      created_at: iso(p.startedAt),
      started_at: iso(p.startedAt),
      completed_at: iso(p.completedAt),
    }
  }

  function finish(p: CogFakePrediction): void {
    p.completedAt = clock.now
    state.current = null
    for (const res of waiters.get(p.id) ?? []) {
      if (!res.destroyed) sendJson(res, 200, view(p))
    }
    waiters.delete(p.id)
  }

  function advance(p: CogFakePrediction): void {
    if (p.status !== 'starting' && p.status !== 'processing') return
    p.step++
    const total = Math.round(outputSeconds(p.input.duration, 30) * 50)
    if (p.step <= steps) {
      p.status = 'processing'
      p.logs = musicgenLogs(p.seed, Math.floor((total * (p.step - 1)) / steps), total)
      return
    }
    if (p.failWith !== null) {
      p.status = 'failed'
      p.error = p.failWith
    } else {
      p.status = 'succeeded'
      p.logs = musicgenLogs(p.seed, total, total)
      const channels = isStereoModel(p.input.model_version ?? 'stereo-melody-large') ? 2 : 1
      const seconds = outputSeconds(p.input.duration, maxSeconds)
      // Cog inlines a file output as a data URL with the MIME type of its extension.
      p.output =
        p.input.output_format === 'mp3'
          ? `data:audio/mpeg;base64,${makeMp3(seconds, channels).toString('base64')}`
          : `data:audio/x-wav;base64,${makeWav(seconds, channels).toString('base64')}`
    }
    finish(p)
  }

  function start(id: string, input: Record<string, unknown>): CogFakePrediction {
    const p: CogFakePrediction = {
      id,
      input,
      status: 'starting',
      step: 0,
      seed: typeof input.seed === 'number' && input.seed > 0 ? input.seed : randomSeed(),
      failWith: state.failNextPredictionWith ?? failureOf(input),
      logs: '',
      output: null,
      error: null,
      startedAt: clock.now,
      completedAt: null,
    }
    state.current = p
    state.history.push(p)
    state.created++
    return p
  }

  async function predict(
    req: IncomingMessage,
    res: ServerResponse,
    pathId: string | null,
  ): Promise<void> {
    const header = req.headers['content-type']
    const type = (header ?? '').split(';')[0]?.trim().toLowerCase()
    let raw: unknown
    if (kind === 'rust' && header === undefined) {
      // axum's optional `Json` extractor: no Content-Type at all runs on empty input.
      await readBody(req)
      raw = {}
    } else if (type !== 'application/json' && !(kind === 'rust' && type?.endsWith('+json'))) {
      // The request is refused before anything runs: nothing was started.
      await readBody(req)
      state.refusedContentType++
      if (kind === 'rust') {
        sendText(res, 415, 'Expected request with `Content-Type: application/json`')
      } else {
        sendJson(res, 422, {
          detail: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }],
        })
      }
      return
    } else {
      raw = await readJson(req)
    }
    if (raw === undefined || typeof raw !== 'object' || raw === null) {
      if (kind === 'rust') {
        const status = raw === undefined ? 400 : 422
        sendText(
          res,
          status,
          raw === undefined
            ? 'Failed to parse the request body as JSON'
            : 'Failed to deserialize the JSON body into the target type',
        )
      } else {
        sendJson(res, 422, {
          detail: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }],
        })
      }
      return
    }
    const body = raw as Record<string, unknown>
    const id = pathId ?? (typeof body.id === 'string' ? body.id : `auto${state.created + 1}`)
    if (pathId !== null && body.id !== undefined && body.id !== pathId) {
      sendJson(res, 422, {
        detail: [
          {
            loc: ['body', 'id'],
            msg: 'prediction ID must match the ID supplied in the URL',
            type: 'value_error',
          },
        ],
      })
      return
    }
    const cur = state.current
    if (cur !== null && cur.id === id) {
      // Idempotent while the same id runs: its current state.
      if (advanceOnPoll) advance(cur)
      sendJson(res, 202, view(cur))
      return
    }
    if (state.idleStatus !== 'READY') {
      // Cog accepts predictions only once setup has succeeded.
      if (kind === 'rust') {
        sendJson(res, 503, {
          error:
            'Setup has not finished yet. Wait until it has finished, or GET /health-check for status.',
          status: 'failed',
        })
      } else {
        sendJson(res, 409, { detail: 'Already running a prediction' })
      }
      return
    }
    const input = (
      typeof body.input === 'object' && body.input !== null ? body.input : {}
    ) as Record<string, unknown>
    const problems = validate(input, kind)
    if (problems.length > 0) {
      sendJson(res, 422, { detail: problems })
      return
    }
    if (cur !== null) {
      if (kind === 'rust') {
        sendJson(res, 409, { error: 'At capacity - all prediction slots busy', status: 'failed' })
      } else {
        sendJson(res, 409, { detail: 'Already running a prediction' })
      }
      return
    }
    const p = start(id, input)
    if (applyLateFault(state.faults.take(req.method ?? 'PUT', '/predictions', 'late'), res)) return
    if (req.headers.prefer === 'respond-async') {
      sendJson(res, 202, kind === 'rust' ? { id: p.id, status: 'starting' } : view(p))
      return
    }
    const list = waiters.get(id) ?? []
    list.push(res)
    waiters.set(id, list)
  }

  const server = await listen(async (req, res, url) => {
    const method = req.method ?? 'GET'
    const path = url.pathname
    state.requests.push(`${method} ${path}`)
    if (method === 'GET' && path === '/health-check') {
      sendJson(res, 200, {
        status: state.current !== null ? 'BUSY' : state.idleStatus,
      })
      return
    }
    const fault = state.faults.take(method, path)
    if (applyEarlyFault(fault, res)) return
    if (method === 'POST' && path === '/predictions') {
      await predict(req, res, null)
      return
    }
    const m = /^\/predictions\/([^/]+)(\/cancel)?$/.exec(path)
    if (m !== null && m[2] === undefined && method === 'PUT') {
      await predict(req, res, decodeURIComponent(m[1] ?? ''))
      return
    }
    if (m !== null && m[2] === '/cancel' && method === 'POST') {
      const cur = state.current
      if (cur === null || cur.id !== decodeURIComponent(m[1] ?? '')) {
        sendJson(res, 404, {})
        return
      }
      cur.status = 'canceled'
      finish(cur)
      sendJson(res, 200, {})
      return
    }
    sendJson(res, 404, { detail: 'Not Found' })
  })
  return {
    url: server.url,
    state,
    close: () => server.close(),
    down: () => server.down(),
    up: () => server.up(),
  }
}
