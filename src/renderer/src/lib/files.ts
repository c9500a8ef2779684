export const ACCEPTED_AUDIO = 'WAV, AIFF, MP3, FLAC, Ogg Vorbis or Opus'

/** A dropped file's bytes as base64, for browser mode (the desktop app passes a path instead). */
export async function fileToBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  const step = 0x8000
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step))
  }
  return btoa(binary)
}
