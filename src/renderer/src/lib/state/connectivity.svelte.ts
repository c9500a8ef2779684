import type { SketchApi } from '../../../../shared/api'
import type { ProviderReachability } from '../../../../shared/domain'

const REFRESH_MS = 30_000

/** The network as the browser sees it and each provider's reachability as main sees it. */
export class ConnectivityState {
  online = $state(navigator.onLine)
  providers = $state<ProviderReachability[]>([])
  #timer: ReturnType<typeof setInterval> | undefined
  readonly #onOnline = () => {
    this.online = true
    void this.refresh()
  }
  readonly #onOffline = () => {
    this.online = false
  }

  constructor(private readonly api: SketchApi) {}

  start(): void {
    window.addEventListener('online', this.#onOnline)
    window.addEventListener('offline', this.#onOffline)
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS)
    void this.refresh()
  }

  async refresh(): Promise<void> {
    const result = await this.api.call('providers.status', {})
    if (result.ok) this.providers = result.value
  }

  stop(): void {
    window.removeEventListener('online', this.#onOnline)
    window.removeEventListener('offline', this.#onOffline)
    clearInterval(this.#timer)
  }
}
