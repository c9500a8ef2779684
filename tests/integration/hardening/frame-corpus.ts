import { frame } from './raw-socket'

export interface CorpusEntry {
  name: string
  bytes: Buffer[]
  /** A well-formed frame: the server answers it (and the answer is checked). */
  answered?: boolean
}

const TEXT = 0x1
const BINARY = 0x2
const CLOSE = 0x8
const PING = 0x9
const PONG = 0xa
const CONTINUATION = 0x0

const json = (value: unknown) => Buffer.from(JSON.stringify(value))
const request = (method: string, params: unknown, id: unknown = 1) =>
  json({ jsonrpc: '2.0', id, method, params })
const closePayload = (code: number, reason: Buffer = Buffer.alloc(0)) => {
  const head = Buffer.alloc(2)
  head.writeUInt16BE(code)
  return Buffer.concat([head, reason])
}

/** A seeded generator (mulberry32), so that every run sends the same bytes. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Frames that break RFC 6455 one rule at a time, frames over the size limit, and well-formed
 * frames carrying hostile JSON: none of them may stop the server or make it answer at length.
 */
export function frameCorpus(maxPayload: number): CorpusEntry[] {
  const entries: CorpusEntry[] = []
  const add = (name: string, ...bytes: Buffer[]) => entries.push({ name, bytes })
  const call = (name: string, payload: Buffer) =>
    entries.push({ name, bytes: [frame({ opcode: TEXT, payload })], answered: true })

  // Invalid UTF-8 in text frames and close reasons.
  for (const [name, bytes] of [
    ['9 bytes of invalid UTF-8', [0xff, 0xfe, 0xfd, 0x80, 0x81, 0xc0, 0xc1, 0xf5, 0xf8]],
    ['an overlong slash', [0xc0, 0xaf]],
    ['a lone surrogate', [0xed, 0xa0, 0x80]],
    ['a cut multibyte character', [0xe2, 0x82]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ] as const) {
    add(`text: ${name}`, frame({ opcode: TEXT, payload: Buffer.from(bytes) }))
    add(
      `close reason: ${name}`,
      frame({ opcode: CLOSE, payload: closePayload(1000, Buffer.from(bytes)) }),
    )
  }
  add(
    'text split inside a character',
    frame({ opcode: TEXT, fin: false, payload: Buffer.from([0x22, 0xe2]) }),
    frame({ opcode: CONTINUATION, payload: Buffer.from([0x28, 0x22]) }),
  )

  // Masking.
  add('unmasked text', frame({ opcode: TEXT, masked: false, payload: request('app.info', {}) }))
  add('unmasked ping', frame({ opcode: PING, masked: false }))
  add('unmasked close', frame({ opcode: CLOSE, masked: false, payload: closePayload(1000) }))

  // Reserved bits and opcodes.
  for (let rsv = 1; rsv < 8; rsv++) {
    add(`text with RSV ${rsv}`, frame({ opcode: TEXT, rsv, payload: request('app.info', {}) }))
  }
  add('ping with RSV1', frame({ opcode: PING, rsv: 4 }))
  for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) {
    add(`opcode ${opcode}`, frame({ opcode, payload: Buffer.from('x') }))
  }

  // Control frames.
  add('a 126-byte ping', frame({ opcode: PING, payload: Buffer.alloc(126, 1) }))
  add('a 125-byte ping (allowed)', frame({ opcode: PING, payload: Buffer.alloc(125, 1) }))
  add('a fragmented ping', frame({ opcode: PING, fin: false, payload: Buffer.from('a') }))
  add('a fragmented pong', frame({ opcode: PONG, fin: false }))
  add('a fragmented close', frame({ opcode: CLOSE, fin: false, payload: closePayload(1000) }))
  add('an unsolicited pong', frame({ opcode: PONG, payload: Buffer.from('hi') }))
  add('a close with a 1-byte body', frame({ opcode: CLOSE, payload: Buffer.from([3]) }))
  add(
    'a close with a 123-byte reason',
    frame({ opcode: CLOSE, payload: closePayload(1000, Buffer.alloc(123, 0x61)) }),
  )
  for (const code of [
    0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535, 1000, 1001, 3000, 4999,
  ]) {
    add(`close code ${code}`, frame({ opcode: CLOSE, payload: closePayload(code) }))
  }

  // Fragmentation.
  add('a stray continuation', frame({ opcode: CONTINUATION, payload: Buffer.from('x') }))
  add(
    'a stray unfinished continuation',
    frame({ opcode: CONTINUATION, fin: false, payload: Buffer.from('x') }),
  )
  add(
    'a new text frame inside a fragmented one',
    frame({ opcode: TEXT, fin: false, payload: Buffer.from('{') }),
    frame({ opcode: TEXT, payload: Buffer.from('}') }),
  )
  add(
    'a binary continuation of text',
    frame({ opcode: TEXT, fin: false, payload: Buffer.from('{') }),
    frame({ opcode: BINARY, payload: Buffer.from('}') }),
  )
  add(
    'a ping between fragments (allowed)',
    frame({ opcode: TEXT, fin: false, payload: request('app.info', {}).subarray(0, 10) }),
    frame({ opcode: PING }),
    frame({ opcode: CONTINUATION, payload: request('app.info', {}).subarray(10) }),
  )
  add(
    '10,000 one-byte fragments',
    frame({ opcode: TEXT, fin: false, payload: Buffer.from('[') }),
    ...Array.from({ length: 10_000 }, () =>
      frame({ opcode: CONTINUATION, fin: false, payload: Buffer.from(' ') }),
    ),
    frame({ opcode: CONTINUATION, payload: Buffer.from(']') }),
  )

  // Lengths.
  const TWO_63 = 2n ** 63n
  add('a 2^63 length', frame({ opcode: TEXT, declaredLength: TWO_63 }))
  add('a 2^64-1 length', frame({ opcode: TEXT, declaredLength: 2n ** 64n - 1n }))
  add('a 2^53 length', frame({ opcode: TEXT, declaredLength: 2n ** 53n }))
  add(
    'one byte over the frame limit',
    frame({ opcode: TEXT, declaredLength: BigInt(maxPayload + 1) }),
  )
  add('a 4 GiB binary frame', frame({ opcode: BINARY, declaredLength: 2n ** 32n }))
  add(
    'a length longer than what follows',
    frame({ opcode: TEXT, declaredLength: 1000n, payload: Buffer.alloc(10, 0x20) }),
  )
  add('half a header', frame({ opcode: TEXT, payload: Buffer.alloc(300) }).subarray(0, 3))
  add('a header and no mask key', frame({ opcode: TEXT, payload: Buffer.from('x') }).subarray(0, 3))
  {
    const small = Buffer.from([0x81, 0x80 | 126, 0, 5, 1, 2, 3, 4, 0, 0, 0, 0, 0])
    add('a 16-bit length holding 5', small)
    const big = Buffer.alloc(14 + 5)
    big.writeUInt8(0x81, 0)
    big.writeUInt8(0x80 | 127, 1)
    big.writeBigUInt64BE(5n, 2)
    add('a 64-bit length holding 5', big)
  }

  // Binary frames carry no contract calls.
  add('a binary call', frame({ opcode: BINARY, payload: request('app.info', {}) }))
  add('an empty binary frame', frame({ opcode: BINARY }))

  // Well-formed frames with hostile JSON.
  add('an empty text frame', frame({ opcode: TEXT }))
  for (const text of [
    'null',
    '[]',
    '"x"',
    '0',
    'true',
    '{}',
    '{"jsonrpc":"2.0"}',
    '{"jsonrpc":"1.0","id":1,"method":"app.info"}',
    '{"jsonrpc":"2.0","id":{},"method":"app.info"}',
    '{"jsonrpc":"2.0","id":1,"method":42}',
    '{"jsonrpc":"2.0","id":1,"method":"__proto__"}',
    '{"jsonrpc":"2.0","id":1,"method":"constructor"}',
    '{"jsonrpc":"2.0","id":1,"method":"toString"}',
    '{"jsonrpc":"2.0","id":1,"method":"hasOwnProperty"}',
    '{"jsonrpc":"2.0","id":1,"method":"projects.create","params":{"__proto__":{"name":"x"}}}',
    '{"jsonrpc":"2.0","id":1,"method":"projects.create","params":{"name":"x","constructor":{"prototype":{}}}}',
    '[{"jsonrpc":"2.0","id":1,"method":"app.info"}]',
    '\uFEFF{"jsonrpc":"2.0","id":1,"method":"app.info"}',
    '{"jsonrpc":"2.0","id":1e999,"method":"app.info"}',
    '{"jsonrpc":"2.0","id":1,"method":"app.info","params":null}',
  ]) {
    call(`text ${text.slice(0, 60)}`, Buffer.from(text))
  }
  call('arrays nested 100,000 deep', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)))
  call(
    'params nested 50,000 deep',
    Buffer.from(
      `{"jsonrpc":"2.0","id":1,"method":"projects.create","params":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
    ),
  )
  {
    // The probe's 1 M unknown keys came back as an 8.9 MB error.
    const keys: string[] = []
    for (let i = 0; i < 1_000_000; i++) keys.push(`"k${i}":0`)
    call(
      'a million unknown keys',
      Buffer.from(
        `{"jsonrpc":"2.0","id":1,"method":"projects.create","params":{"name":"x",${keys.join(',')}}}`,
      ),
    )
  }
  call('a 100,000-character method name', request('x'.repeat(100_000), {}))
  call('a 1 MB project name', request('projects.create', { name: 'n'.repeat(1_000_000) }))
  call('a 1 MB id', request('app.info', {}, 'i'.repeat(1_000_000)))
  call(
    'a 1 MB base64 import of no audio',
    request('assets.import', {
      projectId: '00000000-0000-4000-8000-000000000000',
      name: 'x.wav',
      data: 'A'.repeat(1_000_000),
    }),
  )

  // Seeded garbage after a valid handshake.
  const random = seeded(17)
  for (let i = 0; i < 20; i++) {
    const bytes = Buffer.alloc(1 + Math.floor(random() * 200))
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256)
    add(`garbage #${i}`, bytes)
  }
  return entries
}
