import type { Locator, Page } from 'playwright-core'
import type { Generation, ProjectDetail } from '../../src/shared/domain'
import type { TakePage } from '../../src/shared/takes'

/**
 * What a page function needs to reach the host over its own socket. Tests and benches compile
 * without the DOM library, hence the narrow shape.
 */
export interface SocketScope {
  location: { host: string; search: string }
  WebSocket: new (url: string) => {
    onopen: (() => void) | null
    onmessage: ((event: { data: string }) => void) | null
    onerror: (() => void) | null
    send(data: string): void
    close(): void
  }
}

/** A contract call from inside the page, over its own WebSocket to the host (same token). */
export async function rpc<T>(page: Page, method: string, params: unknown): Promise<T> {
  const result = await page.evaluate(
    async ({ method, params }) => {
      // Runs in the page; the test's TypeScript has no DOM library, hence the narrow types.
      const scope = globalThis as unknown as SocketScope
      const token = new URLSearchParams(scope.location.search).get('token') ?? ''
      const socket = new scope.WebSocket(`ws://${scope.location.host}/rpc?token=${token}`)
      return await new Promise<unknown>((resolve, reject) => {
        socket.onerror = () => reject(new Error('socket error'))
        socket.onopen = () => socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))
        socket.onmessage = (event) => {
          const message = JSON.parse(event.data) as { id?: number; result?: unknown }
          if (message.id !== 1) return
          socket.close()
          resolve(message.result)
        }
      })
    },
    { method, params },
  )
  const answer = result as { ok: boolean; value?: T; error?: unknown }
  if (!answer.ok) throw new Error(`${method} failed: ${JSON.stringify(answer.error)}`)
  return answer.value as T
}

export function projectIdOf(page: Page): string {
  const id = /#\/projects\/([0-9a-f-]{36})/.exec(page.url())?.[1]
  if (!id) throw new Error(`no project in ${page.url()}`)
  return id
}

export type Placed = {
  id: string
  trackIndex: number
  start: number
  length: number
  assetId: string
}

export async function clipsOf(page: Page): Promise<Placed[]> {
  const detail = await rpc<ProjectDetail>(page, 'projects.get', { projectId: projectIdOf(page) })
  return detail.tracks
    .flatMap((track, trackIndex) =>
      track.clips.map((clip) => ({
        id: clip.id,
        trackIndex,
        start: clip.start,
        length: clip.length,
        assetId: clip.assetId,
      })),
    )
    .sort((a, b) => a.trackIndex - b.trackIndex || a.start - b.start)
}

export async function centerOf(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).boundingBox()
  if (!box) throw new Error(`${selector} is not visible`)
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

export async function drag(page: Page, from: { x: number; y: number }, dx: number, dy: number) {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  for (let i = 1; i <= 8; i++) await page.mouse.move(from.x + (dx * i) / 8, from.y + (dy * i) / 8)
  await page.mouse.up()
}

/** Every take of the open project in full, newest first (the list pages; a test has few). */
export async function takesOf(page: Page): Promise<Generation[]> {
  const { takes } = await rpc<TakePage>(page, 'generations.list', {
    projectId: projectIdOf(page),
    limit: 1000,
  })
  return Promise.all(
    takes.map((take) => rpc<Generation>(page, 'generations.get', { generationId: take.id })),
  )
}

/** Drags a take from the takes list onto a lane, as the pointer would. */
export async function dragTakeOnto(page: Page, take: Locator, lane: Locator): Promise<void> {
  const box = await lane.boundingBox()
  if (!box) throw new Error('lane not visible')
  const dataTransfer = await page.evaluateHandle(() => {
    const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => object }
    return new DataTransfer()
  })
  await take.dispatchEvent('dragstart', { dataTransfer })
  const at = { dataTransfer, clientX: box.x + 4, clientY: box.y + box.height / 2 }
  await lane.dispatchEvent('dragover', at)
  await lane.dispatchEvent('drop', at)
}
