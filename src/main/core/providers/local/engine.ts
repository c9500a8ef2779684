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
  /** Seconds of audio wanted; a continuation's include the audio it continues (as audiocraft). */
  seconds: number
  seed: number
  /**
   * Audio to continue, mono at the model's sample rate: the take begins with it (re-encoded by
   * EnCodec) and goes on from there. Needs the model's EnCodec encoder.
   */
  continueFrom?: Float32Array
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
      executionMode: 'sequential',
      enableCpuMemArena: true,
      ...(threads ? { intraOpNumThreads: threads } : {}),
      // Waiting threads sleep instead of spinning: a decoder step is tens of milliseconds of work,
      // so waking costs nothing that shows, while spinning threads would take the cores from the
      // app's own windows (and from everything else on a busy machine).
      extra: { 'session.intra_op.allow_spinning': '0' },
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
    private readonly dir: string,
    private readonly threads: number | undefined,
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
    const decoderFile = options.quantized ? MODEL_FILES.decoderInt8 : MODEL_FILES.decoder
    const decoder = await session(dir, decoderFile, threads)
    if (!decoder.inputNames.includes('past_length')) {
      await decoder.release()
      await text.release()
      // Optimum's layout (Xenova/musicgen-small) copies the whole cache every step: ours reads
      // it in place (kv-cache.ts), so only a decoder made by our export script will do.
      throw new ModelFileError(
        decoderFile,
        'this decoder keeps its cache the slow way (no past_length input): make the model again with scripts/musicgen_onnx/export.py',
      )
    }
    const encodec = await session(dir, MODEL_FILES.encodec, threads)
    return new MusicgenEngine(config, tokenizer, text, decoder, encodec, dir, threads)
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
    const known = req.continueFrom ? await this.#encodeAudio(req.continueFrom) : null
    const promptFrames = known?.frames ?? 0
    if (promptFrames >= frames) {
      throw new RangeError(
        `the audio to continue (${(promptFrames / c.frameRate).toFixed(1)} s) is as long as the take (${req.seconds} s): ask for a longer take or continue less audio`,
      )
    }
    /** A frame of the continued audio, or null where the model writes. */
    const knownCode = (k: number, frame: number): number | null =>
      known !== null && frame >= 0 && frame < promptFrames
        ? Number(known.codes[k * promptFrames + frame])
        : null
    for (let k = 0; k < c.codebooks; k++)
      for (let f = 0; f < promptFrames; f++) grid.set(f + k, k, knownCode(k, f)!)

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
    // The first call feeds the pad column and, when continuing, the whole known audio in the
    // delay pattern (as audiocraft's LM.generate does with a prompt): input position s holds
    // frame s − 1 − k of codebook k. Each later call feeds the tokens the step before chose.
    let input = this.#firstInput(promptFrames, knownCode)
    const total = steps - promptFrames
    for (let step = promptFrames; step < steps; step++) {
      if (canceled()) throw new CanceledError()
      const length = input.length / c.codebooks
      const ids = new BigInt64Array(batch * input.length)
      for (let b = 0; b < batch; b++)
        for (let i = 0; i < input.length; i++) ids[b * input.length + i] = BigInt(input[i]!)
      const feeds: Feeds = {
        ...encoded,
        ...cache.pastFeeds(),
        ...(cross ?? this.#emptyCross(batch)),
        input_ids: new Tensor('int64', ids, [batch * c.codebooks, length]),
        use_cache_branch: new Tensor('bool', [cross !== null], [1]),
      }
      const fetches: Record<string, Tensor | null> = {
        logits: length === 1 ? logitsOut : null,
      }
      for (const name of cache.addedOutputs) fetches[name] = null
      if (cross === null) for (const name of this.#crossNames()) fetches[name.present] = null
      const out = await this.decoder.run(this.#only(feeds), fetches)
      cache.append(out)
      if (cross === null) {
        cross = {}
        for (const name of this.#crossNames()) cross[name.past] = out[name.present]!
      }
      const logits = out.logits!.data as Float32Array
      /** The last position's logits of row r (codebook k of batch item b is row b·K + k). */
      const row = (r: number): Float32Array =>
        logits.subarray((r * length + length - 1) * vocab, (r * length + length) * vocab)
      const next: number[] = []
      for (let k = 0; k < c.codebooks; k++) {
        const frame = frameAt(pattern, step, k)
        let token = c.padTokenId
        if (frame !== null) {
          const given = knownCode(k, frame)
          if (given !== null) token = given
          else {
            const uncond = guided ? row(c.codebooks + k) : null
            token = sampleToken(guide(row(k), uncond, req.guidance, scratch), req, random)
          }
          grid.set(step, k, token)
        }
        next.push(token)
      }
      input = next
      onStep(step - promptFrames + 1, total)
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

  /** Input positions 0..P (codebook-major): the pad column, then P steps of known audio. */
  #firstInput(
    promptFrames: number,
    knownCode: (k: number, frame: number) => number | null,
  ): number[] {
    const c = this.config
    const input: number[] = []
    for (let k = 0; k < c.codebooks; k++) {
      for (let s = 0; s <= promptFrames; s++) {
        input.push(s === 0 ? c.padTokenId : (knownCode(k, s - 1 - k) ?? c.padTokenId))
      }
    }
    return input
  }

  /** EnCodec codes [K][frames] of mono audio at the model's rate, for a continuation. */
  async #encodeAudio(samples: Float32Array): Promise<{ codes: BigInt64Array; frames: number }> {
    const encoder = await session(this.dir, MODEL_FILES.encodecEncoder, this.threads)
    try {
      const out = await encoder.run({
        input_values: new Tensor('float32', samples, [1, 1, samples.length]),
      })
      const codes = out.audio_codes!
      if (codes.dims[1] !== this.config.codebooks) {
        throw new ModelFileError(
          MODEL_FILES.encodecEncoder,
          `gives ${codes.dims[1]} codebooks where the decoder has ${this.config.codebooks}`,
        )
      }
      return { codes: codes.data as BigInt64Array, frames: codes.dims[2]! }
    } finally {
      await encoder.release()
    }
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
