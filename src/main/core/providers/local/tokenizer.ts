// A unigram (SentencePiece) tokenizer reading a Hugging Face tokenizer.json: what T5's tokenizer,
// and so MusicGen's text encoder, uses. Written here rather than taken from npm because the one
// maintained package that reads tokenizer.json (@huggingface/transformers) brings a second ONNX
// runtime along. Supported: NFKC/NFC/Lowercase/Strip/Replace/Precompiled normalizers (Precompiled,
// T5's, is taken as NFKC plus whitespace folding: its table is SentencePiece's nmt_nfkc), the
// Metaspace pre-tokenizer, the Unigram model (Viterbi, fused unknowns), TemplateProcessing.

const UNK_PENALTY = 10

type Json = Record<string, unknown>

export class TokenizerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TokenizerError'
  }
}

interface Piece {
  id: number
  score: number
}

function obj(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenizerError(`tokenizer.json: ${what} is not an object`)
  }
  return value as Json
}

type Normalize = (text: string) => string

function normalizerOf(spec: unknown): Normalize {
  if (spec === null || spec === undefined) return (t) => t
  const n = obj(spec, 'normalizer')
  switch (n.type) {
    case 'Sequence': {
      const parts = (n.normalizers as unknown[]).map(normalizerOf)
      return (t) => parts.reduce((acc, f) => f(acc), t)
    }
    case 'NFKC':
      return (t) => t.normalize('NFKC')
    case 'NFC':
      return (t) => t.normalize('NFC')
    case 'Lowercase':
      return (t) => t.toLowerCase()
    case 'Strip':
      return (t) => t.trim()
    case 'Precompiled':
      // SentencePiece's nmt_nfkc: NFKC, and runs of whitespace become one space.
      return (t) => t.normalize('NFKC').replace(/\s+/gu, ' ')
    case 'Replace': {
      const pattern = obj(n.pattern, 'Replace pattern')
      const content = String(n.content)
      if (typeof pattern.String === 'string') {
        const from = pattern.String
        return (t) => t.split(from).join(content)
      }
      if (typeof pattern.Regex === 'string') {
        const re = new RegExp(pattern.Regex, 'gu')
        return (t) => t.replace(re, content)
      }
      throw new TokenizerError('tokenizer.json: Replace without a pattern')
    }
    default:
      throw new TokenizerError(`tokenizer.json: normalizer ${String(n.type)} is not supported`)
  }
}

interface Metaspace {
  replacement: string
  prepend: boolean
  split: boolean
}

function metaspaceOf(spec: unknown): Metaspace {
  const p = obj(spec, 'pre_tokenizer')
  if (p.type === 'Sequence') {
    const inner = (p.pretokenizers as unknown[]).filter(
      (x) => obj(x, 'pre_tokenizer').type !== 'WhitespaceSplit',
    )
    if (inner.length !== 1)
      throw new TokenizerError('tokenizer.json: only Metaspace pre-tokenizers are supported')
    return metaspaceOf(inner[0])
  }
  if (p.type !== 'Metaspace') {
    throw new TokenizerError(`tokenizer.json: pre-tokenizer ${String(p.type)} is not supported`)
  }
  const scheme = p.prepend_scheme ?? (p.add_prefix_space === false ? 'never' : 'always')
  return {
    replacement: typeof p.replacement === 'string' ? p.replacement : '▁',
    prepend: scheme !== 'never',
    split: p.split !== false,
  }
}

/** Token ids to add around the text, from a TemplateProcessing `single` template. */
function templateOf(spec: unknown): { before: number[]; after: number[] } {
  if (spec === null || spec === undefined) return { before: [], after: [] }
  const p = obj(spec, 'post_processor')
  if (p.type !== 'TemplateProcessing') {
    throw new TokenizerError(`tokenizer.json: post-processor ${String(p.type)} is not supported`)
  }
  const specials = obj(p.special_tokens, 'special_tokens')
  const before: number[] = []
  const after: number[] = []
  let seen = false
  for (const item of p.single as unknown[]) {
    const it = obj(item, 'template item')
    if ('Sequence' in it) {
      seen = true
      continue
    }
    const id = String(obj(it.SpecialToken, 'SpecialToken').id)
    const ids = obj(specials[id], `special token ${id}`).ids as number[]
    ;(seen ? after : before).push(...ids)
  }
  return { before, after }
}

export class UnigramTokenizer {
  readonly #pieces = new Map<string, Piece>()
  readonly #maxLength: number
  readonly #unkId: number
  readonly #unkScore: number
  readonly #normalize: Normalize
  readonly #meta: Metaspace
  readonly #template: { before: number[]; after: number[] }

  constructor(json: unknown) {
    const root = obj(json, 'the file')
    const model = obj(root.model, 'model')
    if (model.type !== 'Unigram') {
      throw new TokenizerError(`tokenizer.json: model ${String(model.type)} is not a unigram model`)
    }
    const vocab = model.vocab
    if (!Array.isArray(vocab) || vocab.length === 0)
      throw new TokenizerError('tokenizer.json: empty vocabulary')
    let min = Infinity
    let maxLength = 1
    vocab.forEach((entry, id) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
        throw new TokenizerError(`tokenizer.json: vocabulary entry ${id} is not [piece, score]`)
      }
      this.#pieces.set(entry[0], { id, score: entry[1] })
      min = Math.min(min, entry[1])
      maxLength = Math.max(maxLength, [...entry[0]].length)
    })
    this.#maxLength = maxLength
    this.#unkId = typeof model.unk_id === 'number' ? model.unk_id : 0
    this.#unkScore = min - UNK_PENALTY
    this.#normalize = normalizerOf(root.normalizer)
    this.#meta = metaspaceOf(root.pre_tokenizer)
    this.#template = templateOf(root.post_processor)
  }

  get vocabSize(): number {
    return this.#pieces.size
  }

  encode(text: string): number[] {
    const ids: number[] = []
    for (const word of this.#words(this.#normalize(text))) ids.push(...this.#viterbi(word))
    return [...this.#template.before, ...ids, ...this.#template.after]
  }

  #words(text: string): string[] {
    if (text === '') return []
    const r = this.#meta.replacement
    let t = text.split(' ').join(r)
    if (this.#meta.prepend && !t.startsWith(r)) t = r + t
    if (!this.#meta.split) return [t]
    // Each replacement character starts a new word (merged with what follows it).
    const words: string[] = []
    let current = ''
    for (const ch of t) {
      if (ch === r && current !== '') {
        words.push(current)
        current = ''
      }
      current += ch
    }
    if (current !== '') words.push(current)
    return words
  }

  #viterbi(word: string): number[] {
    const chars = [...word]
    const n = chars.length
    const best = new Float64Array(n + 1).fill(-Infinity)
    const from = new Int32Array(n + 1).fill(-1)
    const idAt = new Int32Array(n + 1).fill(-1)
    best[0] = 0
    for (let start = 0; start < n; start++) {
      if (best[start] === -Infinity) continue
      let piece = ''
      let single = false
      for (let len = 1; len <= this.#maxLength && start + len <= n; len++) {
        piece += chars[start + len - 1]
        const hit = this.#pieces.get(piece)
        if (hit === undefined) continue
        if (len === 1) single = true
        const score = best[start]! + hit.score
        if (score > best[start + len]!) {
          best[start + len] = score
          from[start + len] = start
          idAt[start + len] = hit.id
        }
      }
      if (!single) {
        const score = best[start]! + this.#unkScore
        if (score > best[start + 1]!) {
          best[start + 1] = score
          from[start + 1] = start
          idAt[start + 1] = this.#unkId
        }
      }
    }
    const out: number[] = []
    for (let end = n; end > 0; end = from[end]!) out.push(idAt[end]!)
    out.reverse()
    // Consecutive unknown characters become one unknown token, as SentencePiece does.
    return out.filter((id, i) => !(id === this.#unkId && out[i - 1] === this.#unkId))
  }
}
