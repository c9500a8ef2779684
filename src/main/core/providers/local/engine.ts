// MusicGen on ONNX Runtime: text encoder, the merged decoder stepped with its key/value cache, and
// EnCodec. Our own loop (delay pattern over the codebooks, classifier-free guidance as a batch of
// two, seeded sampling) so that progress, cancel and reproducibility are ours. Runs in a worker.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { InferenceSession, Tensor } from 'onnxruntime-node'
import { CodeGrid, frameAt, stepCount } from './delay-pattern'
import { KvCache } from './kv-cache'
import { MODEL_FILES, ModelFileError, type ModelConfig, readModelConfig } from './model-files'
import { SeededRandom, type SamplingParams, guide, sampleToken } from './sampler'
import { UnigramTokenizer } from './tokenizer'

export interface GenerateRequest extends SamplingParams {
  prompt: string
  /** Seconds of audio wanted. */
  seconds: number
  seed: number
}

export interface GenerateResult {
  /** Mono float samples at `sampleRate`. */
  samples: Float32Array
  sampleRate: number
  /** The codes EnCodec decoded, [codebooks][frames] in frame order. */
  codes: BigInt64Array
}

export class CanceledError extends Error {
  constructor() {
    super('canceled')
    this.name = 'CanceledError'
  }
}

export interface EngineOptions {
  /** Use the int8 decoder (decoder_model_merged_quantized.onnx). */
  quantized: boolean
  intraOpThreads?: number
}

type Feeds = Record<string, Tensor>

async function session(dir: string, file: string, threads?: number): Promise<InferenceSession> {
  try {
    return await InferenceSession.create(join(dir, file), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(threads ? { intraOpNumThreads: threads } : {}),
    })
  } catch (error) {
    throw new ModelFileError(file, error instanceof Error ? error.message : String(error))
  }
}

export class MusicgenEngine {
  private constructor(
    readonly config: ModelConfig,
    private readonly tokenizer: UnigramTokenizer,
    private readonly textEncoder: InferenceSession,
    private readonly decoder: InferenceSession,
    private readonly encodec: InferenceSession,
  ) {}

  static async load(dir: string, options: EngineOptions): Promise<MusicgenEngine> {
    const config = await readModelConfig(dir)
    let tokenizer: UnigramTokenizer
    try {
      tokenizer = new UnigramTokenizer(
        JSON.parse(await readFile(join(dir, MODEL_FILES.tokenizer), 'utf8')),
      )
    } catch (error) {
      throw new ModelFileError(
        MODEL_FILES.tokenizer,
        error instanceof Error ? error.message : String(error),
      )
    }
    const threads = options.intraOpThreads
    const text = await session(dir, MODEL_FILES.textEncoder, threads)
    const decoder = await session(
      dir,
      options.quantized ? MODEL_FILES.decoderInt8 : MODEL_FILES.decoder,
      threads,
    )
    const encodec = await session(dir, MODEL_FILES.encodec, threads)
    return new MusicgenEngine(config, tokenizer, text, decoder, encodec)
  }

  async release(): Promise<void> {
    await Promise.all([this.textEncoder.release(), this.decoder.release(), this.encodec.release()])
  }

  /** Frames for a length: EnCodec 32 kHz makes 50 a second. */
  framesFor(seconds: number): number {
    return Math.max(1, Math.round(seconds * this.config.frameRate))
  }

  async generate(
    req: GenerateRequest,
    onStep: (done: number, total: number) => void,
    canceled: () => boolean,
  ): Promise<GenerateResult> {
    const c = this.config
    const frames = this.framesFor(req.seconds)
    if (frames + c.codebooks > c.maxPositions) {
      throw new RangeError(
        `${req.seconds} s is longer than the model can write (${Math.floor(c.maxPositions / c.frameRate)} s)`,
      )
    }
    const pattern = { codebooks: c.codebooks, frames }
    const steps = stepCount(pattern)
    const grid = new CodeGrid(pattern)
    const random = new SeededRandom(req.seed)
    const guided = req.guidance > 1
    const batch = guided ? 2 : 1

    const encoded = await this.#encodeText(req.prompt, batch)
    const cache = new KvCache({
      layers: c.layers,
      batch,
      heads: c.heads,
      headDim: c.headDim,
      capacity: steps,
    })
    const vocab = c.vocabSize
    // Preallocated like the cache: ONNX Runtime writes the logits where we read them.
    const logitsOut = new Tensor('float32', new Float32Array(batch * c.codebooks * vocab), [
      batch * c.codebooks,
      1,
      vocab,
    ])
    // The text's keys and values for cross-attention: computed by the first step (the decoder's
    // no-past branch), then given back as past on every later step, never recomputed.
    let cross: Feeds | null = null
    const scratch = new Float32Array(vocab)
    let previous = new Array<number>(c.codebooks).fill(c.padTokenId)
    for (let step = 0; step < steps; step++) {
      if (canceled()) throw new CanceledError()
      const ids = new BigInt64Array(batch * c.codebooks)
      for (let b = 0; b < batch; b++)
        for (let k = 0; k < c.codebooks; k++) ids[b * c.codebooks + k] = BigInt(previous[k]!)
      const feeds: Feeds = {
        ...encoded,
        ...cache.pastFeeds(),
        ...(cross ?? this.#emptyCross(batch)),
        input_ids: new Tensor('int64', ids, [batch * c.codebooks, 1]),
        use_cache_branch: new Tensor('bool', [cross !== null], [1]),
      }
      const fetches: Record<string, Tensor | null> = {
        logits: logitsOut,
        ...cache.presentFetches(),
      }
      if (cross === null) for (const name of this.#crossNames()) fetches[name.present] = null
      const out = await this.decoder.run(this.#only(feeds), fetches)
      cache.advance()
      if (cross === null) {
        cross = {}
        for (const name of this.#crossNames()) cross[name.past] = out[name.present]!
      }
      const logits = out.logits!.data as Float32Array
      const next: number[] = []
      for (let k = 0; k < c.codebooks; k++) {
        if (frameAt(pattern, step, k) === null) {
          next.push(c.padTokenId)
          continue
        }
        const cond = logits.subarray(k * vocab, (k + 1) * vocab)
        const uncond = guided
          ? logits.subarray((c.codebooks + k) * vocab, (c.codebooks + k + 1) * vocab)
          : null
        const token = sampleToken(guide(cond, uncond, req.guidance, scratch), req, random)
        grid.set(step, k, token)
        next.push(token)
      }
      previous = next
      onStep(step + 1, steps)
    }
    if (canceled()) throw new CanceledError()
    const codes = new Tensor('int64', grid.codes, [1, 1, c.codebooks, frames])
    const audio = await this.encodec.run({ audio_codes: codes })
    const values = audio.audio_values!.data as Float32Array
    const wanted = Math.round(req.seconds * c.sampleRate)
    return {
      samples: values.slice(0, Math.min(wanted, values.length)),
      sampleRate: c.sampleRate,
      codes: grid.codes,
    }
  }

  /** Text states for [prompt, unconditional]: the unconditional half is zeros with a zero mask, as in transformers. */
  async #encodeText(prompt: string, batch: number): Promise<Feeds> {
    const ids = this.tokenizer.encode(prompt)
    const n = ids.length
    const input = new Tensor(
      'int64',
      BigInt64Array.from(ids, (v) => BigInt(v)),
      [1, n],
    )
    const mask1 = new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n])
    const out = await this.textEncoder.run({ input_ids: input, attention_mask: mask1 })
    const states = out.last_hidden_state!
    const hidden = states.dims[2]!
    const data = new Float32Array(batch * n * hidden)
    data.set(states.data as Float32Array)
    const mask = new BigInt64Array(batch * n)
    mask.fill(1n, 0, n)
    return {
      encoder_hidden_states: new Tensor('float32', data, [batch, n, hidden]),
      encoder_attention_mask: new Tensor('int64', mask, [batch, n]),
    }
  }

  /** The feeds the decoder declares: an export may drop an input its graph never reads. */
  #only(feeds: Feeds): Feeds {
    const picked: Feeds = {}
    for (const name of this.decoder.inputNames) {
      const value = feeds[name]
      if (value === undefined)
        throw new ModelFileError(
          MODEL_FILES.decoder,
          `the decoder wants an input ${name} MusicGen does not have`,
        )
      picked[name] = value
    }
    return picked
  }

  /** Cross-attention cache names per layer, as past (input) and present (output). */
  #crossNames(): { past: string; present: string }[] {
    const out: { past: string; present: string }[] = []
    for (let i = 0; i < this.config.layers; i++) {
      for (const part of ['encoder.key', 'encoder.value']) {
        out.push({ past: `past_key_values.${i}.${part}`, present: `present.${i}.${part}` })
      }
    }
    return out
  }

  /** The first step's cross-attention past: empty, the decoder computes it from the text. */
  #emptyCross(batch: number): Feeds {
    const c = this.config
    const feeds: Feeds = {}
    for (const name of this.#crossNames()) {
      feeds[name.past] = new Tensor('float32', new Float32Array(0), [batch, c.heads, 0, c.headDim])
    }
    return feeds
  }
}
