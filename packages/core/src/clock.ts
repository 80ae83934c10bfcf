import { fail } from './errors.ts'

/** Clock options shared by signing and verification. */
export interface ClockOptions {
  /** Current time in milliseconds since the epoch. @default Date.now */
  now?: () => number
  /**
   * Added to `now()`: the difference between the server's clock and ours (server − local), for
   * signing against a server whose clock is off. @default 0
   */
  clockOffsetMs?: number
}

export function currentTimeMs(options: ClockOptions): number {
  const offset = options.clockOffsetMs ?? 0
  if (typeof offset !== 'number' || !Number.isFinite(offset)) fail('invalid_input', `clockOffsetMs must be a finite number, received ${String(offset)}`, { component: 'clockOffsetMs' })
  const now = options.now ?? Date.now
  if (typeof now !== 'function') fail('invalid_input', `now must be a function returning milliseconds since the epoch, received ${now === null ? 'null' : typeof now}`, { component: 'now' })
  const t = now()
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) fail('invalid_input', `now() must return milliseconds since the epoch, received ${String(t)}`, { component: 'now' })
  return t + offset
}

/**
 * The clock offset implied by a response's `Date` header (server − local, ms), or undefined when
 * the header is missing or unparsable. `Date` has one-second resolution (RFC 9110 §5.6.7).
 */
export function clockOffsetFromDate(dateHeader: string | null | undefined, localNowMs: number = Date.now()): number | undefined {
  if (!dateHeader) return undefined
  const server = Date.parse(dateHeader)
  return Number.isNaN(server) ? undefined : server - localNowMs
}

/** A CSPRNG nonce: 16 random bytes, base64url (22 characters). */
export function randomNonce(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
