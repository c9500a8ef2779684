import { constants } from 'node:fs'

/**
 * Writes that bypass the page cache (O_DIRECT). An import or an export writes hundreds of
 * megabytes that nobody reads back soon; through the page cache every such page is allocated,
 * copied into and flushed again by fsync, which costs more CPU than the audio work itself.
 * Written directly, the disk takes the bytes from our memory. Direct writes need the file
 * position, the length and the memory aligned to DIRECT_IO_ALIGN; whatever is not aligned goes
 * through the page cache as before. Callers still fsync (the disk's cache and the metadata).
 */

/** Alignment of positions, lengths and memory for direct writes (covers 512 and 4096-byte sectors). */
export const DIRECT_IO_ALIGN = 4096

/** O_DIRECT where the platform has it (Linux); undefined elsewhere. */
export const O_DIRECT = (constants as { O_DIRECT?: number }).O_DIRECT

/**
 * The open flags of a write-only descriptor for direct writes, or null on a platform without
 * them. A filesystem without direct I/O refuses the open (EINVAL), and then the caller writes
 * through the page cache alone.
 */
export function directWriteFlags(): number | null {
  return O_DIRECT === undefined ? null : constants.O_WRONLY | O_DIRECT
}

/** Whether a direct write failed because the filesystem or the memory does not allow it. */
export function isDirectRefusal(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EINVAL'
}

/** The largest multiple of DIRECT_IO_ALIGN not above `length`. */
export function alignedLength(length: number): number {
  return length - (length % DIRECT_IO_ALIGN)
}
