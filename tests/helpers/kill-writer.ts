import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { bundleChild } from './bundle'

/**
 * Runs the write-loop child (tests/integration/children/write-loop.ts) on a database and kills it
 * with SIGKILL once it has reported `commits` committed ids; answers those ids.
 */
export async function killWriterAfter(
  path: string,
  commits: number,
  args: string[] = [],
): Promise<string[]> {
  const child = await bundleChild(
    join(import.meta.dirname, '../integration/children/write-loop.ts'),
  )
  const writer = spawn(process.execPath, [child, path, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const committed: string[] = []
  let buffered = ''
  await new Promise<void>((resolve, reject) => {
    writer.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      committed.push(...lines)
      if (committed.length >= commits && writer.exitCode === null) writer.kill('SIGKILL')
    })
    writer.once('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`)),
    )
  })
  return committed
}
