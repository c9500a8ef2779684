import { open, type FileHandle } from 'node:fs/promises'

/** Reads bytes [start, end) of a file (a segment task's input); `what` names the file in errors. */
export async function readRange(
  path: string,
  start: number,
  end: number,
  what: string,
): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const bytes = new Uint8Array(end - start)
    await fill(handle, bytes, start, what)
    return bytes
  } finally {
    await handle.close()
  }
}

/**
 * Bytes [start, end) of a file in pieces of at most `pieceBytes`, each read into the same buffer:
 * a piece is valid until the next is asked for. A task that decodes a range piece by piece thus
 * holds one small buffer instead of the whole range.
 */
export async function* readRangePieces(
  path: string,
  start: number,
  end: number,
  what: string,
  pieceBytes: number,
): AsyncGenerator<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const buffer = new Uint8Array(Math.max(0, Math.min(pieceBytes, end - start)))
    for (let at = start; at < end;) {
      const piece = buffer.subarray(0, Math.min(buffer.length, end - at))
      await fill(handle, piece, at, what)
      at += piece.length
      yield piece
    }
  } finally {
    await handle.close()
  }
}

/** Fills `bytes` from file offset `position`; a file shorter than that is an error. */
async function fill(
  handle: FileHandle,
  bytes: Uint8Array,
  position: number,
  what: string,
): Promise<void> {
  for (let filled = 0; filled < bytes.length;) {
    const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, position + filled)
    if (bytesRead === 0) throw new Error(`the ${what} file became shorter while it was decoded`)
    filled += bytesRead
  }
}
