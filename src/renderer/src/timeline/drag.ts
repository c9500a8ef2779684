// One pointer press followed to its end, for every drag of the timeline (clips, their edges and
// handles, the ruler's loop): until the pointer has travelled `threshold` pixels the press is a
// click, after that a drag. The shape is wavesurfer.js's makeDraggable (src/draggable.ts): window
// listeners taken on the press and dropped on release, a start threshold, the click told apart.

/** Pointer travel (px) before a press becomes a drag: a click moves nothing. */
export const DRAG_THRESHOLD_PX = 3

/** What the helper reads of a pointer event (a PointerEvent has it). */
export interface PointerAt {
  clientX: number
  clientY: number
}

export interface DragOptions<E extends PointerAt> {
  /** Travel before the press becomes a drag, in pixels (DRAG_THRESHOLD_PX by default). */
  threshold?: number
  /** 'x': only horizontal travel counts (the ruler); 'xy' (default): travel in any direction. */
  axis?: 'x' | 'xy'
  /** Every move once the press is a drag (the move that crossed the threshold included). */
  onmove(event: E): void
  /** Released after dragging. */
  onend?(event: E): void
  /** Released before the threshold: a click. */
  onclick?(event: E): void
  /** The browser took the pointer away (pointercancel), dragging or not. */
  oncancel?(): void
}

/** Whether a press that moved by (dx, dy) pixels has become a drag. */
export function pastThreshold(
  dx: number,
  dy: number,
  threshold: number,
  axis: 'x' | 'xy' = 'xy',
): boolean {
  return (axis === 'x' ? Math.abs(dx) : Math.hypot(dx, dy)) >= threshold
}

/**
 * Follows the press `down` (call it from a pointerdown handler) on the pointer events of
 * `target` (the window, which sees the pointer wherever it goes) until it is released or
 * canceled. Answers a function that stops following early.
 */
export function followPress<E extends PointerAt>(
  down: E,
  target: EventTarget,
  options: DragOptions<E>,
): () => void {
  const threshold = options.threshold ?? DRAG_THRESHOLD_PX
  let dragging = false
  const move = (event: Event) => {
    const pointer = event as unknown as E
    const dx = pointer.clientX - down.clientX
    const dy = pointer.clientY - down.clientY
    if (!dragging && !pastThreshold(dx, dy, threshold, options.axis)) return
    dragging = true
    options.onmove(pointer)
  }
  const up = (event: Event) => {
    stop()
    if (dragging) options.onend?.(event as unknown as E)
    else options.onclick?.(event as unknown as E)
  }
  const cancel = () => {
    stop()
    options.oncancel?.()
  }
  const stop = () => {
    target.removeEventListener('pointermove', move)
    target.removeEventListener('pointerup', up)
    target.removeEventListener('pointercancel', cancel)
  }
  target.addEventListener('pointermove', move)
  target.addEventListener('pointerup', up)
  target.addEventListener('pointercancel', cancel)
  return stop
}
