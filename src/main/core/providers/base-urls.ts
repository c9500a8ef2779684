import { type Provider } from '../../../shared/musicgen'
import { COG_DEFAULT_URL } from './cog'
import { REPLICATE_DEFAULT_URL } from './replicate'
import { SCENARIO_DEFAULT_URL } from './scenario'

export const BASE_URL_ENV: Readonly<Record<Provider, string>> = {
  replicate: 'MUSICSKETCH_REPLICATE_URL',
  scenario: 'MUSICSKETCH_SCENARIO_URL',
  cog: 'MUSICSKETCH_COG_URL',
  local: 'MUSICSKETCH_MODEL_HUB_URL',
}

const DEFAULTS: Readonly<Record<Provider, string>> = {
  replicate: REPLICATE_DEFAULT_URL,
  scenario: SCENARIO_DEFAULT_URL,
  cog: COG_DEFAULT_URL,
  local: '',
}

/** The environment override wins (tests point the app at the fakes), then settings, then default. */
export function resolveBaseUrl(
  provider: Provider,
  fromSettings: string | null | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const override = env[BASE_URL_ENV[provider]]
  if (override !== undefined && override.trim() !== '') return override.trim()
  if (fromSettings !== null && fromSettings !== undefined && fromSettings.trim() !== '') {
    return fromSettings.trim()
  }
  return DEFAULTS[provider]
}
