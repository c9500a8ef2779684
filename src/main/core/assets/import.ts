import { constants } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'
import type { AudioFormat } from '../../../shared/domain'
import { decodeAudioBytes, decodeAudioFile, type AudioDecodeStream } from '../audio/decode'
import { isSegmentedFormat, planSegments } from '../audio/segmented-decode'
import { PcmScanner, type PcmContainer } from '../audio/formats/pcm'
import { serializePeaks } from '../audio/dsp'
import { SNIFF_BYTES, sniffFormat } from '../audio/sniff'
import type { DecodeTasks } from '../audio/segmented-decode'
import type { TaskRunner } from '../workers/types'
import {
  STORE_CHUNK_BYTES,
  STORE_READ_BUFFERS,
  type ContentStore,
  type StoredBlob,
} from './content-store'
import { checkDecodedStream, checkSegmented, type CheckAudioFileTask } from './check-audio-task'
import { bufferPoolFor, readChunks } from './file-chunks'
import { importError, notOrdinaryFile, sourceStep } from './import-errors'
import type { PcmScanTasks } from './pcm-scan-task'

/** The tasks an import runs: scanning PCM, checking a compressed file, decoding it in segments. */
export type ImportTasks = PcmScanTasks & CheckAudioFileTask & DecodeTasks

export type ImportSource =
  | { kind: 'bytes'; name: string; bytes: Uint8Array }
  /** `name` is what the user knows the file as, when the path does not say it (an upload). */
  | { kind: 'path'; path: string; name?: string }

export interface DecodedImport {
  name: string
  format: AudioFormat
  sampleRate: number
  channels: number
  frames: number
  peaks: Uint8Array
  blob: StoredBlob
}

const EXTENSIONS: Record<AudioFormat, string> = {
  wav: 'wav',
  aiff: 'aiff',
  mp3: 'mp3',
  flac: 'flac',
  'ogg-vorbis': 'ogg',
  'ogg-opus': 'opus',
  m4a: 'm4a',
  aac: 'aac',
}

/** Bytes the PCM scan takes at a time: it then works on bytes still in the CPU cache. */
const SCAN_BYTES = 1 << 20

/** What checking the audio gives, besides the stored bytes. */
interface Checked {
  format: AudioFormat
  sampleRate: number
  channels: number
  frames: number
  peaks: Uint8Array
}

/** The bytes of the file being imported, in chunks; `release` gives a chunk's buffer back. */
interface Chunks {
  size: number
  chunks: AsyncIterator<Uint8Array>
  release: (chunk: Uint8Array) => void
}

/**
 * How to check a file, given the container its first bytes show: a WAV/AIFF file scanned here
 * while it is stored, or a check running apart (a decode, or a worker's scan) meanwhile.
 */
type CheckPlan = (
  container: PcmContainer | null,
  head: Uint8Array,
) => { scanHere: PcmContainer } | Promise<Checked>

/**
 * Checks a file (decoding it, or for WAV/AIFF validating its header and data), computes its
 * peaks, and stores its bytes by content, reading it once here: the bytes read are hashed and
 * written to the store while they are checked. A file that does not decode stores nothing. With
 * `tasks` running in parallel, a WAV/AIFF file's check and peaks run on a worker thread (which
 * reads the file itself, or shares the bytes) while this thread hashes and stores it.
 */
export async function decodeAndStore(
  source: ImportSource,
  store: ContentStore,
  tasks?: TaskRunner<ImportTasks>,
): Promise<DecodedImport> {
  if (source.kind === 'bytes') {
    const { name, bytes } = source
    return importChunks(name, bytesChunks(bytes), store, (container) => {
      if (!container) return checkDecoded(name, decodeAudioBytes(bytes))
      // Bytes in shared memory reach a worker without a copy.
      const shared = bytes.buffer instanceof SharedArrayBuffer
      if (!tasks || tasks.parallelism < 2 || !shared) return { scanHere: container }
      return sourceStep(name, () => tasks.run('assets-scan-pcm-bytes', { bytes, container })).then(
        (scanned): Checked => ({ format: container, ...scanned }),
      )
    })
  }
  const { path } = source
  const name = source.name ?? basename(path)
  // Non-blocking: should the path have become a FIFO since it was checked, the open returns at
  // once and the check below refuses it, instead of waiting for a writer.
  const file = await sourceStep(name, () => open(path, constants.O_RDONLY | constants.O_NONBLOCK))
  const stats = await file.stat()
  if (!stats.isFile()) {
    await file.close()
    throw notOrdinaryFile(name, stats.isDirectory())
  }
  try {
    const chunks = await fileChunks(name, file)
    return await importChunks(name, chunks, store, (container, head) => {
      if (!container) return sourceStep(name, () => checkCompressedFile(path, head, tasks))
      if (!tasks || tasks.parallelism < 2) return { scanHere: container }
      return sourceStep(name, () => tasks.run('assets-scan-pcm-file', { path, container })).then(
        (scanned): Checked => ({ format: container, ...scanned }),
      )
    })
  } finally {
    await file.close()
  }
}

async function importChunks(
  name: string,
  { size, chunks, release }: Chunks,
  store: ContentStore,
  plan: CheckPlan,
): Promise<DecodedImport> {
  const first = await sourceStep(name, () => chunks.next())
  const head = first.done ? new Uint8Array(0) : first.value
  const container = pcmContainer(head)
  const writer = await store.begin()
  let checked: Checked
  try {
    const check = plan(container, head)
    if ('scanHere' in check) {
      const scanner = new PcmScanner(check.scanHere, size)
      for (let chunk = head; chunk.length > 0; chunk = await nextChunk(name, chunks)) {
        // Scanned before it is handed to the writer, which releases it once written.
        for (let at = 0; at < chunk.length; at += SCAN_BYTES) {
          const part = chunk.subarray(at, at + SCAN_BYTES)
          scanStep(name, () => scanner.push(part))
        }
        await writer.write(chunk, release)
      }
      checked = scanStep(name, () => pcmChecked(check.scanHere, scanner))
    } else {
      checked = await checkedWhileCopying(check, async (stop) => {
        for (let chunk = head; chunk.length > 0 && !stop(); chunk = await nextChunk(name, chunks)) {
          await writer.write(chunk, release)
        }
      })
    }
  } catch (error) {
    await chunks.return?.()
    await writer.abort()
    throw error
  }
  const blob = await store.commit(writer, EXTENSIONS[checked.format])
  return { name, ...checked, blob }
}

function bytesChunks(bytes: Uint8Array): Chunks {
  function* views(): Generator<Uint8Array> {
    for (let at = 0; at < bytes.length; at += STORE_CHUNK_BYTES) {
      yield bytes.subarray(at, at + STORE_CHUNK_BYTES)
    }
  }
  const iterator = views()
  return {
    size: bytes.length,
    chunks: { next: () => Promise.resolve(iterator.next()) },
    release: () => undefined,
  }
}

async function fileChunks(name: string, file: FileHandle): Promise<Chunks> {
  const { size } = await sourceStep(name, () => file.stat())
  const pool = bufferPoolFor(size, STORE_CHUNK_BYTES, STORE_READ_BUFFERS)
  return {
    size,
    chunks: readChunks(file, 0, pool),
    release: (chunk) => pool.release(chunk),
  }
}

/** The next chunk, empty at the end; a read failure is reported as the file's. */
async function nextChunk(name: string, chunks: AsyncIterator<Uint8Array>): Promise<Uint8Array> {
  const next = await sourceStep(name, () => chunks.next())
  return next.done ? new Uint8Array(0) : next.value
}

/** The container when the bytes start like a WAV or AIFF file (checked further by the scan). */
function pcmContainer(head: Uint8Array): PcmContainer | null {
  const format = sniffFormat(head.subarray(0, SNIFF_BYTES))
  return format === 'wav' || format === 'aiff' ? format : null
}

function scanStep<T>(name: string, step: () => T): T {
  try {
    return step()
  } catch (error) {
    throw importError(name, error)
  }
}

function pcmChecked(container: PcmContainer, scanner: PcmScanner): Checked {
  const { sampleRate, channels, frames, peaks } = scanner.end()
  return { format: container, sampleRate, channels, frames, peaks: serializePeaks(peaks) }
}

/** Decodes compressed bytes to check them and compute their peaks. */
function checkDecoded(name: string, stream: AudioDecodeStream): Promise<Checked> {
  return sourceStep(name, () => checkDecodedStream(stream))
}

/**
 * Checks a compressed file off the main thread when worker threads run: an MP3/FLAC/Ogg file in
 * segments planned and decoded on workers, any other in one pass on a worker.
 */
async function checkCompressedFile(
  path: string,
  head: Uint8Array,
  tasks: TaskRunner<ImportTasks> | undefined,
): Promise<Checked> {
  if (!tasks || tasks.parallelism < 2) return checkDecodedStream(decodeAudioFile(path))
  const format = sniffFormat(head.subarray(0, SNIFF_BYTES))
  if (format && isSegmentedFormat(format)) {
    const segmented = await planSegments(format, { path, tasks, segmentSeconds: undefined })
    if (segmented) return checkSegmented(segmented)
  }
  return tasks.run('assets-check-audio-file', { path })
}

/**
 * Runs the copy while the check runs, stopping the copy early when the check fails. A failed
 * check wins (it says what is wrong with the file); otherwise the copy's failure (reading the
 * file, or writing the store).
 */
async function checkedWhileCopying(
  checking: Promise<Checked>,
  copy: (stop: () => boolean) => Promise<void>,
): Promise<Checked> {
  let failed = false
  checking.catch(() => (failed = true))
  const copying = copy(() => failed)
  const [checked, copied] = await Promise.allSettled([checking, copying])
  if (checked.status === 'rejected') throw checked.reason
  if (copied.status === 'rejected') throw copied.reason
  return checked.value
}
