// The model the local provider runs, as Settings and the panel describe it. One place for these
// facts: the manager downloads what this names, the UI shows it.

export const LOCAL_MODEL = {
  id: 'musicgen-small',
  label: 'MusicGen small (ONNX)',
  /** The weights' licence, shown before anything is downloaded. */
  licence: 'CC-BY-NC 4.0',
  licenceNote:
    "Meta's MusicGen weights are licensed CC-BY-NC 4.0: you may use what you make with them for non-commercial purposes only.",
  /**
   * What the download weighs, roughly: fp32 decoder 1.70 GB, int8 decoder 0.44 GB, text encoder
   * 0.44 GB, EnCodec decoder and encoder 0.12 GB each (sizes of the script's musicgen-small export).
   */
  approxBytes: 2_800_000_000,
  sampleRate: 32_000,
} as const

/** Why a continuation cannot run on a model installed without EnCodec's encoder, and what to do. */
export const NO_ENCODER_MESSAGE =
  'The model on this computer cannot continue a clip: it was installed without its EnCodec ' +
  'encoder. Delete it in Settings and download it again from a hub that has the encoder, or ' +
  'continue with another provider.'

export type LocalModelState =
  | { state: 'absent' }
  | { state: 'downloading'; bytesDone: number; bytesTotal: number }
  /** `continues`: the model has EnCodec's encoder, which continuing a clip needs. */
  | { state: 'installed'; bytes: number; path: string; continues: boolean }

export interface LocalModelStatus {
  model: typeof LOCAL_MODEL
  hubUrl: string
  status: LocalModelState
  /** The last download's failure, in words for the musician; null once a download succeeds. */
  error: { code: LocalModelErrorCode; message: string } | null
}

export type LocalModelErrorCode =
  | 'offline'
  | 'hub_error'
  | 'bad_manifest'
  | 'checksum_mismatch'
  | 'disk_full'
  | 'canceled'
  | 'io_error'

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`
}
