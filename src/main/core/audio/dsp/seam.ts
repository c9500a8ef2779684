import { measureLoudness } from './loudness'
import { frameCount, type PcmAudio } from './pcm'
import { resample } from './resample'

/**
 * Seam alignment of a continuation (ARCHITECTURE.md, "Continuation chains").
 *
 * MusicGen returns the context slice (re-encoded through EnCodec) followed by the new audio, so
 * the first W seconds of the result R are a near copy of the parent's last W seconds. Both are
 * brought to the project rate (resample.ts) and compared:
 *
 * - Lag: the integer k in [-maxLag, maxLag] maximising the normalised cross-correlation of the
 *   mono mixes (mean removed), c(k) = Σ a[i]·b[i+k] / √(Σ a[i]² · Σ b[i+k]²) over the frames
 *   both cover, i.e. R[i + k] ≈ tail[i]. The raw correlation comes from one zero-padded FFT
 *   pair (O(N log N): about 0.1 s for 10 s at 48 kHz), the energies from prefix sums. Only the
 *   last `analysisSeconds` before the seam are used. A peak below `minCorrelation` (unrelated
 *   audio, noise, silence) is not trusted: lag 0 and `aligned: false`.
 * - Gain: the dB that brings R's overlap (aligned by the lag) to the parent's loudness,
 *   measured as the mixdown hears them (mono doubled to stereo, the first two channels of
 *   more): BS.1770 integrated loudness, or RMS when the overlap is under 400 ms or gated silent.
 *   0 dB when either side is silent.
 */
export interface SeamOptions {
  /** Largest lag searched, in seconds either way (default 0.05). */
  maxLagSeconds?: number
  /** Peak correlation below which the lag is not trusted (default 0.5). */
  minCorrelation?: number
  /** Longest stretch before the seam used for the lag (default 10 s). */
  analysisSeconds?: number
}

export interface SeamAlignment {
  /** Samples at the project rate with R[i + lag] ≈ tail[i]; 0 when not `aligned`. */
  lagSamples: number
  /** Peak normalised cross-correlation in [-1, 1] (0 for silence). */
  correlation: number
  /** Whether the correlation was high enough to trust the lag. */
  aligned: boolean
  /** Gain for R (dB) that matches its overlap to the parent's. */
  gainDb: number
  /** How the gain was measured: 'none' when either side is silent (gainDb 0). */
  gainMethod: 'bs1770' | 'rms' | 'none'
}

// ---------------------------------------------------------------------------------------------
// FFT

/** In-place iterative radix-2 complex FFT (n a power of two); inverse without the 1/n. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1
    for (; j & bit; bit >>= 1) j ^= bit
    j ^= bit
    if (i < j) {
      let t = re[i]!
      re[i] = re[j]!
      re[j] = t
      t = im[i]!
      im[i] = im[j]!
      im[j] = t
    }
  }
  const sign = inverse ? 1 : -1
  // Twiddles of the largest stage, reused with a stride by the smaller ones.
  const half = n >> 1
  const cos = new Float64Array(half)
  const sin = new Float64Array(half)
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n)
    sin[k] = sign * Math.sin((2 * Math.PI * k) / n)
  }
  for (let size = 2; size <= n; size <<= 1) {
    const h = size >> 1
    const stride = n / size
    for (let start = 0; start < n; start += size) {
      for (let k = 0, t = 0; k < h; k++, t += stride) {
        const wr = cos[t]!
        const wi = sin[t]!
        const a = start + k
        const b = a + h
        const xr = re[b]! * wr - im[b]! * wi
        const xi = re[b]! * wi + im[b]! * wr
        re[b] = re[a]! - xr
        im[b] = im[a]! - xi
        re[a] = re[a]! + xr
        im[a] = im[a]! + xi
      }
    }
  }
}

/**
 * Normalised cross-correlation c(k) for k = -maxLag…maxLag (index k + maxLag), with
 * c(k) = Σ a[i]·b[i+k] / √(Σ a[i]² · Σ b[i+k]²) over the i where both are defined; 0 where
 * either side has no energy.
 */
export function normalizedCrossCorrelation(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  maxLag: number,
): Float64Array {
  const na = a.length
  const nb = b.length
  const out = new Float64Array(2 * maxLag + 1)
  if (na === 0 || nb === 0) return out
  // Zero padding to max(na, nb) + maxLag keeps every searched lag free of wrap-around.
  let size = 1
  while (size < Math.max(na, nb) + maxLag) size <<= 1
  // One complex FFT of a + i·b gives both spectra.
  const re = new Float64Array(size)
  const im = new Float64Array(size)
  re.set(a)
  im.set(b)
  fft(re, im, false)
  // Cross spectrum conj(A)·B, with A = (Z[k] + conj Z[n-k]) / 2, B = (Z[k] − conj Z[n-k]) / 2i.
  const pr = new Float64Array(size)
  const pi = new Float64Array(size)
  for (let k = 0; k < size; k++) {
    const m = (size - k) & (size - 1)
    const zr = re[k]!
    const zi = im[k]!
    const cr = re[m]!
    const ci = -im[m]!
    const ar = (zr + cr) / 2
    const ai = (zi + ci) / 2
    const br = (zi - ci) / 2
    const bi = -(zr - cr) / 2
    pr[k] = ar * br + ai * bi
    pi[k] = ar * bi - ai * br
  }
  fft(pr, pi, true)
  const ea = prefixEnergy(a)
  const eb = prefixEnergy(b)
  for (let k = -maxLag; k <= maxLag; k++) {
    const lo = Math.max(0, -k)
    const hi = Math.min(na, nb - k)
    if (hi <= lo) continue
    const energy = (ea[hi]! - ea[lo]!) * (eb[hi + k]! - eb[lo + k]!)
    if (!(energy > 0)) continue
    const r = pr[(k + size) & (size - 1)]! / size
    out[k + maxLag] = Math.max(-1, Math.min(1, r / Math.sqrt(energy)))
  }
  return out
}

function prefixEnergy(x: Float32Array | Float64Array): Float64Array {
  const p = new Float64Array(x.length + 1)
  for (let i = 0; i < x.length; i++) p[i + 1] = p[i]! + x[i]! * x[i]!
  return p
}

// ---------------------------------------------------------------------------------------------
// Seam

function atRate(audio: PcmAudio, rate: number): PcmAudio {
  return audio.sampleRate === rate ? audio : resample(audio, rate)
}

/** Mono mix of frames [from, to) with its mean removed. */
function monoMix(audio: PcmAudio, from: number, to: number): Float64Array {
  const n = Math.max(0, to - from)
  const out = new Float64Array(n)
  const chans = audio.channels
  if (chans.length === 0) return out
  for (const ch of chans) for (let i = 0; i < n; i++) out[i] = out[i]! + ch[from + i]!
  let mean = 0
  for (let i = 0; i < n; i++) mean += out[i]!
  mean /= n || 1
  const scale = 1 / chans.length
  for (let i = 0; i < n; i++) out[i] = (out[i]! - mean) * scale
  return out
}

/** Frames [from, from + count) as the mixdown plays them: two channels. */
function stereoView(audio: PcmAudio, from: number, count: number): PcmAudio {
  const left = audio.channels[0]?.subarray(from, from + count) ?? new Float32Array(count)
  const right = audio.channels[1]?.subarray(from, from + count) ?? left
  return { sampleRate: audio.sampleRate, channels: [left, right] }
}

function rms(audio: PcmAudio): number {
  let sum = 0
  let n = 0
  for (const ch of audio.channels) {
    for (let i = 0; i < ch.length; i++) sum += ch[i]! * ch[i]!
    n += ch.length
  }
  return n === 0 ? 0 : Math.sqrt(sum / n)
}

/** Gain (dB) that brings `result` to the level of `parent`. */
function matchGain(
  parent: PcmAudio,
  result: PcmAudio,
): Pick<SeamAlignment, 'gainDb' | 'gainMethod'> {
  const lp = measureLoudness(parent).integratedLufs
  const lr = measureLoudness(result).integratedLufs
  if (Number.isFinite(lp) && Number.isFinite(lr)) return { gainDb: lp - lr, gainMethod: 'bs1770' }
  const rp = rms(parent)
  const rr = rms(result)
  if (rp > 0 && rr > 0) return { gainDb: 20 * Math.log10(rp / rr), gainMethod: 'rms' }
  return { gainDb: 0, gainMethod: 'none' }
}

/**
 * Aligns a continuation's head on its parent's tail. `parentTail`: the parent's last W seconds
 * (as sent to the model); `resultHead`: R's first W seconds (or more); any rates and channel
 * counts. The lag is in samples at `projectRate`.
 */
export function alignSeam(
  parentTail: PcmAudio,
  resultHead: PcmAudio,
  projectRate: number,
  options: SeamOptions = {},
): SeamAlignment {
  const maxLagSeconds = options.maxLagSeconds ?? 0.05
  const minCorrelation = options.minCorrelation ?? 0.5
  const analysisSeconds = options.analysisSeconds ?? 10
  const tail = atRate(parentTail, projectRate)
  const head = atRate(resultHead, projectRate)
  const nt = frameCount(tail)
  const nh = frameCount(head)
  // Frame i of the tail lies over frame i of the head (both start where the context starts).
  const n = Math.min(nt, nh)
  const maxLag = Math.min(Math.round(maxLagSeconds * projectRate), Math.max(0, n - 1))
  const from = Math.max(0, n - Math.round(analysisSeconds * projectRate))
  // The head window reaches maxLag beyond the tail's on each side so every lag sees full overlap.
  const headFrom = Math.max(0, from - maxLag)
  const headTo = Math.min(nh, n + maxLag)
  const a = monoMix(tail, from, n)
  const b = monoMix(head, headFrom, headTo)
  const shift = from - headFrom // b[i + shift + k] = head[from + i + k]
  const span = maxLag + shift
  const ncc = normalizedCrossCorrelation(a, b, span)
  let lag = 0
  let best = -Infinity
  for (let k = -maxLag; k <= maxLag; k++) {
    const c = ncc[span + k + shift]!
    // Ties go to the smaller shift: the model's output is nominally aligned.
    if (c > best || (c === best && Math.abs(k) < Math.abs(lag))) {
      best = c
      lag = k
    }
  }
  const correlation = best === -Infinity ? 0 : best
  const aligned = correlation >= minCorrelation
  if (!aligned) lag = 0
  // The overlap as aligned: tail[i] against head[i + lag].
  const lo = Math.max(0, -lag)
  const hi = Math.min(nt, nh - lag)
  const count = Math.max(0, hi - lo)
  const gain = matchGain(stereoView(tail, lo, count), stereoView(head, lo + lag, count))
  return { lagSamples: lag, correlation, aligned, ...gain }
}
