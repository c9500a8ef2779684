// Child process for the job crash tests: a real core against a provider fake whose URL is on
// argv. It queues one Replicate take and prints every update as a JSON line; the parent kills it
// with SIGKILL at the moment it wants (request hanging in `submitting`, or `running`).
import { createCore } from '../../../src/main/core/core'
import type { Log } from '../../../src/main/core/log'
import { realSleep } from '../../../src/main/core/providers/http'
import { Secrets } from '../../../src/main/core/secrets/secrets'

const [dataDir, replicateUrl, token] = process.argv.slice(2)
if (!dataDir || !replicateUrl || !token)
  throw new Error('usage: generation-child <dir> <url> <token>')

const log: Log = {
  info: () => undefined,
  warn: (m, f) => process.stderr.write(`WARN ${m} ${JSON.stringify(f ?? {})}\n`),
  error: (m, f) => process.stderr.write(`ERROR ${m} ${JSON.stringify(f ?? {})}\n`),
}
const env = { MUSICSKETCH_REPLICATE_URL: replicateUrl, REPLICATE_API_TOKEN: token }
const core = createCore({
  dataDir,
  secrets: new Secrets(null, env),
  fetch: globalThis.fetch,
  clock: Date.now,
  log,
  mode: 'browser',
  env,
  // Polls quickly so the test does not wait; the parent decides when the take moves.
  sleep: (ms, signal) => realSleep(Math.min(ms, 20), signal),
})
core.events.onAny((event, payload) => {
  if (event !== 'generation.updated') return
  const g = payload as { id: string; status: string }
  process.stdout.write(`${JSON.stringify({ id: g.id, status: g.status })}\n`)
})

async function main(): Promise<void> {
  const project = await core.dispatch('projects.create', { name: 'Crash' })
  if (!project.ok) throw new Error(project.error.message)
  const projectId = (project.value as { id: string }).id
  const created = await core.dispatch('generations.create', {
    projectId,
    provider: 'replicate',
    params: { prompt: 'crash test take', duration: 4 },
  })
  if (!created.ok) throw new Error(created.error.message)
}

main().catch((e: unknown) => {
  process.stderr.write(`child failed: ${String(e)}\n`)
  process.exit(1)
})
