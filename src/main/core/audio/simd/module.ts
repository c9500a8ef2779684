/** The WebAssembly API as used here (@types/node does not declare the global). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: unknown }
}

/** What every kernel module exports besides its functions. */
export interface WasmMemory {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number }
}

/**
 * Instantiates a small SIMD module from its base64 bytes, synchronously; null when this runtime
 * has no WebAssembly or no SIMD (the module then fails validation), so callers fall back to JS.
 */
export function instantiateSimd<E extends WasmMemory>(base64: string): E | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  if (wasm === undefined) return null
  const bytes = Buffer.from(base64, 'base64')
  if (!wasm.validate(bytes)) return null
  return new wasm.Instance(new wasm.Module(bytes)).exports as E
}
