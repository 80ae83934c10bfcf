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

// CSPRNG bytes are drawn in blocks and handed out once each: getRandomValues costs ~2 µs per
// call on Node whatever the size, the price of a whole signature's MAC. (Node's randomUUID() caches
// the same way.) A byte is never handed out twice.
const POOL_BYTES = 4096
const pool = new Uint8Array(POOL_BYTES)
let poolAt = POOL_BYTES
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** A CSPRNG nonce: 16 random bytes, base64url (22 characters). */
export function randomNonce(): string {
  if (poolAt + 16 > POOL_BYTES) {
    globalThis.crypto.getRandomValues(pool)
    poolAt = 0
  }
  const b = pool
  let i = poolAt
  poolAt += 16
  let s = ''
  for (const end = i + 15; i < end; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    s += B64URL[n >> 18]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!
  }
  const last = b[i]!
  b.fill(0, poolAt - 16, poolAt)
  return s + B64URL[last >> 2]! + B64URL[(last & 3) << 4]!
}
