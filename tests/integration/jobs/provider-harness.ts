import { afterEach } from 'vitest'
import { tempDir } from '../../helpers/temp'
import { type JobsCore, type JobsCoreOptions, projectWithAudio, startJobsCore } from './helpers'

interface Closable {
  close(): unknown
}

/**
 * The setup of a provider's job tests: its fake server and cores pointed at it, all closed after
 * each test (cores first), including those a test starts itself (restarts). Call at the top of
 * a test file.
 */
export function providerHarness<F extends Closable & { url: string }, O>(
  startFake: (options: O) => Promise<F>,
  coreOptions: (fake: F) => JobsCoreOptions,
) {
  const opened: Closable[] = []
  afterEach(async () => {
    for (const item of opened.splice(0).reverse()) await item.close()
  })

  const fake = async (options: O): Promise<F> => {
    const started = await startFake(options)
    opened.push(started)
    return started
  }

  /** A core on `dir` using `fake`; closing it again after the test is harmless. */
  const core = async (dir: string, of: F, extra: JobsCoreOptions = {}): Promise<JobsCore> => {
    const started = await startJobsCore(dir, { ...coreOptions(of), ...extra })
    let open = true
    const close = (): void => {
      if (open) started.close()
      open = false
    }
    opened.push({ close })
    return { ...started, close }
  }

  /** A fake, a core on a fresh folder, and a project with a track and an imported WAV. */
  const setup = async (options: O, extra: JobsCoreOptions = {}) => {
    const started = await fake(options)
    const jobs = await core(tempDir(), started, extra)
    const { projectId, assetId } = await projectWithAudio(jobs)
    return { fake: started, core: jobs, projectId, assetId }
  }

  return { fake, core, setup }
}
