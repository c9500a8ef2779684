import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface ServedApp {
  url: string
  origin: string
  token: string
  process: ChildProcess
  stderr: () => string
  stop(): Promise<void>
}

const ROOT = join(import.meta.dirname, '..', '..')
const HOST_ENTRY = join(ROOT, 'out', 'main', 'host.js')

/** Starts the built browser-mode host (`out/main/host.js`) on a free port and waits for its URL. */
export async function serveApp(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServedApp> {
  if (!existsSync(HOST_ENTRY))
    throw new Error('out/main/host.js is missing: run `npm run build` first')
  // Browser mode reads and writes only under --files: the test's folder (data, audio, exports).
  const files = dirname(dataDir)
  const args = [HOST_ENTRY, '--data-dir', dataDir, '--port', '0', '--files', files]
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = ''
    const timer = setTimeout(() => reject(new Error(`host did not start: ${stderr}`)), 20_000)
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /MusicSketch listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`host exited with ${code}: ${stderr}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    process: child,
    stderr: () => stderr,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
