import { loadavg } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'vitest'
import type { CDPSession, Page } from 'playwright-core'
import { BrowserBench } from './browser-bench'
import { buildBigProject, type BigProject } from '../tests/helpers/big-project'

// The timeline with 2,000 clips on 50 tracks (and on 8, 20 and 100) in headless Chromium against browser
// mode: frames per second while scrolling sideways, zooming and scrolling the tracks up and down
// (target ≥ 55 at 50 tracks), next to the reference: the same browser, under the same load,
// painting an empty page while the same wheel events are sent (the most it can do here). Also the
// time from a clip being created through the contract to its waveform on screen (target < 200 ms).
// Needs `npm run build`.
const bench = new BrowserBench('timeline')

const RATE = 48000
/** The track counts measured (2,000 clips each); the target is at 50. */
const TRACK_COUNTS = [8, 20, 50, 100]

interface FrameStats {
  frames: number
  seconds: number
  fps: number
  worstMs: number
  p95Ms: number
}

type WheelMode = 'scroll' | 'zoom' | 'tracks'

/**
 * Dispatches a wheel event every frame for `seconds` and counts the frames the page paints:
 * sideways scroll and zoom on the lanes, or an up-and-down scroll of the track list.
 */
function measureWheel(page: Page, mode: WheelMode, seconds: number): Promise<FrameStats> {
  return page.evaluate(
    ({ mode, seconds }) => {
      // Runs in the page; the bench's TypeScript has no DOM library, hence the narrow types.
      const scope = globalThis as unknown as {
        document: {
          querySelector(selector: string): EventTarget & {
            getBoundingClientRect(): { left: number; top: number; width: number }
            scrollTop: number
          }
        }
        requestAnimationFrame(callback: (time: number) => void): number
        WheelEvent: new (type: string, init: Record<string, unknown>) => Event
      }
      const target = scope.document.querySelector('.tracks')
      const lanes = scope.document.querySelector('.lanes')
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
          if (mode === 'tracks') {
            // A wheel event made by a script does not scroll: move the list as the wheel would.
            lanes.scrollTop += half ? 60 : -60
            if (time - first < seconds * 1000) scope.requestAnimationFrame(step)
            else finish()
            return
          }
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
          else finish()
        }
        const finish = () => {
          const sorted = [...gaps].sort((a, b) => a - b)
          resolve({
            frames: frame,
            seconds: (last - first) / 1000,
            fps: (gaps.length * 1000) / (last - first),
            worstMs: sorted[sorted.length - 1] ?? 0,
            p95Ms: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
          })
        }
        scope.requestAnimationFrame(step)
      })
    },
    { mode, seconds },
  )
}

/**
 * Creates a clip over the page's host (a WebSocket opened beforehand) and times until the lanes
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

/** The page the reference runs on: a lanes-sized box to scroll and wheel over, nothing drawn. */
const EMPTY_PAGE =
  '<!doctype html><body style="margin:0"><div class="tracks" style="height:900px">' +
  '<div class="lanes" style="height:860px;overflow-y:auto"><div style="height:9000px"></div></div>' +
  '</div></body>'

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')

interface Run extends FrameStats {
  /** Main-thread busy time per frame (ms): what a frame costs whatever the machine's load. */
  busyMs: number
}

interface CaseResult {
  scroll: Run
  zoom: Run
  tracks: Run
}

/** One DevTools session per page, kept: its metrics count from when it was enabled. */
const sessions = new WeakMap<Page, CDPSession>()

/** Main-thread busy seconds so far (Chromium's TaskDuration metric). */
async function busySeconds(page: Page): Promise<number> {
  let session = sessions.get(page)
  if (!session) {
    session = await page.context().newCDPSession(page)
    await session.send('Performance.enable')
    sessions.set(page, session)
  }
  const { metrics } = await session.send('Performance.getMetrics')
  return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0
}

async function run(page: Page, mode: WheelMode): Promise<Run> {
  const before = await busySeconds(page)
  const stats = await measureWheel(page, mode, 3)
  const busy = (await busySeconds(page)) - before
  return { ...stats, busyMs: (busy * 1000) / Math.max(1, stats.frames) }
}

/** Ours and the reference, mode after mode, so that both see the same load. */
async function measureCase(ours: Page, reference: Page): Promise<[CaseResult, CaseResult]> {
  // Warm up (peaks of the zoom levels the runs will visit are fetched once and cached).
  for (const mode of ['zoom', 'scroll', 'tracks'] as const) await measureWheel(ours, mode, 1)
  const results: [Partial<CaseResult>, Partial<CaseResult>] = [{}, {}]
  for (const mode of ['scroll', 'zoom', 'tracks'] as const) {
    results[0][mode] = await run(ours, mode)
    results[1][mode] = await run(reference, mode)
  }
  return results as [CaseResult, CaseResult]
}

function report(name: string, ours: Run, reference: Run, target: boolean): void {
  console.log(
    `  ${name.padEnd(6)} ours ${ours.fps.toFixed(1)} fps (p95 frame ${ours.p95Ms.toFixed(1)} ms, ` +
      `worst ${ours.worstMs.toFixed(1)} ms, main thread busy ${ours.busyMs.toFixed(1)} ms/frame) · ` +
      `reference ${reference.fps.toFixed(1)} fps (busy ${reference.busyMs.toFixed(1)} ms/frame) · ` +
      `ratio ${(ours.fps / reference.fps).toFixed(2)}${target ? ' · target ≥ 55 fps' : ''}`,
  )
}

async function openProject(project: BigProject, tracks: number): Promise<Page> {
  const page = await bench.browser.newPage({ viewport: { width: 1600, height: 1000 } })
  await page.goto(`${bench.app.url}#/projects/${project.projectId}`)
  await page.locator('[data-clip-id]').first().waitFor({ timeout: 60_000 })
  // The lanes canvas lists the clips whose waveforms it shows: wait for those of several lanes.
  await page.waitForFunction(
    (wanted) => {
      const scope = globalThis as unknown as {
        document: { querySelectorAll(s: string): ArrayLike<{ dataset: { drawn?: string } }> }
      }
      const canvases = scope.document.querySelectorAll('canvas[data-drawn]')
      let drawn = 0
      for (let i = 0; i < canvases.length; i++) {
        drawn += (canvases[i]!.dataset.drawn ?? '').split(' ').filter(Boolean).length
      }
      return drawn >= wanted
    },
    Math.min(tracks, 6),
    { timeout: 60_000 },
  )
  return page
}

describe('timeline benchmark', () => {
  it('2,000 clips on 8, 20, 50 and 100 tracks: fps scrolling and zooming, new clip to waveform', async () => {
    const dataDir = join(bench.dir, 'data')
    const projects: [number, BigProject][] = []
    for (const tracks of TRACK_COUNTS) {
      projects.push([
        tracks,
        await buildBigProject(bench.dir, dataDir, {
          name: `Tracks ${tracks}`,
          tracks,
          clips: 2000,
          spare: tracks === 50 ? 5 : 0,
        }),
      ])
    }
    await bench.start(dataDir)

    const empty = await bench.browser.newPage({ viewport: { width: 1600, height: 1000 } })
    await empty.setContent(EMPTY_PAGE)
    const results: {
      name: string
      tracks: number
      seconds: number
      ours: CaseResult
      reference: CaseResult
      load: string
    }[] = []
    let times: number[] = []
    for (const [tracks, project] of projects) {
      const page = await openProject(project, tracks)
      const [ours, reference] = await measureCase(page, empty)
      results.push({
        name: `${tracks} tracks`,
        tracks,
        seconds: project.seconds,
        ours,
        reference,
        load: load(),
      })
      if (tracks === 50) {
        await page.keyboard.press('Home')
        await page.evaluate(() => {
          const scope = globalThis as unknown as {
            document: { querySelector(s: string): { scrollTop: number } }
          }
          scope.document.querySelector('.lanes').scrollTop = 0
        })
        times = []
        for (const [i, assetId] of project.spareAssetIds.entries()) {
          times.push(
            await timeToWaveform(page, {
              trackId: project.trackIds[i % 4]!,
              assetId,
              start: RATE * (1 + i),
            }),
          )
        }
      }
      await page.close()
    }
    await empty.close()

    for (const result of results) {
      console.log(
        `timeline: 2000 clips on ${result.tracks} tracks, ${result.seconds.toFixed(0)} s of project, ` +
          `1600×1000; load ${result.load}`,
      )
      report('scroll', result.ours.scroll, result.reference.scroll, result.tracks === 50)
      report('zoom', result.ours.zoom, result.reference.zoom, result.tracks === 50)
      report('tracks', result.ours.tracks, result.reference.tracks, false)
    }
    const sorted = [...times].sort((a, b) => a - b)
    console.log(
      `new clip → waveform on screen (50 tracks): median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, ` +
        `all ${times.map((t) => t.toFixed(0)).join(', ')} ms (target < 200 ms)`,
    )
  })
})
