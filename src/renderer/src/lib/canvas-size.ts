/** A canvas's backing size in device pixels, for a size in CSS pixels. */
export interface DeviceSize {
  ratio: number
  pixelWidth: number
  pixelHeight: number
}

/**
 * Sizes `canvas` to `width` × `height` CSS pixels at the screen's pixel density, touching its
 * width and height only when they change (setting them clears the canvas and costs a frame).
 */
export function fitCanvas(canvas: HTMLCanvasElement, width: number, height: number): DeviceSize {
  const ratio = window.devicePixelRatio || 1
  const pixelWidth = Math.round(width * ratio)
  const pixelHeight = Math.round(height * ratio)
  if (canvas.width !== pixelWidth) canvas.width = pixelWidth
  if (canvas.height !== pixelHeight) canvas.height = pixelHeight
  return { ratio, pixelWidth, pixelHeight }
}
