// manifest.json: the files of a model on the hub, each with its size and SHA-256, written by
// scripts/musicgen_onnx/export.py next to the files it describes.
import { posix } from 'node:path'

export interface ManifestFile {
  path: string
  size: number
  sha256: string
}

export interface Manifest {
  files: ManifestFile[]
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ManifestError'
  }
}

/** Parses and checks a manifest: safe relative paths only (no `..`, no absolute path). */
export function parseManifest(text: string): Manifest {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ManifestError('manifest.json is not JSON')
  }
  const files = (json as { files?: unknown }).files
  if (!Array.isArray(files) || files.length === 0)
    throw new ManifestError('manifest.json lists no files')
  const seen = new Set<string>()
  return {
    files: files.map((f: unknown, i) => {
      const { path, size, sha256 } = (f ?? {}) as Record<string, unknown>
      if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.includes('\\')) {
        throw new ManifestError(`manifest.json: file ${i} has no usable path`)
      }
      const normal = posix.normalize(path)
      if (normal.startsWith('..') || normal !== path)
        throw new ManifestError(`manifest.json: ${path} leaves the model folder`)
      if (seen.has(path)) throw new ManifestError(`manifest.json: ${path} is listed twice`)
      seen.add(path)
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new ManifestError(`manifest.json: ${path} has no size`)
      }
      if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
        throw new ManifestError(`manifest.json: ${path} has no SHA-256`)
      }
      return { path, size, sha256 }
    }),
  }
}
