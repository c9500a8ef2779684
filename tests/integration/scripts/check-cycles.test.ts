import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp'

const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'scripts', 'check-cycles.mjs')

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
}

function check(project: string): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [SCRIPT, 'src', '--project', project], {
    encoding: 'utf8',
  })
  return { status: run.status, out: run.stdout + run.stderr }
}

// A tiny tree: a.ts → $lib/b (an alias from tsconfig paths) → View.svelte's script → a.ts.
const TREE = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { baseUrl: '.', paths: { '$lib/*': ['src/lib/*'] } },
  }),
  'src/a.ts': `// import { nothing } from './lib/b' (a comment, not an import)\nimport { b } from '$lib/b'\nexport const a = () => b\n`,
  'src/lib/b.ts': `import type View from '../View.svelte'\nexport const b = (v?: View) => v\n`,
  'src/View.svelte': `<script lang="ts">\n  import { a } from './a'\n  a()\n</script>\n<p>import x from './nowhere'</p>\n`,
  'src/leaf.ts': `import { readFileSync } from 'node:fs'\nexport const leaf = readFileSync\n`,
}

describe('scripts/check-cycles.mjs', () => {
  it('fails on a cycle through an alias and a .svelte script, printing the cycle', () => {
    const root = tempDir('musicsketch-cycles-')
    writeTree(root, TREE)
    const { status, out } = check(root)
    expect(status).toBe(1)
    expect(out).toContain('1 import cycle(s)')
    const chain = out
      .split('\n')
      .map((line) => line.replace(/^\s*(→\s*)?/, ''))
      .filter((line) => line.startsWith('src/'))
    expect(chain).toEqual(['src/View.svelte', 'src/a.ts', 'src/lib/b.ts', 'src/View.svelte'])
  })

  it('passes once the cycle is broken, and follows no comment, markup or package', () => {
    const root = tempDir('musicsketch-cycles-')
    // The comment names the import that closed the cycle: it must not count.
    writeTree(root, {
      ...TREE,
      'src/lib/b.ts': `// import type View from '../View.svelte'\nexport const b = () => 1\n`,
    })
    const { status, out } = check(root)
    expect(out).toContain('no import cycles')
    expect(status).toBe(0)
  })

  it('finds a file importing itself', () => {
    const root = tempDir('musicsketch-cycles-')
    writeTree(root, { 'src/self.ts': `import { self } from './self'\nexport const x = self\n` })
    const { status, out } = check(root)
    expect(status).toBe(1)
    expect(out).toContain('src/self.ts')
  })
})
