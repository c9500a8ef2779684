import type { SketchApi } from '../../../../shared/api'
import { PROVIDERS, type ProviderReachability } from '../../../../shared/domain'

const REFRESH_MS = 30_000

/** The network as the browser sees it and each provider's reachability as main sees it. */
export class ConnectivityState {
  online = $state(navigator.onLine)
  providers = $state<ProviderReachability[]>([])
  #timer: ReturnType<typeof setInterval> | undefined
  #unsubscribe: (() => void) | undefined
  readonly #onOnline = () => {
    this.online = true
    void this.refresh()
  }
  readonly #onOffline = () => {
    this.online = false
  }

  constructor(private readonly api: SketchApi) {}

  start(): void {
    // Main says at once when a connection is refused or answers again.
    this.#unsubscribe = this.api.on('providers.changed', (status) => {
      const others = this.providers.filter((p) => p.provider !== status.provider)
      this.providers = [...others, status].sort(
        (a, b) => PROVIDERS.indexOf(a.provider) - PROVIDERS.indexOf(b.provider),
      )
    })
    window.addEventListener('online', this.#onOnline)
    window.addEventListener('offline', this.#onOffline)
    this.#timer = setInterval(() => void this.refresh(), REFRESH_MS)
    void this.refresh()
  }

  async refresh(): Promise<void> {
    const result = await this.api.call('providers.status', {})
    if (!result.ok) return
    // An event may have come in while main was probing: the newer word wins.
    this.providers = result.value.map((fresh) => {
      const known = this.providers.find((p) => p.provider === fresh.provider)
      return known && known.checkedAt > fresh.checkedAt ? known : fresh
    })
  }

  stop(): void {
    this.#unsubscribe?.()
    window.removeEventListener('online', this.#onOnline)
    window.removeEventListener('offline', this.#onOffline)
    clearInterval(this.#timer)
  }
}
