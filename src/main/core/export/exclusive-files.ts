import { constants } from 'node:fs'
import { link, lstat, open, rename, type FileHandle } from 'node:fs/promises'
import { AppError } from '../app-error'

/*
 * How an export creates and places files in a folder others can write to: a temporary file is
 * always a new one (O_EXCL: a name planted there, a link or not, fails the creation instead of
 * being written through), and a link is never followed, at a temporary name or a final one.
 */

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW

/** Creates a new file for writing; fails (EEXIST) when anything has the name, a link included. */
export function createNewFile(path: string): Promise<FileHandle> {
  return open(path, CREATE_NEW, 0o644)
}

/**
 * Puts a finished temporary file at its final name: beside nothing (link, which fails on an
 * existing name), or in place of an existing regular file when `overwrite` (rename, which
 * replaces a name without following it).
 */
export async function placeFile(temp: string, path: string, overwrite: boolean): Promise<void> {
  if (overwrite) await rename(temp, path)
  else await link(temp, path)
}

/**
 * Refuses, before anything is written, final names that hold anything but a regular file (a
 * folder, a link…) — those are never replaced — and, without `overwrite`, existing files.
 */
export async function checkDestinations(paths: string[], overwrite: boolean): Promise<void> {
  const existing: string[] = []
  for (const path of paths) {
    let kind: string | null
    try {
      const stats = await lstat(path)
      kind = stats.isFile()
        ? null
        : stats.isDirectory()
          ? 'is a folder'
          : stats.isSymbolicLink()
            ? 'is a link'
            : 'is not a regular file'
      existing.push(path)
    } catch {
      continue // free
    }
    if (kind) {
      throw new AppError(
        'conflict',
        `${path} ${kind}, so the export cannot replace it; it was left as it is, and nothing was exported. Choose another folder or remove it.`,
        'directory',
      )
    }
  }
  if (existing.length > 0 && !overwrite) {
    throw new AppError(
      'conflict',
      `these files already exist and were left as they are: ${existing.join(', ')}. Choose another folder or allow overwriting.`,
      'directory',
    )
  }
}

const folderQueues = new Map<string, Promise<unknown>>()

/**
 * Runs `work` after every earlier export into the same folder ended: two exports writing the same
 * names would otherwise each put some of their files in place and remove the other's.
 */
export function oneAtATime<T>(folder: string, work: () => Promise<T>): Promise<T> {
  const before = folderQueues.get(folder) ?? Promise.resolve()
  const run = before.then(work, work)
  const settled = run.catch(() => undefined)
  folderQueues.set(folder, settled)
  void settled.then(() => {
    if (folderQueues.get(folder) === settled) folderQueues.delete(folder)
  })
  return run
}
