import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { Locator, Page } from 'playwright-core'

/** Where the page fetches the files to drop; answered by the test, never by the app. */
const DROP_PATH = '/__test-drop/'

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
  // The bytes reach the page through an intercepted same-origin fetch: passing tens of MB as a
  // base64 argument and decoding them in page script took over a minute on a busy machine.
  const pattern = `**${DROP_PATH}*`
  await page.route(pattern, (route) => {
    const index = Number(new URL(route.request().url()).pathname.slice(DROP_PATH.length))
    return route.fulfill({ status: 200, body: readFileSync(paths[index]!) })
  })
  const box = await target.boundingBox()
  if (!box) throw new Error('drop target is not visible')
  const clientX = box.x + box.width * at.x
  const clientY = box.y + box.height * at.y
  const dataTransfer = await page.evaluateHandle(
    async ({ names, prefix }) => {
      // Runs in the page; the test's TypeScript has no DOM library, hence the narrow type.
      const { DataTransfer } = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: File): void } }
      }
      const transfer = new DataTransfer()
      for (const [index, name] of names.entries()) {
        const bytes = await (await fetch(`${prefix}${index}`)).blob()
        transfer.items.add(new File([bytes], name, { type: 'audio/wav' }))
      }
      return transfer
    },
    { names: paths.map((path) => basename(path)), prefix: DROP_PATH },
  )
  await page.unroute(pattern)
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
