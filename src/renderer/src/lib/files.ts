export const ACCEPTED_AUDIO = 'WAV, AIFF, MP3, FLAC, Ogg Vorbis or Opus'

/** A dropped file's bytes as base64, for browser mode (the desktop app passes a path instead). */
export function fileToBase64(file: File): Promise<string> {
  // The browser's own encoder behind a data: URL: ~20× faster than btoa over JS strings.
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = reader.result
      if (typeof url === 'string') resolve(url.slice(url.indexOf(',') + 1))
      else reject(new Error(`could not read ${file.name}`))
    }
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`))
    reader.readAsDataURL(file)
  })
}
