/** Whether two typed arrays hold exactly the same bytes (so -0 differs from 0, NaN equals NaN). */
export function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  )
}

/** sameBits for lists of channels. */
export function sameChannels(a: ArrayBufferView[], b: ArrayBufferView[]): boolean {
  return a.length === b.length && a.every((channel, c) => sameBits(channel, b[c]!))
}
