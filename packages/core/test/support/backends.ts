import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { nobleBackend } from '../../src/crypto/noble.ts'

export const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'

/**
 * Every crypto backend this runtime can run: node:crypto (not in browsers), WebCrypto (where
 * crypto.subtle exists) and noble (everywhere). The conformance suite runs once per backend.
 */
export async function availableBackends(): Promise<CryptoBackend[]> {
  const out: CryptoBackend[] = []
  if (!isBrowser) out.push((await import('../../src/crypto/node.ts')).nodeBackend)
  if (globalThis.crypto?.subtle) out.push((await import('../../src/crypto/webcrypto.ts')).webCryptoBackend)
  out.push(nobleBackend)
  return out
}

/** Backend names to build `describe` blocks from synchronously (tests are registered before any await). */
export const BACKEND_NAMES: readonly CryptoBackend['name'][] = isBrowser ? ['webcrypto', 'noble'] : ['node', 'webcrypto', 'noble']

export async function backendNamed(name: CryptoBackend['name']): Promise<CryptoBackend> {
  const found = (await availableBackends()).find((b) => b.name === name)
  if (!found) throw new Error(`backend ${name} is not available in this runtime`)
  return found
}
