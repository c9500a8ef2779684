import { mkdirSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { buildSync } from 'esbuild'

const ROOT = join(import.meta.dirname, '..', '..')
let built: string | undefined

/**
 * The worker entry (src/main/core/worker-main.ts) bundled for plain Node, as electron-vite
 * builds it for the app: tests then run heavy audio work on real worker threads. Built once per
 * test process.
 */
export function workerScript(): string {
  if (built) return built
  const cache = join(ROOT, 'node_modules', '.cache', 'musicsketch-workers')
  mkdirSync(cache, { recursive: true })
  const outfile = join(mkdtempSync(join(cache, 'worker-')), 'worker.cjs')
  buildSync({
    entryPoints: [join(ROOT, 'src/main/core/worker-main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'const importMetaUrl = require("url").pathToFileURL(__filename).href;' },
    logLevel: 'error',
  })
  built = outfile
  return built
}
