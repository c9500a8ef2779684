import { writeAt } from '../direct-io/direct-file'

/** Bytes collected before a write. */
const WRITE_BYTES = 1 << 20

/** Collects bytes into one buffer and writes it out when full: few system calls per file. */
export class SequentialWriter {
  readonly #buffer = new Uint8Array(WRITE_BYTES)
  #used = 0

  constructor(
    private readonly fd: number,
    private position: number,
  ) {}

  write(bytes: Uint8Array): void {
    if (this.#used + bytes.length > this.#buffer.length) this.flush()
    if (bytes.length > this.#buffer.length) {
      writeAt(this.fd, bytes, this.position)
      this.position += bytes.length
      return
    }
    this.#buffer.set(bytes, this.#used)
    this.#used += bytes.length
  }

  /** Writes what is buffered; returns the position after it. */
  flush(): number {
    writeAt(this.fd, this.#buffer.subarray(0, this.#used), this.position)
    this.position += this.#used
    this.#used = 0
    return this.position
  }
}
