/** The size of a WebAssembly memory page, in bytes: memories grow and are allocated in pages. */
export const WASM_PAGE = 65536
