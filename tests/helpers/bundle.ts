import { mkdirSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const ROOT = join(import.meta.dirname, '..', '..')

/**
 * Bundles a TypeScript entry (a child process of a test) into one CommonJS file that plain Node
 * runs, keeping native modules external so they load from node_modules.
 */
export async function bundleChild(entry: string): Promise<string> {
  // Inside the checkout, so that `require('better-sqlite3')` resolves from our node_modules.
  const cache = join(ROOT, 'node_modules', '.cache', 'musicsketch-children')
  mkdirSync(cache, { recursive: true })
  const outfile = join(mkdtempSync(join(cache, 'child-')), 'child.cjs')
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['better-sqlite3', 'better-sqlite3-electron', '@napi-rs/keyring'],
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'const importMetaUrl = require("url").pathToFileURL(__filename).href;' },
    logLevel: 'error',
  })
  return outfile
}
