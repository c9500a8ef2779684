// The WebAssembly SIMD kernels (*.wat, compiled by scripts/build-wasm.mjs) behind their loaders;
// each is null where SIMD is missing, and its caller falls back to JS.
export * from './flac-kernel'
export * from './pcm-kernel'
export * from './resample-kernel'
