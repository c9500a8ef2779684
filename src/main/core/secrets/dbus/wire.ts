/**
 * The D-Bus wire format (https://dbus.freedesktop.org/doc/dbus-specification.html#message-protocol),
 * enough of it for the few Secret Service calls the keychain makes. Values follow their signature:
 * strings for `s o g`, numbers for `y b n q i u h`, bigint for `x t`, Buffer for `ay`, arrays for
 * `a…` and structs, `[key, value]` pairs for dict entries, {@link Variant} for `v`.
 */

export interface Variant {
  signature: string
  value: unknown
}

export const MESSAGE_TYPE = { call: 1, reply: 2, error: 3, signal: 4 } as const

export interface Message {
  type: number
  serial: number
  flags?: number
  path?: string
  interface?: string
  member?: string
  errorName?: string
  replySerial?: number
  destination?: string
  sender?: string
  signature?: string
  body: unknown[]
}

const FIELD = {
  path: [1, 'o'],
  interface: [2, 's'],
  member: [3, 's'],
  errorName: [4, 's'],
  replySerial: [5, 'u'],
  destination: [6, 's'],
  sender: [7, 's'],
  signature: [8, 'g'],
} as const satisfies Record<string, readonly [number, string]>

const ALIGNMENT: Record<string, number> = {
  y: 1, g: 1, v: 1, n: 2, q: 2, b: 4, i: 4, u: 4, h: 4, s: 4, o: 4, a: 4, x: 8, t: 8, d: 8,
  '(': 8, '{': 8,
} // prettier-ignore

function alignmentOf(type: string): number {
  const alignment = ALIGNMENT[type[0] ?? '']
  if (alignment === undefined) throw new Error(`unsupported D-Bus type "${type}"`)
  return alignment
}

/** Splits a signature into its complete types: "a{ss}ou" → ["a{ss}", "o", "u"]. */
export function splitSignature(signature: string): string[] {
  const types: string[] = []
  let start = 0
  while (start < signature.length) {
    const end = completeTypeEnd(signature, start)
    types.push(signature.slice(start, end))
    start = end
  }
  return types
}

function completeTypeEnd(signature: string, start: number): number {
  const head = signature[start]
  if (head === 'a') return completeTypeEnd(signature, start + 1)
  if (head !== '(' && head !== '{') {
    if (head === undefined || head === ')' || head === '}') {
      throw new Error(`malformed D-Bus signature "${signature}"`)
    }
    return start + 1
  }
  const close = head === '(' ? ')' : '}'
  let at = start + 1
  while (signature[at] !== close) at = completeTypeEnd(signature, at)
  return at + 1
}

class Writer {
  #buffer = Buffer.alloc(256)
  #at = 0

  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#at)
  }

  align(to: number): void {
    this.#room(to)
    while (this.#at % to !== 0) this.#buffer[this.#at++] = 0
  }

  write(type: string, value: unknown): void {
    const head = type[0]
    this.align(alignmentOf(type))
    switch (head) {
      case 'y':
        this.#room(1)
        this.#buffer.writeUInt8(Number(value), this.#at++)
        return
      case 'b':
      case 'u':
      case 'h':
        return this.#uint32(head === 'b' ? (value ? 1 : 0) : Number(value))
      case 'i':
        this.#room(4)
        this.#at = this.#buffer.writeInt32LE(Number(value), this.#at)
        return
      case 's':
      case 'o':
        return this.#string(String(value), 4)
      case 'g':
        return this.#string(String(value), 1)
      case 'v': {
        const variant = value as Variant
        this.#string(variant.signature, 1)
        return this.write(variant.signature, variant.value)
      }
      case 'a':
        return this.#array(type.slice(1), value)
      case '(':
      case '{': {
        const fields = value as unknown[]
        splitSignature(type.slice(1, -1)).forEach((field, i) => this.write(field, fields[i]))
        return
      }
      default:
        throw new Error(`unsupported D-Bus type "${type}"`)
    }
  }

  #array(element: string, value: unknown): void {
    const lengthAt = this.#at
    this.#uint32(0)
    this.align(alignmentOf(element))
    const start = this.#at
    if (element === 'y' && Buffer.isBuffer(value)) {
      this.#room(value.length)
      this.#at += value.copy(this.#buffer, this.#at)
    } else {
      for (const item of value as unknown[]) this.write(element, item)
    }
    this.#buffer.writeUInt32LE(this.#at - start, lengthAt)
  }

  #string(text: string, lengthBytes: 1 | 4): void {
    const bytes = Buffer.from(text, 'utf8')
    if (lengthBytes === 1) {
      this.#room(1)
      this.#buffer.writeUInt8(bytes.length, this.#at++)
    } else this.#uint32(bytes.length)
    this.#room(bytes.length + 1)
    this.#at += bytes.copy(this.#buffer, this.#at)
    this.#buffer[this.#at++] = 0
  }

  #uint32(value: number): void {
    this.#room(4)
    this.#at = this.#buffer.writeUInt32LE(value, this.#at)
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return
    const grown = Buffer.alloc(Math.max(this.#buffer.length * 2, this.#at + bytes))
    this.#buffer.copy(grown, 0, 0, this.#at)
    this.#buffer = grown
  }
}

class Reader {
  constructor(
    private readonly buffer: Buffer,
    private readonly littleEndian: boolean,
    public at = 0,
  ) {}

  align(to: number): void {
    this.at = Math.ceil(this.at / to) * to
  }

  read(type: string): unknown {
    const head = type[0]
    this.align(alignmentOf(type))
    const b = this.buffer
    const le = this.littleEndian
    switch (head) {
      case 'y':
        return b.readUInt8(this.at++)
      case 'n':
      case 'q': {
        const value =
          head === 'n' ? (le ? b.readInt16LE(this.at) : b.readInt16BE(this.at)) : this.#uint16()
        this.at += 2
        return value
      }
      case 'b':
        return this.#uint32() !== 0
      case 'u':
      case 'h':
        return this.#uint32()
      case 'i': {
        const value = le ? b.readInt32LE(this.at) : b.readInt32BE(this.at)
        this.at += 4
        return value
      }
      case 'x':
      case 't':
      case 'd': {
        const value =
          head === 'd'
            ? le ? b.readDoubleLE(this.at) : b.readDoubleBE(this.at)
            : head === 'x'
              ? le ? b.readBigInt64LE(this.at) : b.readBigInt64BE(this.at)
              : le ? b.readBigUInt64LE(this.at) : b.readBigUInt64BE(this.at) // prettier-ignore
        this.at += 8
        return value
      }
      case 's':
      case 'o':
        return this.#string(this.#uint32())
      case 'g':
        return this.#string(b.readUInt8(this.at++))
      case 'v': {
        const signature = this.#string(b.readUInt8(this.at++))
        return { signature, value: this.read(signature) } satisfies Variant
      }
      case 'a': {
        const element = type.slice(1)
        const length = this.#uint32()
        this.align(alignmentOf(element))
        const end = this.at + length
        if (end > b.length) throw new Error('D-Bus array runs past the end of the message')
        if (element === 'y') {
          this.at = end
          return Buffer.from(b.subarray(end - length, end))
        }
        const items: unknown[] = []
        while (this.at < end) items.push(this.read(element))
        return items
      }
      case '(':
      case '{':
        return splitSignature(type.slice(1, -1)).map((field) => this.read(field))
      default:
        throw new Error(`unsupported D-Bus type "${type}"`)
    }
  }

  #uint16(): number {
    return this.littleEndian ? this.buffer.readUInt16LE(this.at) : this.buffer.readUInt16BE(this.at)
  }

  #uint32(): number {
    const value = this.littleEndian
      ? this.buffer.readUInt32LE(this.at)
      : this.buffer.readUInt32BE(this.at)
    this.at += 4
    return value
  }

  #string(length: number): string {
    const text = this.buffer.toString('utf8', this.at, this.at + length)
    this.at += length + 1
    return text
  }
}

/** One message, little-endian, ready for the socket. */
export function encodeMessage(message: Message): Buffer {
  const body = new Writer()
  const types = splitSignature(message.signature ?? '')
  if (types.length !== message.body.length) {
    throw new Error(
      `D-Bus body has ${message.body.length} values for signature "${message.signature}"`,
    )
  }
  types.forEach((type, i) => body.write(type, message.body[i]))
  const bodyBytes = body.bytes()

  const fields: [number, Variant][] = []
  for (const [name, [code, signature]] of Object.entries(FIELD)) {
    const value = message[name as keyof typeof FIELD]
    if (value !== undefined && value !== '') fields.push([code, { signature, value }])
  }
  const header = new Writer()
  header.write('y', 'l'.charCodeAt(0))
  header.write('y', message.type)
  header.write('y', message.flags ?? 0)
  header.write('y', 1)
  header.write('u', bodyBytes.length)
  header.write('u', message.serial)
  header.write('a(yv)', fields)
  header.align(8)
  return Buffer.concat([header.bytes(), bodyBytes])
}

/** The length of the first whole message in `buffer`, or null while more bytes are needed. */
export function messageLength(buffer: Buffer): number | null {
  if (buffer.length < 16) return null
  const littleEndian = endianness(buffer)
  const bodyLength = littleEndian ? buffer.readUInt32LE(4) : buffer.readUInt32BE(4)
  const fieldsLength = littleEndian ? buffer.readUInt32LE(12) : buffer.readUInt32BE(12)
  const total = Math.ceil((16 + fieldsLength) / 8) * 8 + bodyLength
  return buffer.length >= total ? total : null
}

export function decodeMessage(buffer: Buffer): Message {
  const reader = new Reader(buffer, endianness(buffer), 1)
  const type = reader.read('y') as number
  const flags = reader.read('y') as number
  reader.read('y') // protocol version
  reader.read('u') // body length: the framing already used it
  const serial = reader.read('u') as number
  const message: Message = { type, flags, serial, body: [] }
  for (const [code, variant] of reader.read('a(yv)') as [number, Variant][]) {
    const name = Object.entries(FIELD).find(([, [fieldCode]]) => fieldCode === code)?.[0]
    if (name) (message as unknown as Record<string, unknown>)[name] = variant.value
  }
  reader.align(8)
  message.body = splitSignature(message.signature ?? '').map((field) => reader.read(field))
  return message
}

function endianness(buffer: Buffer): boolean {
  const mark = String.fromCharCode(buffer[0] ?? 0)
  if (mark !== 'l' && mark !== 'B') throw new Error('not a D-Bus message')
  return mark === 'l'
}
