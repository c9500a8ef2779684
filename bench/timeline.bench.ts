import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../tests/helpers/browser'
import { startCore } from '../tests/helpers/core'
import { serveApp, type ServedApp } from '../tests/helpers/serve'

// The timeline with 300 clips on 8 tracks in headless Chromium against browser mode: frames per
// second while scrolling and zooming (target ≥ 55), and the time from a clip being created
// through the contract to its waveform on screen (target < 200 ms). Needs `npm run build`.
const dir = mkdtempSync(join(tmpdir(), 'musicsketch-bench-timeline-'))
let browser: Browser | undefined
let app: ServedApp | undefined
afterAll(async () => {
  await browser?.close()
  await app?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const TRACKS = 8
const CLIPS = 300
const RATE = 48000

function makeAudio(name: string, seconds: number, frequency: number): string {
  const path = join(dir, name)
  const made = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `sine=f=${frequency}:d=${seconds}:r=${RATE}`,
    '-af',
    `tremolo=f=${1 + (frequency % 7)}:d=0.8`,
    '-ac',
    '2',
    path,
  ])
  if (made.status !== 0) throw new Error(`ffmpeg failed: ${made.stderr.toString()}`)
  return path
}

interface FrameStats {
  frames: number
  seconds: number
  fps: number
  worstMs: number
  p95Ms: number
}

/** Dispatches a wheel event every frame for `seconds` and counts the frames the page paints. */
function measureWheel(page: Page, mode: 'scroll' | 'zoom', seconds: number): Promise<FrameStats> {
  return page.evaluate(
    ({ mode, seconds }) => {
      // Runs in the page; the bench's TypeScript has no DOM library, hence the narrow types.
      const scope = globalThis as unknown as {
        document: {
          querySelector(
            selector: string,
          ): EventTarget & { getBoundingClientRect(): { left: number; top: number; width: number } }
        }
        requestAnimationFrame(callback: (time: number) => void): number
        WheelEvent: new (type: string, init: Record<string, unknown>) => Event
      }
      const target = scope.document.querySelector('.tracks')
      const box = target.getBoundingClientRect()
      return new Promise<FrameStats>((resolve) => {
        const gaps: number[] = []
        let first = 0
        let last = 0
        let frame = 0
        const step = (time: number) => {
          if (first === 0) first = time
          else gaps.push(time - last)
          last = time
          frame++
          const half = time - first < (seconds * 1000) / 2
          const init =
            mode === 'scroll'
              ? { deltaY: half ? 60 : -60, deltaX: 0 }
              : { deltaY: half ? -12 : 12, deltaX: 0, ctrlKey: true }
          target.dispatchEvent(
            new scope.WheelEvent('wheel', {
              ...init,
              clientX: box.left + 240 + box.width / 3,
              clientY: box.top + 120,
              bubbles: true,
              cancelable: true,
            }),
          )
          if (time - first < seconds * 1000) scope.requestAnimationFrame(step)
          else {
            const sorted = [...gaps].sort((a, b) => a - b)
            resolve({
              frames: frame,
              seconds: (last - first) / 1000,
              fps: (gaps.length * 1000) / (last - first),
              worstMs: sorted[sorted.length - 1] ?? 0,
              p95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
            })
          }
        }
        scope.requestAnimationFrame(step)
      })
    },
    { mode, seconds },
  )
}

/**
 * Creates a clip over the page's host (a WebSocket opened beforehand) and times until a lane
 * canvas reports the new clip's waveform drawn.
 */
function timeToWaveform(
  page: Page,
  input: { trackId: string; assetId: string; start: number },
): Promise<number> {
  return page.evaluate(async (input) => {
    const scope = globalThis as unknown as {
      location: { host: string; search: string }
      document: { querySelectorAll(selector: string): ArrayLike<{ dataset: { drawn?: string } }> }
      requestAnimationFrame(callback: (time: number) => void): number
      WebSocket: new (url: string) => {
        onopen: (() => void) | null
        onmessage: ((event: { data: string }) => void) | null
        send(data: string): void
        close(): void
      }
    }
    const drawnIds = () => {
      const ids = new Set<string>()
      const canvases = scope.document.querySelectorAll('canvas[data-drawn]')
      for (let i = 0; i < canvases.length; i++) {
        for (const id of (canvases[i]!.dataset.drawn ?? '').split(' ')) if (id) ids.add(id)
      }
      return ids
    }
    const token = new URLSearchParams(scope.location.search).get('token') ?? ''
    const socket = new scope.WebSocket(`ws://${scope.location.host}/rpc?token=${token}`)
    await new Promise<void>((resolve) => (socket.onopen = () => resolve()))
    const before = drawnIds()
    const started = performance.now()
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'clips.create', params: input }))
    return await new Promise<number>((resolve) => {
      const check = () => {
        for (const id of drawnIds()) {
          if (!before.has(id)) {
            socket.close()
            resolve(performance.now() - started)
            return
          }
        }
        scope.requestAnimationFrame(check)
      }
      scope.requestAnimationFrame(check)
    })
  }, input)
}

describe('timeline benchmark', () => {
  it('300 clips on 8 tracks: fps while scrolling and zooming, new clip to waveform', async () => {
    const sources = Array.from({ length: 6 }, (_, i) =>
      makeAudio(`source-${i}.wav`, 4 + i, 110 * (i + 1)),
    )
    const fresh = Array.from({ length: 5 }, (_, i) => makeAudio(`fresh-${i}.wav`, 6, 150 + 40 * i))
    const dataDir = join(dir, 'data')
    const core = startCore(dataDir)
    const project = await core.call('projects.create', { name: 'Timeline bench' })
    const assets = []
    for (const source of sources) {
      assets.push(await core.call('assets.import', { projectId: project.id, path: source }))
    }
    const unused = []
    for (const source of fresh) {
      unused.push(await core.call('assets.import', { projectId: project.id, path: source }))
    }
    const tracks = []
    for (let t = 0; t < TRACKS; t++) {
      tracks.push(
        await core.call('tracks.create', { projectId: project.id, name: `Track ${t + 1}` }),
      )
    }
    const ends = new Array<number>(TRACKS).fill(0)
    for (let i = 0; i < CLIPS; i++) {
      const t = i % TRACKS
      const asset = assets[i % assets.length]!
      const length = Math.round(asset.frames * 0.75)
      await core.call('clips.create', {
        trackId: tracks[t]!.id,
        assetId: asset.id,
        start: ends[t]!,
        offset: Math.round(asset.frames * 0.1),
        length,
      })
      ends[t] = ends[t]! + length + RATE / 4
    }
    core.close()
    const seconds = Math.max(...ends) / RATE

    app = await serveApp(dataDir)
    browser = await launchChromium()
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    await page.goto(`${app.url}#/projects/${project.id}`)
    await page.locator('[data-clip-id]').first().waitFor({ timeout: 30_000 })
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
        ).document.querySelectorAll('canvas[data-drawn]:not([data-drawn=""])').length >= 8,
      undefined,
      { timeout: 30_000 },
    )
    // Warm up (peaks of the zoom levels the runs will visit are fetched once and cached).
    await measureWheel(page, 'zoom', 1)
    await measureWheel(page, 'scroll', 1)

    const scroll = await measureWheel(page, 'scroll', 3)
    const zoom = await measureWheel(page, 'zoom', 3)

    await page.keyboard.press('Home')
    const times: number[] = []
    for (const [i, asset] of unused.entries()) {
      times.push(
        await timeToWaveform(page, {
          trackId: tracks[i % TRACKS]!.id,
          assetId: asset.id,
          start: RATE * (1 + i),
        }),
      )
    }
    const sorted = [...times].sort((a, b) => a - b)
    const report = (name: string, stats: FrameStats) =>
      console.log(
        `${name}: ${stats.fps.toFixed(1)} fps over ${stats.seconds.toFixed(1)} s ` +
          `(${stats.frames} frames, p95 frame ${stats.p95Ms.toFixed(1)} ms, ` +
          `worst ${stats.worstMs.toFixed(1)} ms; target ≥ 55 fps)`,
      )
    console.log(
      `timeline: ${CLIPS} clips on ${TRACKS} tracks, ${seconds.toFixed(0)} s of project, 1600×1000`,
    )
    report('scroll', scroll)
    report('zoom', zoom)
    console.log(
      `new clip → waveform on screen: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, ` +
        `all ${times.map((t) => t.toFixed(0)).join(', ')} ms (target < 200 ms)`,
    )
    await page.close()
  })
})
