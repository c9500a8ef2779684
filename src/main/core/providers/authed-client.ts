// What the two credentialed clients (Replicate, Scenario) share: options, the base URL and the
// HTTP layer, and calls that carry the credentials and keep them out of logs and errors.
import { type Provider } from '../../../shared/musicgen'
import { HttpClient, type HttpRequest } from './http'
import { type ProviderClientOptions, trimBase } from './provider'

export interface AuthHeaders {
  headers: Record<string, string>
  /** Values to redact from anything logged or thrown. */
  secrets: string[]
}

export abstract class AuthedClient<O extends ProviderClientOptions> {
  protected readonly http: HttpClient
  protected readonly base: string
  protected readonly opts: O

  constructor(provider: Provider, options: O) {
    this.opts = options
    this.base = trimBase(options.baseUrl)
    this.http = new HttpClient(provider, options)
  }

  /** Asked before every request: credentials are never cached here. */
  protected abstract auth(): Promise<AuthHeaders>

  protected async call(req: Omit<HttpRequest, 'secrets'>): Promise<unknown> {
    const { headers, secrets } = await this.auth()
    const res = await this.http.json({ ...req, headers: { ...headers, ...req.headers }, secrets })
    return res.body
  }
}
