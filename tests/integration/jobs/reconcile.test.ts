// A paid Replicate request whose answer was lost is looked up before anything is sent again, on
// what Replicate keeps: after an hour it removes the input, so inputs cannot be compared; on a
// busy account the prediction may be many pages back.
import { describe, expect, it } from 'vitest'
import { FakeClock } from '../../fakes/common'
import { type ReplicateFake, startReplicateFake } from '../../fakes/replicate'
import { tempDir } from '../../helpers/temp'
import { type JobsCore, createTake, projectWithAudio, until, waitFor } from './helpers'
import { providerHarness } from './provider-harness'

const harness = providerHarness(startReplicateFake, (fake) => ({ replicate: fake.url }))
const CREATE = (m: string, p: string): boolean => m === 'POST' && p === '/v1/predictions'
const MINUTE = 60_000

/** Queues a take whose create is accepted but never answered, then stops the app (a crash). */
async function crashWhileSubmitting(
  fake: ReplicateFake,
  dir: string,
  clock: FakeClock,
): Promise<{ id: string; first: JobsCore }> {
  fake.state.faults.add({ kind: 'hang-after' }, 1, CREATE)
  const first = await harness.core(dir, fake, { clock: () => clock.now })
  const { projectId } = await projectWithAudio(first)
  const g = await createTake(first, projectId, 'replicate', { prompt: 'overnight take' })
  await waitFor(first, g.id, ['submitting'])
  await until(() => fake.state.created === 1, 'the create to arrive')
  first.close()
  return { id: g.id, first }
}

describe('Replicate reconciliation after a lost create', () => {
  it('restart 61 minutes after a crash while submitting: pays once, asks the user', async () => {
    const clock = new FakeClock(Date.now())
    const fake = await harness.fake({ clock })
    const dir = tempDir()
    const { id } = await crashWhileSubmitting(fake, dir, clock)
    // The laptop was closed overnight: Replicate removed the prediction's input and output.
    clock.advance(61 * MINUTE)
    const core = await harness.core(dir, fake, { clock: () => clock.now })
    const done = await waitFor(core, id)
    expect(fake.state.created).toBe(1)
    expect(done.status).toBe('needs_decision')
    expect(done.waitingReason).toMatch(/deleted its details.*billed twice/)
  })

  it('a prediction whose input was removed early is adopted: exactly one prediction', async () => {
    const clock = new FakeClock(Date.now())
    const fake = await harness.fake({ clock, inputTtlMs: 0 })
    const core = await harness.core(tempDir(), fake, { clock: () => clock.now })
    const { projectId } = await projectWithAudio(core)
    fake.state.faults.add({ kind: 'drop-after' }, 1, CREATE)
    const g = await createTake(core, projectId, 'replicate', { prompt: 'input gone early' })
    const done = await waitFor(core, g.id)
    expect(fake.state.created).toBe(1)
    expect(done.status).toBe('succeeded')
    expect(done.providerJobId).toBe([...fake.state.predictions.keys()][0])
  })

  it('a busy account (25 newer predictions, 2 a page): walks back until found, pays once', async () => {
    const clock = new FakeClock(Date.now())
    const fake = await harness.fake({ clock, pageSize: 2 })
    const dir = tempDir()
    const { id } = await crashWhileSubmitting(fake, dir, clock)
    // Another app on the same account, and the website, while this one was down.
    for (let i = 0; i < 25; i++) {
      clock.advance(1000)
      fake.state.createOther({ prompt: `other ${i}`, seed: 1000 + i }, i % 5 === 0 ? 'web' : 'api')
    }
    const core = await harness.core(dir, fake, { clock: () => clock.now })
    const done = await waitFor(core, id)
    expect(done.status).toBe('succeeded')
    expect(fake.state.created).toBe(26)
    expect(done.providerJobId).toBe([...fake.state.predictions.keys()][0])
    const listed = fake.state.requests.filter((r) => r === 'GET /v1/predictions').length
    expect(listed).toBeGreaterThan(10)
  })

  it('a request that never arrived is sent again once the list is read past its time', async () => {
    const clock = new FakeClock(Date.now())
    const fake = await harness.fake({ clock, pageSize: 3 })
    const core = await harness.core(tempDir(), fake, { clock: () => clock.now })
    const { projectId } = await projectWithAudio(core)
    for (let i = 0; i < 7; i++) fake.state.createOther({ prompt: `old ${i}`, seed: 1 + i })
    clock.advance(30 * MINUTE)
    fake.state.faults.add({ kind: 'reset-before' }, 1, CREATE)
    const g = await createTake(core, projectId, 'replicate', { prompt: 'never arrived' })
    const done = await waitFor(core, g.id)
    expect(done.status).toBe('succeeded')
    expect(fake.state.created).toBe(8)
  })
})
