#!/usr/bin/env node
// Fails when the source tree has an import cycle, printing each cycle as a chain of files.
// Type-only imports count too: a cycle of types still ties the modules' designs together.
//
//   node scripts/check-cycles.mjs [root …] [--project dir]
//
// Roots default to `src`. Imports are read with TypeScript's own pre-processor (comments and
// strings are never mistaken for imports), from .ts/.mts/.js/.mjs files and the <script> blocks of
// .svelte files. Aliases come from `compilerOptions.paths` of the tsconfig*.json files in the
// project folder (the cwd by default), as TypeScript resolves them; packages are not followed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const SOURCE = /\.(?:m?ts|m?js|svelte)$/
const TRY_SUFFIXES = ['', '.ts', '.mts', '.js', '.mjs', '.svelte', '/index.ts', '/index.js']

function listFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) listFiles(path, out)
    else if (SOURCE.test(entry.name)) out.push(path)
  }
  return out
}

/** `paths` of every tsconfig*.json in `project`, as [prefix, suffix, targets (absolute)]. */
function readAliases(project) {
  const aliases = []
  for (const name of readdirSync(project).filter((n) => /^tsconfig.*\.json$/.test(n))) {
    const file = join(project, name)
    const { config, error } = ts.readConfigFile(file, ts.sys.readFile)
    if (error || !config?.compilerOptions?.paths) continue
    const base = resolve(project, config.compilerOptions.baseUrl ?? '.')
    for (const [pattern, targets] of Object.entries(config.compilerOptions.paths)) {
      const [prefix, suffix = ''] = pattern.split('*')
      const hasStar = pattern.includes('*')
      aliases.push({ prefix, suffix, hasStar, targets: targets.map((t) => resolve(base, t)) })
    }
  }
  return aliases
}

function importsOf(file) {
  let text = readFileSync(file, 'utf8')
  if (file.endsWith('.svelte')) {
    // Only the script blocks import; the markup may hold anything.
    text = [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n')
  }
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName)
}

function existing(base) {
  for (const suffix of TRY_SUFFIXES) {
    const candidate = base + suffix
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate
  }
  // `./x.js` written for a `./x.ts` source (NodeNext style).
  if (/\.m?js$/.test(base)) return existing(base.replace(/\.(m?)js$/, '.$1ts'))
  return undefined
}

function resolveImport(specifier, from, aliases) {
  if (specifier.startsWith('.')) return existing(resolve(dirname(from), specifier))
  for (const alias of aliases) {
    if (alias.hasStar) {
      if (!specifier.startsWith(alias.prefix) || !specifier.endsWith(alias.suffix)) continue
      const star = specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length)
      for (const target of alias.targets) {
        const found = existing(target.replace('*', star))
        if (found) return found
      }
    } else if (specifier === alias.prefix) {
      for (const target of alias.targets) {
        const found = existing(target)
        if (found) return found
      }
    }
  }
  return undefined // a package or a built-in
}

/** Strongly connected components of more than one file (or a file importing itself). */
function tangles(graph) {
  let index = 0
  const indices = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const found = []
  const visit = (start) => {
    // Iterative Tarjan: deep import chains must not overflow the call stack.
    const work = [[start, 0]]
    indices.set(start, index)
    low.set(start, index++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      const [node, i] = frame
      const next = [...graph.get(node)][i]
      if (next !== undefined) {
        frame[1]++
        if (!indices.has(next)) {
          indices.set(next, index)
          low.set(next, index++)
          stack.push(next)
          onStack.add(next)
          work.push([next, 0])
        } else if (onStack.has(next)) {
          low.set(node, Math.min(low.get(node), indices.get(next)))
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1][0]
        low.set(parent, Math.min(low.get(parent), low.get(node)))
      }
      if (low.get(node) === indices.get(node)) {
        const component = []
        let member
        do {
          member = stack.pop()
          onStack.delete(member)
          component.push(member)
        } while (member !== node)
        if (component.length > 1 || graph.get(node).has(node)) found.push(component)
      }
    }
  }
  for (const node of graph.keys()) if (!indices.has(node)) visit(node)
  return found
}

/** One cycle through `start` inside `component` (a shortest one, by breadth-first search). */
function cycleThrough(start, component, graph) {
  const inside = new Set(component)
  const previous = new Map()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift()
    for (const next of graph.get(node)) {
      if (!inside.has(next)) continue
      if (next === start) {
        const path = [start]
        for (let at = node; at !== start; at = previous.get(at)) path.splice(1, 0, at)
        return [...path, start]
      }
      if (!previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return [start, start]
}

/** The import cycles under `roots`, each as a list of paths relative to `project`. */
export function findCycles(roots, project = process.cwd()) {
  const aliases = readAliases(project)
  const files = roots.flatMap((root) => listFiles(resolve(project, root)))
  const graph = new Map(files.map((file) => [file, new Set()]))
  for (const file of files) {
    for (const specifier of importsOf(file)) {
      const target = resolveImport(specifier, file, aliases)
      if (target && graph.has(target)) graph.get(file).add(target)
    }
  }
  return tangles(graph).map((component) => {
    const start = [...component].sort()[0]
    return cycleThrough(start, component, graph).map((file) => relative(project, file))
  })
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)
if (isMain) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--project')
  const project = at >= 0 ? resolve(args[at + 1]) : process.cwd()
  const roots = args.filter((_, i) => i !== at && i !== at + 1)
  const cycles = findCycles(roots.length > 0 ? roots : ['src'], project)
  if (cycles.length === 0) {
    process.stdout.write('no import cycles\n')
  } else {
    console.error(`${cycles.length} import cycle(s):`)
    for (const cycle of cycles) console.error(`  ${cycle.join('\n    → ')}\n`)
    process.exit(1)
  }
}
