import { open } from 'node:fs/promises'

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
    let filled = 0
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, start + filled)
      if (bytesRead === 0) throw new Error(`the ${what} file became shorter while it was decoded`)
      filled += bytesRead
    }
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
      const size = Math.min(buffer.length, end - at)
      let filled = 0
      while (filled < size) {
        const { bytesRead } = await handle.read(buffer, filled, size - filled, at + filled)
        if (bytesRead === 0) throw new Error(`the ${what} file became shorter while it was decoded`)
        filled += bytesRead
      }
      at += size
      yield buffer.subarray(0, size)
    }
  } finally {
    await handle.close()
  }
}
