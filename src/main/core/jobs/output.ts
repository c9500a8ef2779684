// A finished take's audio: streamed to a temporary file in the data directory as soon as the
// provider has it (Replicate deletes outputs after about an hour), then decoded (which checks it
// and computes its peaks) and stored by content.
import { mkdir, open, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type MusicgenParams } from '../../../shared/musicgen'
import type { ContentStore } from '../assets/content-store'
import { type DecodedImport, decodeAndStore } from '../assets/import'
import type { OutputRef, ProviderClient } from '../providers/provider'

/** Where partial downloads live; emptied when the queue starts (nothing is in flight then). */
export function downloadDir(dataDir: string): string {
  return join(dataDir, 'tmp', 'downloads')
}

export async function clearDownloads(dataDir: string): Promise<void> {
  await rm(downloadDir(dataDir), { recursive: true, force: true })
}

export async function downloadOutput(
  client: ProviderClient,
  ref: OutputRef,
  dataDir: string,
  generationId: string,
  store: ContentStore,
  signal: AbortSignal,
): Promise<DecodedImport> {
  const dir = downloadDir(dataDir)
  await mkdir(dir, { recursive: true })
  const path = join(dir, `${generationId}.part`)
  try {
    const file = await open(path, 'w')
    try {
      for await (const chunk of client.download(ref, signal)) await file.write(chunk)
    } finally {
      await file.close()
    }
    return await decodeAndStore({ kind: 'path', path }, store)
  } finally {
    await rm(path, { force: true })
  }
}

/** `<first words of the prompt> take <seed>.<ext>`: readable in a file list and on export. */
export function takeName(params: MusicgenParams, seed: number, ext: string): string {
  const words = params.prompt
    .replace(/[^\p{L}\p{N}\s'-]+/gu, ' ')
    .split(/\s+/)
    .filter((w) => w !== '')
    .slice(0, 6)
    .join(' ')
    .slice(0, 80)
    .trim()
  const fallback =
    params.input_audio === null ? 'take' : params.continuation ? 'continuation' : 'melody'
  return `${words === '' ? fallback : words} take ${seed}.${ext}`
}
