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
