import { brotliDecompressSync } from 'node:zlib'

/** The WebAssembly API as used here (@types/node does not declare the global). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}

/** What every module built with wasi-libc as a reactor exports. */
export interface ReactorExports {
  memory: { readonly buffer: ArrayBuffer }
  _initialize(): void
}

/** WASI errno: bad file descriptor. The modules have no files; their FFmpeg never opens one. */
const WASI_EBADF = 8

function wasmApi(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly
}

/** Decompresses and compiles a module committed as brotli + base64 (scripts/build-*-wasm.sh). */
export function compileBrotliWasm(base64: string): object {
  return new (wasmApi().Module)(brotliDecompressSync(Buffer.from(base64, 'base64')))
}

/**
 * Instantiates an FFmpeg module compiled with clang and wasi-libc (a reactor) and runs its
 * initialiser. `env` holds the module's own imports; the WASI calls wasi-libc makes get no
 * environment, a clock, log writes swallowed (FFmpeg's log level is quiet anyway) and no files.
 * `name` words the error when the module exits.
 */
export function instantiateReactor<E extends ReactorExports>(
  module: object,
  name: string,
  env: object = {},
): E {
  // The imports run only once the instance exists, with `exports` set.
  const view = (): DataView => new DataView(exports.memory.buffer)
  const wasi = {
    environ_sizes_get: (count: number, size: number): number => {
      view().setUint32(count, 0, true)
      view().setUint32(size, 0, true)
      return 0
    },
    environ_get: (): number => 0,
    clock_time_get: (_id: number, _precision: bigint, out: number): number => {
      view().setBigUint64(out, BigInt(Date.now()) * 1_000_000n, true)
      return 0
    },
    fd_write: (_fd: number, iovs: number, count: number, written: number): number => {
      let total = 0
      for (let i = 0; i < count; i++) total += view().getUint32(iovs + 8 * i + 4, true)
      view().setUint32(written, total, true)
      return 0
    },
    proc_exit: (code: number): never => {
      throw new Error(`the ${name} stopped (exit ${code})`)
    },
    fd_close: () => WASI_EBADF,
    fd_fdstat_get: () => WASI_EBADF,
    fd_fdstat_set_flags: () => WASI_EBADF,
    fd_prestat_get: () => WASI_EBADF,
    fd_prestat_dir_name: () => WASI_EBADF,
    fd_read: () => WASI_EBADF,
    fd_seek: () => WASI_EBADF,
    path_open: () => WASI_EBADF,
    poll_oneoff: () => WASI_EBADF,
  }
  const instance = new (wasmApi().Instance)(module, { env, wasi_snapshot_preview1: wasi })
  const exports = instance.exports as E
  exports._initialize()
  return exports
}

/**
 * One thread's instances of an FFmpeg decoder module: the module decompressed and compiled on
 * first use, and one instance no decoder uses kept for the next (a fresh instance per segment
 * would cost its set-up and the first touch of its memory every time; the spare holds a few
 * megabytes until the thread ends, and workers end when idle).
 */
export class ReactorInstances<E extends ReactorExports> {
  #compiled: object | undefined
  #spare: E | undefined

  constructor(
    private readonly base64: string,
    /** Words the error when the module exits (instantiateReactor). */
    private readonly name: string,
  ) {}

  /** The spare instance, or a new one. */
  take(): E {
    const spare = this.#spare
    this.#spare = undefined
    if (spare) return spare
    this.#compiled ??= compileBrotliWasm(this.base64)
    return instantiateReactor<E>(this.#compiled, this.name)
  }

  /** Gives an instance back once its decoder is done: kept when there is no spare yet. */
  give(exports: E): void {
    this.#spare ??= exports
  }
}
