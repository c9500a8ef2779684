import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Locator, Page } from 'playwright-core'

/**
 * Drops files onto an element as a user dragging them from the desktop would: a DataTransfer
 * holding real File objects, dispatched as dragenter, dragover and drop at the element's position.
 */
export async function dropFiles(
  page: Page,
  target: Locator,
  paths: string[],
  at = { x: 0.1, y: 0.5 },
): Promise<void> {
  const files = paths.map((path) => ({
    name: basename(path),
    data: readFileSync(path).toString('base64'),
  }))
  const box = await target.boundingBox()
  if (!box) throw new Error('drop target is not visible')
  const clientX = box.x + box.width * at.x
  const clientY = box.y + box.height * at.y
  const dataTransfer = await page.evaluateHandle((list) => {
    // Runs in the page; the test's TypeScript has no DOM library, hence the narrow type.
    const { DataTransfer } = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: File): void } }
    }
    const transfer = new DataTransfer()
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0))
      transfer.items.add(new File([bytes], file.name, { type: 'audio/wav' }))
    }
    return transfer
  }, files)
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await target.dispatchEvent(type, {
      dataTransfer,
      clientX,
      clientY,
      bubbles: true,
      cancelable: true,
    })
  }
}
