/**
 * Decodes base64 into shared memory: an import's check can then run on a worker thread, which
 * reads the bytes where they are instead of a copy of them.
 */
export function sharedBytesFromBase64(base64: string): Buffer {
  const bytes = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(base64, 'base64')))
  return bytes.subarray(0, bytes.write(base64, 'base64'))
}
