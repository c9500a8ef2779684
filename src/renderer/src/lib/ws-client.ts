import type {
  EventName,
  Events,
  MethodInput,
  MethodName,
  MethodResult,
  SketchApi,
} from '../../../shared/api'
import { fail, type Result } from '../../../shared/result'
import { uploadFile } from './upload'

type Pending = (result: Result<unknown>) => void
type Listener = (payload: unknown) => void

const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 5000]

/**
 * The contract over JSON-RPC 2.0 on a WebSocket, reconnecting when the host restarts. The token
 * stays in this object (never a cookie: cookies reach every server on 127.0.0.1).
 */
export class WebSocketApi implements SketchApi {
  #socket: WebSocket | null = null
  #opened: Promise<WebSocket> | null = null
  #nextId = 1
  #attempt = 0
  readonly #pending = new Map<number, Pending>()
  readonly #listeners = new Map<string, Set<Listener>>()

  readonly #url: string

  constructor(
    socketUrl: string,
    private readonly token: string,
  ) {
    this.#url = `${socketUrl}?token=${encodeURIComponent(token)}`
  }

  upload(file: File, progress?: (fraction: number) => void): Promise<Result<string>> {
    return uploadFile(this.token, file, progress)
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodResult<M>>> {
    // While connected the call leaves at once: one made during a render (a waveform's peaks) is
    // not held until the render ends.
    const open = this.#socket
    if (open?.readyState === WebSocket.OPEN) return this.#send(open, method, input)
    return this.#connect().then(
      (socket) => this.#send(socket, method, input),
      () => fail('disconnected', 'MusicSketch is not reachable: is `npm run serve` still running?'),
    )
  }

  #send<M extends MethodName>(
    socket: WebSocket,
    method: M,
    input: MethodInput<M>,
  ): Promise<Result<MethodResult<M>>> {
    const id = this.#nextId++
    return new Promise((resolve) => {
      this.#pending.set(id, resolve as Pending)
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params: input }))
    })
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event)
    if (!set) this.#listeners.set(event, (set = new Set()))
    set.add(listener as Listener)
    void this.#connect().catch(() => undefined)
    return () => set.delete(listener as Listener)
  }

  #connect(): Promise<WebSocket> {
    if (this.#opened) return this.#opened
    this.#opened = new Promise((resolve, reject) => {
      const socket = new WebSocket(this.#url)
      socket.addEventListener('open', () => {
        this.#attempt = 0
        this.#socket = socket
        resolve(socket)
      })
      socket.addEventListener('message', (event) => this.#receive(String(event.data)))
      socket.addEventListener('close', () => {
        const wasOpen = this.#socket === socket
        this.#socket = null
        this.#opened = null
        for (const [id, settle] of this.#pending) {
          this.#pending.delete(id)
          settle(fail('disconnected', 'the connection to MusicSketch was lost; try again'))
        }
        if (!wasOpen) reject(new Error('connection refused'))
        if (this.#listeners.size > 0) this.#scheduleReconnect()
      })
    })
    return this.#opened
  }

  #scheduleReconnect(): void {
    const delay = RECONNECT_DELAYS_MS[Math.min(this.#attempt++, RECONNECT_DELAYS_MS.length - 1)]
    setTimeout(() => void this.#connect().catch(() => undefined), delay)
  }

  #receive(frame: string): void {
    let message: { id?: number; result?: Result<unknown>; method?: string; params?: unknown }
    try {
      message = JSON.parse(frame) as typeof message
    } catch {
      return
    }
    if (typeof message.id === 'number') {
      const settle = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      settle?.(message.result ?? fail('internal', 'malformed answer from MusicSketch'))
    } else if (typeof message.method === 'string') {
      for (const listener of this.#listeners.get(message.method) ?? []) listener(message.params)
    }
  }
}
