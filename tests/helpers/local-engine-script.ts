import { mkdirSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { buildSync } from 'esbuild'

const ROOT = join(import.meta.dirname, '..', '..')
let built: string | undefined

/**
 * The local engine's process entry bundled for plain Node, as electron-vite builds it for the app
 * (onnxruntime-node stays external: it loads its native binding from node_modules).
 */
export function localEngineScript(): string {
  if (built) return built
  const cache = join(ROOT, 'node_modules', '.cache', 'musicsketch-workers')
  mkdirSync(cache, { recursive: true })
  const outfile = join(mkdtempSync(join(cache, 'local-engine-')), 'local-engine.cjs')
  buildSync({
    entryPoints: [join(ROOT, 'src/main/core/providers/local/engine-process.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'error',
  })
  built = outfile
  return built
}

export const TINY_MODEL = join(ROOT, 'tests', 'fixtures', 'musicgen-tiny')
