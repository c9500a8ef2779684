// Downloads, checks, installs and deletes the local model. Files stream into a staging folder in
// the data directory (kept across interruptions, resumed with HTTP Range), each is checked against
// the hub's manifest (size and SHA-256), and the folder is renamed into place only when all are
// good: an installed model is always complete.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import {
  LOCAL_MODEL,
  type LocalModelErrorCode,
  type LocalModelState,
  type LocalModelStatus,
  formatBytes,
} from '../../../../shared/local-model'
import type { Log } from '../../log'
import type { FetchLike } from '../http'
import { type Manifest, ManifestError, type ManifestFile, parseManifest } from './manifest'
import { MODEL_FILES } from './model-files'

export class ModelDownloadError extends Error {
  constructor(
    readonly code: LocalModelErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message)
    this.name = 'ModelDownloadError'
  }
}

export interface ModelManagerDeps {
  dataDir: string
  fetch: FetchLike
  /** The hub folder holding manifest.json and the files, '' when none is set. */
  hubUrl: () => string
  log: Log
  onChange: (status: LocalModelStatus) => void
}

const MANIFEST = 'manifest.json'

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code
}

export class LocalModelManager {
  #download: Promise<LocalModelStatus> | null = null
  #abort: AbortController | null = null
  #progress: { done: number; total: number } | null = null
  #error: LocalModelStatus['error'] = null

  constructor(private readonly deps: ModelManagerDeps) {}

  get modelDir(): string {
    return join(this.deps.dataDir, 'models', LOCAL_MODEL.id)
  }

  get #stagingDir(): string {
    return join(this.deps.dataDir, 'models', '.partial', LOCAL_MODEL.id)
  }

  /**
   * Installed means the manifest is in place: it is written last, then the folder is renamed.
   * `continues`: it lists EnCodec's encoder (a hub may serve a model without it).
   */
  async installed(): Promise<{ bytes: number; continues: boolean } | null> {
    try {
      const manifest = parseManifest(await readFile(join(this.modelDir, MANIFEST), 'utf8'))
      return {
        bytes: manifest.files.reduce((sum, f) => sum + f.size, 0),
        continues: manifest.files.some((f) => f.path === MODEL_FILES.encodecEncoder),
      }
    } catch {
      return null
    }
  }

  async status(): Promise<LocalModelStatus> {
    let state: LocalModelState
    const done = await this.installed()
    if (this.#progress !== null) {
      state = {
        state: 'downloading',
        bytesDone: this.#progress.done,
        bytesTotal: this.#progress.total,
      }
    } else if (done !== null) state = { state: 'installed', ...done, path: this.modelDir }
    else state = { state: 'absent' }
    return { model: LOCAL_MODEL, hubUrl: this.deps.hubUrl(), status: state, error: this.#error }
  }

  /** Starts the download, or joins the one under way; resolves when it ends (or fails). */
  download(): Promise<LocalModelStatus> {
    if (this.#download !== null) return this.#download
    const abort = new AbortController()
    this.#abort = abort
    this.#error = null
    this.#download = this.#run(abort.signal)
      .then(async () => {
        this.#progress = null
        this.#error = null
        return this.status()
      })
      .catch(async (error: unknown) => {
        this.#progress = null
        const failure =
          error instanceof ModelDownloadError
            ? error
            : new ModelDownloadError('io_error', 'The model could not be saved.', String(error))
        this.#error = { code: failure.code, message: failure.message }
        this.deps.log.warn('local model download failed', {
          code: failure.code,
          detail: failure.detail ?? '',
        })
        return this.status()
      })
      .finally(() => {
        this.#download = null
        this.#abort = null
        this.#progress = null
        void this.#emit()
      })
    return this.#download
  }

  cancel(): void {
    this.#abort?.abort()
  }

  async delete(): Promise<LocalModelStatus> {
    this.cancel()
    await this.#download
    await rm(this.modelDir, { recursive: true, force: true })
    await rm(this.#stagingDir, { recursive: true, force: true })
    this.#error = null
    return this.#emit()
  }

  async #emit(): Promise<LocalModelStatus> {
    const status = await this.status()
    this.deps.onChange(status)
    return status
  }

  #url(path: string): string {
    const hub = this.deps.hubUrl().replace(/\/+$/, '')
    return `${hub}/${path.split('/').map(encodeURIComponent).join('/')}`
  }

  async #fetch(
    url: string,
    signal: AbortSignal,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    try {
      return await this.deps.fetch(url, { signal, headers })
    } catch (error) {
      if (signal.aborted) throw new ModelDownloadError('canceled', 'The download was stopped.')
      throw new ModelDownloadError(
        'offline',
        `The model hub at ${this.deps.hubUrl()} cannot be reached: check the network, or the hub address in Settings.`,
        String((error as Error).cause ?? error),
      )
    }
  }

  async #run(signal: AbortSignal): Promise<void> {
    if (this.deps.hubUrl() === '') {
      throw new ModelDownloadError(
        'hub_error',
        'No model hub address is set: enter one in Settings.',
      )
    }
    const manifest = await this.#manifest(signal)
    if (await this.#alreadyInstalled(manifest)) return
    const total = manifest.files.reduce((sum, f) => sum + f.size, 0)
    const staging = this.#stagingDir
    await mkdir(staging, { recursive: true })
    const have = await Promise.all(manifest.files.map((f) => sizeOf(join(staging, f.path))))
    const done = have.reduce((sum, size, i) => sum + Math.min(size, manifest.files[i]!.size), 0)
    await this.#checkSpace(staging, total - done)
    this.#progress = { done, total }
    await this.#emit()
    for (const file of manifest.files) await this.#fetchFile(file, join(staging, file.path), signal)
    await writeFile(join(staging, MANIFEST), JSON.stringify(manifest, null, 2))
    // Into place in one rename; an earlier install is moved aside first and removed after.
    const aside = `${this.modelDir}.old`
    await rm(aside, { recursive: true, force: true })
    await rename(this.modelDir, aside).catch((error: unknown) => {
      if (errnoOf(error) !== 'ENOENT') throw error
    })
    await rename(staging, this.modelDir)
    await rm(aside, { recursive: true, force: true })
    this.deps.log.info('local model installed', { path: this.modelDir, bytes: total })
  }

  async #manifest(signal: AbortSignal): Promise<Manifest> {
    const url = this.#url(MANIFEST)
    const res = await this.#fetch(url, signal)
    if (!res.ok) {
      throw new ModelDownloadError(
        'hub_error',
        `The model hub answered ${res.status} for ${url}: check the hub address in Settings.`,
      )
    }
    try {
      return parseManifest(await res.text())
    } catch (error) {
      if (error instanceof ManifestError) {
        throw new ModelDownloadError(
          'bad_manifest',
          `The model hub's manifest is unusable: ${error.message}.`,
        )
      }
      throw error
    }
  }

  /** The installed model is the one the hub lists (same files, same checksums). */
  async #alreadyInstalled(manifest: Manifest): Promise<boolean> {
    try {
      const mine = parseManifest(await readFile(join(this.modelDir, MANIFEST), 'utf8'))
      const key = (m: Manifest): string =>
        JSON.stringify([...m.files].sort((a, b) => a.path.localeCompare(b.path)))
      return key(mine) === key(manifest)
    } catch {
      return false
    }
  }

  async #checkSpace(dir: string, needed: number): Promise<void> {
    const fs = await statfs(dir)
    const free = fs.bavail * fs.bsize
    if (free < needed) throw diskFull(dir, needed)
  }

  async #fetchFile(file: ManifestFile, path: string, signal: AbortSignal): Promise<void> {
    await mkdir(dirname(path), { recursive: true })
    let have = await sizeOf(path)
    if (have > file.size) {
      await rm(path, { force: true })
      have = 0
    }
    if (have < file.size) {
      const res = await this.#fetch(
        this.#url(file.path),
        signal,
        have > 0 ? { Range: `bytes=${have}-` } : {},
      )
      let start = have
      if (res.status === 200) start = 0
      else if (res.status !== 206) {
        await res.body?.cancel()
        throw new ModelDownloadError(
          'hub_error',
          `The model hub answered ${res.status} for ${file.path}.`,
        )
      } else if (!(res.headers.get('content-range') ?? '').startsWith(`bytes ${have}-`)) {
        await res.body?.cancel()
        throw new ModelDownloadError(
          'hub_error',
          `The model hub sent the wrong part of ${file.path}.`,
        )
      }
      if (this.#progress !== null) this.#progress.done -= have - start
      await this.#write(res, path, start, signal)
    }
    if ((await sizeOf(path)) !== file.size || (await sha256Of(path)) !== file.sha256) {
      await rm(path, { force: true })
      throw new ModelDownloadError(
        'checksum_mismatch',
        `${file.path} did not match the hub's checksum and was removed: download the model again.`,
      )
    }
  }

  async #write(res: Response, path: string, start: number, signal: AbortSignal): Promise<void> {
    const handle = await open(path, start === 0 ? 'w' : 'a')
    try {
      if (res.body === null) return
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        await handle.write(chunk)
        if (this.#progress !== null) this.#progress.done += chunk.byteLength
        this.#tick()
      }
    } catch (error) {
      if (errnoOf(error) === 'ENOSPC') throw diskFull(dirname(path), 0)
      if (signal.aborted)
        throw new ModelDownloadError(
          'canceled',
          'The download was stopped; it resumes where it was.',
        )
      if (error instanceof ModelDownloadError) throw error
      throw new ModelDownloadError(
        'offline',
        'The connection to the model hub broke off: download again to resume where it stopped.',
        String(error),
      )
    } finally {
      await handle.close()
    }
  }

  #lastTick = 0
  /** Progress events at most every 200 ms: a download is thousands of chunks. */
  #tick(): void {
    const now = Date.now()
    if (now - this.#lastTick < 200) return
    this.#lastTick = now
    void this.#emit()
  }
}

function diskFull(dir: string, needed: number): ModelDownloadError {
  const what = needed > 0 ? ` (${formatBytes(needed)} more are needed)` : ''
  return new ModelDownloadError(
    'disk_full',
    `Not enough free disk space for the model in ${dir}${what}.`,
  )
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size
  } catch {
    return 0
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
