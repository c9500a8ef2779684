// Every provider the app can use. Adding one: a folder with its client and descriptor, its id in
// PROVIDERS and its capabilities in src/shared/musicgen.ts, and a line here.
import { PROVIDERS, type Provider } from '../../../shared/musicgen'
import { cog } from './cog/descriptor'
import type { ProviderDescriptor } from './descriptor'
import { local } from './local/descriptor'
import { replicate } from './replicate/descriptor'
import { scenario } from './scenario/descriptor'

export const PROVIDER_DESCRIPTORS: Readonly<Record<Provider, ProviderDescriptor>> = {
  replicate,
  scenario,
  cog,
  local,
}

export function descriptorOf(provider: Provider): ProviderDescriptor {
  return PROVIDER_DESCRIPTORS[provider]
}

/** In the order of PROVIDERS. */
export function allDescriptors(): ProviderDescriptor[] {
  return PROVIDERS.map(descriptorOf)
}
