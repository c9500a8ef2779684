import { AudioError } from '../../audio-error'

/**
 * Walks the page headers of an Ogg stream as its bytes go by, without keeping the pages: the WASM
 * decoders resynchronise silently on damage, so this is how a cut or damaged stream is noticed.
 */
export class OggPageWalker {
  private readonly head = new Uint8Array(27 + 255)
  private headLength = 0
  /** Body bytes of the current page still to pass. */
  private bodyLeft = 0
  private _pages = 0
  private _lastWasEos = false

  get pages(): number {
    return this._pages
  }

  /** True when the last complete page carried the end-of-stream flag. */
  get endedWithEos(): boolean {
    return this._lastWasEos
  }

  /** True when the bytes seen so far end exactly at a page boundary. */
  get atPageBoundary(): boolean {
    return this.bodyLeft === 0 && this.headLength === 0
  }

  push(chunk: Uint8Array): void {
    let i = 0
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i)
        this.bodyLeft -= n
        i += n
        continue
      }
      const want = this.headLength < 27 ? 27 : 27 + this.head[26]!
      const n = Math.min(want - this.headLength, chunk.length - i)
      this.head.set(chunk.subarray(i, i + n), this.headLength)
      this.headLength += n
      i += n
      if (this.headLength >= 4 && this.headLength - n < 4) {
        const h = this.head
        if (h[0] !== 0x4f || h[1] !== 0x67 || h[2] !== 0x67 || h[3] !== 0x53) {
          throw new AudioError('corrupt', `the Ogg stream is damaged after page ${this._pages}`)
        }
      }
      if (this.headLength >= 27 && this.headLength === 27 + this.head[26]!) {
        let body = 0
        for (let s = 0; s < this.head[26]!; s++) body += this.head[27 + s]!
        this._lastWasEos = (this.head[5]! & 0x04) !== 0
        this._pages++
        this.bodyLeft = body
        this.headLength = 0
      }
    }
  }

  /** Throws AudioError 'truncated' unless the stream ended cleanly on its end-of-stream page. */
  checkComplete(): void {
    if (!this.atPageBoundary || !this.endedWithEos) {
      throw new AudioError('truncated', 'the Ogg stream is cut short (its last page is missing)')
    }
  }
}
