import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { decodeMessage, encodeMessage, type Message, messageLength, MESSAGE_TYPE } from './wire'

/** A D-Bus method call, as the connection sends it. */
export interface MethodCall {
  destination: string
  path: string
  interface: string
  member: string
  signature?: string
  body?: unknown[]
}

export interface DbusConnection {
  call(method: MethodCall): Promise<unknown[]>
  /** Resolves with the body of the first signal matching `path` and `member`. */
  nextSignal(path: string, member: string): Promise<unknown[]>
  close(): void
}

/**
 * The socket of the session bus, as libdbus finds it: DBUS_SESSION_BUS_ADDRESS, otherwise
 * $XDG_RUNTIME_DIR/bus. Null when there is none we can reach over a Unix socket.
 */
export function sessionBusSocket(env: NodeJS.ProcessEnv): string | null {
  const address =
    env.DBUS_SESSION_BUS_ADDRESS ??
    (env.XDG_RUNTIME_DIR ? `unix:path=${join(env.XDG_RUNTIME_DIR, 'bus')}` : '')
  for (const entry of address.split(';')) {
    const [transport, rest = ''] = entry.split(/:(.*)/s)
    if (transport !== 'unix') continue
    const keys = new Map(
      rest.split(',').map((pair) => {
        const [key = '', value = ''] = pair.split(/=(.*)/s)
        return [key, decodeURIComponent(value)] as const
      }),
    )
    const path = keys.get('path')
    if (path) return path
    const abstract = keys.get('abstract')
    if (abstract && process.platform === 'linux') return `\0${abstract}`
  }
  return null
}

/** Connects, authenticates as our own uid (EXTERNAL) and says Hello. */
export async function connectDbus(socketPath: string): Promise<DbusConnection> {
  const socket = connect(socketPath)
  const leftover = await authenticate(socket)
  const connection = new Connection(socket, leftover)
  await connection.call({
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'Hello',
  })
  return connection
}

function authenticate(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0)
    const fail = (error: Error) => {
      socket.destroy()
      reject(error)
    }
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const end = received.indexOf('\r\n')
      if (end < 0) return
      socket.off('data', onData)
      socket.off('error', fail)
      const line = received.toString('latin1', 0, end)
      if (!line.startsWith('OK ')) return fail(new Error(`D-Bus refused authentication: ${line}`))
      socket.write('BEGIN\r\n')
      resolve(received.subarray(end + 2))
    }
    socket.once('error', fail)
    socket.on('data', onData)
    const uid = Buffer.from(String(process.getuid?.() ?? 0)).toString('hex')
    socket.write(`\0AUTH EXTERNAL ${uid}\r\n`)
  })
}

interface Waiter {
  resolve(body: unknown[]): void
  reject(error: Error): void
}

class Connection implements DbusConnection {
  #serial = 0
  #buffer: Buffer
  #replies = new Map<number, Waiter>()
  #signals: { path: string; member: string; waiter: Waiter }[] = []
  #closed: Error | null = null

  constructor(
    private readonly socket: Socket,
    leftover: Buffer,
  ) {
    this.#buffer = leftover
    socket.on('data', (chunk: Buffer) => this.#receive(chunk))
    socket.on('error', (error) => this.#fail(error))
    socket.on('close', () => this.#fail(new Error('the D-Bus connection closed')))
    if (leftover.length > 0) this.#receive(Buffer.alloc(0))
  }

  call(method: MethodCall): Promise<unknown[]> {
    if (this.#closed) return Promise.reject(this.#closed)
    const serial = ++this.#serial
    const message: Message = {
      type: MESSAGE_TYPE.call,
      serial,
      ...method,
      body: method.body ?? [],
    }
    const frame = encodeMessage(message)
    return new Promise((resolve, reject) => {
      this.#replies.set(serial, { resolve, reject })
      this.socket.write(frame)
    })
  }

  nextSignal(path: string, member: string): Promise<unknown[]> {
    if (this.#closed) return Promise.reject(this.#closed)
    return new Promise((resolve, reject) => {
      this.#signals.push({ path, member, waiter: { resolve, reject } })
    })
  }

  close(): void {
    this.#fail(new Error('the D-Bus connection closed'))
    this.socket.end()
  }

  #receive(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk])
    try {
      for (let length = messageLength(this.#buffer); length !== null;) {
        this.#dispatch(decodeMessage(this.#buffer.subarray(0, length)))
        this.#buffer = this.#buffer.subarray(length)
        length = messageLength(this.#buffer)
      }
    } catch (error) {
      this.#fail(error as Error)
      this.socket.destroy()
    }
  }

  #dispatch(message: Message): void {
    if (message.type === MESSAGE_TYPE.signal) {
      const index = this.#signals.findIndex(
        (s) => s.path === message.path && s.member === message.member,
      )
      if (index >= 0) this.#signals.splice(index, 1)[0]?.waiter.resolve(message.body)
      return
    }
    const waiter =
      message.replySerial === undefined ? undefined : this.#replies.get(message.replySerial)
    if (!waiter || message.replySerial === undefined) return
    this.#replies.delete(message.replySerial)
    if (message.type === MESSAGE_TYPE.error) {
      const detail = typeof message.body[0] === 'string' ? `: ${message.body[0]}` : ''
      waiter.reject(new Error(`${message.errorName ?? 'D-Bus error'}${detail}`))
    } else waiter.resolve(message.body)
  }

  #fail(error: Error): void {
    if (this.#closed) return
    this.#closed = error
    for (const waiter of this.#replies.values()) waiter.reject(error)
    for (const { waiter } of this.#signals) waiter.reject(error)
    this.#replies.clear()
    this.#signals = []
  }
}
