import type { ClockOptions } from '../clock.ts'
import { base64, invalid } from './util.ts'

/** The signing time in ms, with core's checks of `now` and `clockOffsetMs` (clock.ts), in fewer bytes. */
export function nowMs({ now = Date.now, clockOffsetMs = 0 }: ClockOptions): number {
  if (!Number.isFinite(clockOffsetMs)) invalid('clockOffsetMs must be a finite number', 'clockOffsetMs')
  const t = typeof now === 'function' ? now() : NaN
  if (!(t >= 0 && t < Infinity)) invalid('now must be a function returning ms since the epoch', 'now')
  return t + clockOffsetMs
}

// CSPRNG bytes drawn in blocks and handed out once each (getRandomValues costs as much per call
// as a whole MAC on Node), zeroed once used: as core's randomNonce.
const pool = new Uint8Array(4096)
let at = 4096

/** 16 CSPRNG bytes, base64url (22 characters), like core's default nonce. */
export function randomNonce(): string {
  if (at === 4096) crypto.getRandomValues(pool), (at = 0)
  const bytes = pool.subarray(at, (at += 16))
  const text = base64(bytes)
  bytes.fill(0)
  return text.slice(0, 22).replace(/\+/g, '-').replace(/\//g, '_')
}
