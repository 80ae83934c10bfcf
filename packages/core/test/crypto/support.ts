/**
 * Helpers for the crypto tests, usable in every runtime (no Buffer, no node:*): hex, random
 * bytes, key material, the RFC 4231 / FIPS 180-4 vectors, and error codes from sync or async calls.
 */
import type { HashAlgorithm, KeyMaterial } from '../../src/crypto/backend.ts'

export const HASHES: readonly HashAlgorithm[] = ['sha256', 'sha384', 'sha512']

export interface HmacVector {
  case: number
  description?: string
  keyHex: string
  dataHex: string
  dataText?: string
  /** Case 5: the RFC prints only this many leading bytes of each MAC. */
  truncatedToBytes?: number
  hmac: Record<HashAlgorithm, string>
}

export interface DigestVector {
  source: string
  dataText: string
  dataHex: string
  digest: Record<HashAlgorithm, string>
}

export interface Rfc4231 {
  source: string
  hmac: HmacVector[]
  digest: DigestVector[]
}

/**
 * The vectors file. Node (vitest), Deno and Bun import it as a JSON module (`with { type: 'json' }`).
 * In Chromium that import fails: Vite serves JSON imports as JavaScript modules (`?import`) but
 * keeps the attribute, so the browser rejects the MIME type. There it is fetched from the Vite dev
 * server instead, which serves the file as it is.
 */
export async function loadVectors(): Promise<Rfc4231> {
  if (isBrowser) {
    const res = await fetch(new URL('../vectors/rfc4231.json', import.meta.url))
    if (!res.ok) throw new Error(`rfc4231.json: HTTP ${res.status}`)
    return (await res.json()) as Rfc4231
  }
  const mod = await import('../vectors/rfc4231.json', { with: { type: 'json' } })
  return mod.default as Rfc4231
}

export function hex(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0')
  return s
}

export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || /[^0-9a-f]/i.test(s)) throw new Error(`not hex: ${s}`)
  const out = new Uint8Array(s.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)))
  return out
}

export function randomInt(below: number): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! % below
}

/**
 * `bytes` as a view at a non-zero offset inside a larger buffer whose other bytes are noise, so a
 * backend that reads `.buffer` instead of the view gets a wrong answer.
 */
export function offsetView(bytes: Uint8Array, before = 7, after = 5): Uint8Array {
  const backing = randomBytes(before + bytes.length + after)
  backing.set(bytes, before)
  return backing.subarray(before, before + bytes.length)
}

export function material(bytes: Uint8Array): KeyMaterial {
  return { bytes, imported: new Map() }
}

export function cryptoKeyMaterial(cryptoKey: CryptoKey): KeyMaterial {
  return { cryptoKey, imported: new Map() }
}

const SUBTLE_NAME: Record<HashAlgorithm, string> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' }

/** A non-extractable HMAC CryptoKey, imported by the test itself. */
export function importHmacKey(bytes: Uint8Array, hash: HashAlgorithm, usages: KeyUsage[] = ['sign', 'verify']): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bytes as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: SUBTLE_NAME[hash] }, false, usages)
}

/** The `code` of the error `fn` throws or rejects with; `undefined` when it succeeds. */
export async function errorCode(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn()
  } catch (err) {
    const code = (err as { code?: unknown }).code
    return typeof code === 'string' ? code : `no code: ${String(err)}`
  }
  return undefined
}

/** The message of the error `fn` throws or rejects with. */
export async function errorMessage(fn: () => unknown): Promise<string> {
  try {
    await fn()
  } catch (err) {
    return String((err as { message?: unknown }).message)
  }
  return '(no error)'
}

/** Splits `data` into chunks of irregular sizes, including empty ones. */
export function chunks(data: Uint8Array, maxChunk = 997): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array(0)]
  for (let at = 0; at < data.length; ) {
    const n = 1 + randomInt(maxChunk)
    out.push(data.subarray(at, at + n))
    if (randomInt(5) === 0) out.push(new Uint8Array(0))
    at += n
  }
  return out
}

export const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'
export const hasSubtle = typeof globalThis.crypto?.subtle?.sign === 'function'
/** node:crypto is there in Node, Deno and Bun, never in the browser project. */
export const hasNodeCrypto =
  !isBrowser &&
  Boolean(
    (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ||
      (globalThis as { Deno?: unknown }).Deno ||
      (globalThis as { Bun?: unknown }).Bun,
  )
