/** What went wrong with an audio file, for the caller to map to a user-facing message. */
export type AudioErrorCode = 'corrupt' | 'truncated' | 'empty' | 'not_audio' | 'unsupported'

/**
 * An error about audio content. The message names the problem; the caller adds the file name.
 */
export class AudioError extends Error {
  constructor(
    readonly code: AudioErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'AudioError'
  }
}
