import type { CryptoBackend } from './backend.ts'
import { lazyNobleBackend } from './lazy-noble.ts'
import { webCryptoBackend } from './webcrypto.ts'

/**
 * The backend of the browser build, chosen at call time: WebCrypto where `crypto.subtle` exists,
 * else (an insecure context) @noble/hashes, loaded on first use. Never imports node:crypto.
 */
export function defaultBackend(): CryptoBackend {
  return (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle ? webCryptoBackend : lazyNobleBackend
}
