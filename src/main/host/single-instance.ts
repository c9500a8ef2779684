import { createHash } from 'node:crypto'
import { chmodSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * One browser-mode host per data directory, as the desktop app has one window per user: the
 * first one listens on a local socket (a named pipe on Windows) and tells later ones its URL.
 * A socket, unlike a lock file, is released by the OS when the process dies however it dies.
 */
export type InstanceClaim =
  | { kind: 'running'; url: string }
  | { kind: 'first'; publish(url: string): void; release(): Promise<void> }

// How long a second start waits for a first one that is still starting (opening the store).
const ANSWER_TIMEOUT_MS = 60_000

export function instanceSocketPath(dataDir: string, platform = process.platform): string {
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 24)
  if (platform === 'win32') return `\\\\.\\pipe\\musicsketch-${digest}`
  const inDataDir = join(dataDir, 'instance.sock')
  // Unix socket paths are limited to about 104 bytes; a deep data directory uses the temp dir.
  return Buffer.byteLength(inDataDir) < 100
    ? inDataDir
    : join(tmpdir(), `musicsketch-${process.getuid?.() ?? 0}-${digest}.sock`)
}

export async function claimInstance(dataDir: string): Promise<InstanceClaim> {
  mkdirSync(dataDir, { recursive: true })
  const path = instanceSocketPath(dataDir)
  // Binding fails while the socket file exists, so of two starts at the same moment one listens
  // and the other finds it on its next look.
  for (let attempt = 0; attempt < 20; attempt++) {
    const found = await askRunning(path)
    if (found.url) return { kind: 'running', url: found.url }
    if (found.stale && !(await removeStaleSocket(path))) {
      await new Promise((resolve) => setTimeout(resolve, 50)) // another start is removing it
      continue
    }
    const server = await listen(path)
    if (server) return firstInstance(server, path)
  }
  throw new Error(`another MusicSketch is starting on ${dataDir} and does not answer`)
}

interface Found {
  url?: string
  /** A socket file nobody listens on: its host was killed. */
  stale?: boolean
}

/** The running host's URL, if one listens on the socket. */
function askRunning(path: string): Promise<Found> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path)
    let answer = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error('the running MusicSketch did not answer'))
    }, ANSWER_TIMEOUT_MS)
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (answer += chunk))
    // A host that stopped before it published its URL closes without an answer: look again.
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({ url: parseAnswer(answer) ?? undefined })
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (error.code === 'ECONNREFUSED') resolve({ stale: true })
      else if (error.code === 'ENOENT' || error.code === 'ECONNRESET') resolve({})
      else reject(error)
    })
  })
}

/**
 * Removes a dead host's socket file, holding a lock directory (mkdir is atomic) so that two
 * starts never remove each other's fresh socket. False when another start holds the lock.
 */
async function removeStaleSocket(path: string): Promise<boolean> {
  const lock = `${path}.lock`
  try {
    mkdirSync(lock)
  } catch {
    // A start killed while holding the lock leaves it; it never needs more than a moment.
    if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 10_000) {
      rmSync(lock, { recursive: true, force: true })
    }
    return false
  }
  try {
    if ((await askRunning(path)).stale) rmSync(path, { force: true })
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
  return true
}

function parseAnswer(answer: string): string | null {
  try {
    const { url } = JSON.parse(answer) as { url?: unknown }
    return typeof url === 'string' ? url : null
  } catch {
    return null
  }
}

function listen(path: string): Promise<Server | null> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(null) : reject(error),
    )
    server.listen(path, () => {
      // Only this user may ask for the URL (it carries the access token).
      if (process.platform !== 'win32') chmodSync(path, 0o600)
      resolve(server)
    })
  })
}

function firstInstance(server: Server, path: string): InstanceClaim {
  let url: string | null = null
  const waiting = new Set<Socket>()
  server.on('connection', (socket) => {
    socket.on('error', () => waiting.delete(socket))
    if (url) socket.end(JSON.stringify({ url }))
    else waiting.add(socket)
  })
  return {
    kind: 'first',
    publish(published) {
      url = published
      for (const socket of waiting) socket.end(JSON.stringify({ url }))
      waiting.clear()
    },
    release: () =>
      new Promise((resolve) => {
        for (const socket of waiting) socket.destroy()
        server.close(() => {
          if (process.platform !== 'win32') rmSync(path, { force: true })
          resolve()
        })
      }),
  }
}
