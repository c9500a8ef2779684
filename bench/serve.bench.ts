// Starting browser mode with a fresh build: from the command to the page answering, and the memory
// of every process it took (the process group, summed RSS when the page answered). The floor is
// the host alone (`node out/main/host.js`); the reference is the layout `npm run serve` had before
// (a Node wrapper that checks the build, then runs the host as its child). Median of 5.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
const HOST = join(ROOT, 'out', 'main', 'host.js')
const RUNS = 5

// The earlier serve.mjs, minus its build step (the build is fresh here): a wrapper and a child.
const WRAPPER = `
const { spawn } = require('node:child_process')
const child = spawn(process.execPath, process.argv.slice(1), { stdio: 'inherit' })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 1))
`

interface Start {
  ms: number
  rssMb: number
  processes: number
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Every process of a process group with its RSS in MB (Linux /proc). */
function groupMemory(pgid: number): { rssMb: number; processes: number } {
  let kb = 0
  let processes = 0
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) !== pgid) continue
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      kb += Number(rss?.[1] ?? 0)
      processes++
    } catch {
      /* the process ended meanwhile */
    }
  }
  return { rssMb: kb / 1024, processes }
}

async function startOnce(command: string, args: string[]): Promise<Start> {
  const dataDir = mkdtempSync(join(tmpdir(), 'musicsketch-bench-serve-'))
  const started = performance.now()
  const child = spawn(command, [...args, '--data-dir', dataDir, '--port', '0'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /listening on (\S+)/.exec(out)
        if (match?.[1]) resolve(match[1])
      })
      child.once('exit', (code) => reject(new Error(`${command} exited with ${code}`)))
    })
    const page = await fetch(url)
    expect(page.status).toBe(200)
    await page.arrayBuffer()
    const ms = performance.now() - started
    return { ms, ...groupMemory(child.pid!) }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    process.kill(-child.pid!, 'SIGTERM')
    await exited
    rmSync(dataDir, { recursive: true, force: true })
  }
}

describe('browser-mode start benchmark', () => {
  it('npm run serve against the host alone and the earlier wrapper layout', async () => {
    if (!existsSync(HOST)) throw new Error('run `npm run build` first')
    const layouts: [string, string, string[]][] = [
      ['host alone (floor)', process.execPath, [HOST]],
      ['earlier: wrapper + host child', process.execPath, ['-e', WRAPPER, HOST]],
      ['node scripts/serve.mjs', process.execPath, [join(ROOT, 'scripts', 'serve.mjs')]],
      ['npm run serve', 'npm', ['run', '--silent', 'serve', '--']],
    ]
    const results = new Map<string, Start[]>(layouts.map(([name]) => [name, []]))
    // Interleaved, so a change of load touches every layout alike.
    for (let run = 0; run < RUNS; run++) {
      for (const [name, command, args] of layouts) {
        results.get(name)!.push(await startOnce(command, args))
      }
    }
    const floor = median(results.get('host alone (floor)')!.map((r) => r.ms))
    const floorMb = median(results.get('host alone (floor)')!.map((r) => r.rssMb))
    const rows = [['layout', 'to answer (ms)', 'ratio', 'processes', 'RSS (MB)', 'extra RSS (MB)']]
    for (const [name, runs] of results) {
      const ms = median(runs.map((r) => r.ms))
      const mb = median(runs.map((r) => r.rssMb))
      rows.push([
        name,
        ms.toFixed(0),
        `${(ms / floor).toFixed(2)}×`,
        String(median(runs.map((r) => r.processes))),
        mb.toFixed(0),
        (mb - floorMb).toFixed(0),
      ])
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
    console.log(
      `\nload ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n` +
        rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n'),
    )
  })
})
