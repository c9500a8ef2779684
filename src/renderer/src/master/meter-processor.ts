// The master meter's AudioWorklet: runs on the audio thread on the master bus's signal and posts
// a reading about every 50 ms (peaks since the last one, momentary and short-term loudness).
// Bundled on its own (imported with `?worker&url`), so it holds no DOM code.
import { MeterCore, type MeterReading } from './meter-core'

/** Frames between two readings: about 50 ms at 48 kHz. */
const READ_FRAMES = 2400

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not describe.
declare const sampleRate: number
declare class AudioWorkletProcessor {
  readonly port: MessagePort
}
declare function registerProcessor(
  name: string,
  processor: new () => AudioWorkletProcessor & {
    process(inputs: Float32Array[][]): boolean
  },
): void

class MasterMeterProcessor extends AudioWorkletProcessor {
  readonly #core = new MeterCore(sampleRate)
  readonly #reading: MeterReading = { peak: [0, 0], momentary: -Infinity, shortTerm: -Infinity }
  #frames = 0

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0]
    const left = channels?.[0]
    if (left) {
      this.#core.push(left, channels[1] ?? left, left.length)
      this.#frames += left.length
    }
    if (this.#frames >= READ_FRAMES) {
      this.#frames = 0
      this.#core.read(this.#reading)
      const { peak, momentary, shortTerm } = this.#reading
      this.port.postMessage([peak[0], peak[1], momentary, shortTerm])
    }
    return true
  }
}

registerProcessor('master-meter', MasterMeterProcessor)
