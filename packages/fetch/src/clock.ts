import { clockOffsetFromDate } from '@signet/core'
import { invalid, type ClockCorrectionOptions } from './options.ts'

/** A `Date` this far (ms) from our corrected clock, on a 401/403, triggers a correction. */
export const AUTO_CORRECT_THRESHOLD_MS = 5000

/** The clock of one signed fetch: the offset learned by auto-correction lives here, per created fetch. */
export interface Clock {
  readonly now: () => number
  /** Server − local, ms; passed to core as `clockOffsetMs`. */
  offsetMs: number
  readonly autoCorrect: boolean
}

/** The clock of a new signed fetch, from its `clock` option (validated). */
export function createClock(options: ClockCorrectionOptions | undefined): Clock {
  const o = options ?? {}
  if (o === null || typeof o !== 'object') invalid('clock must be an object', 'clock')
  const offsetMs = o.offsetMs ?? 0
  if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs)) invalid(`clock.offsetMs must be a finite number, received ${String(offsetMs)}`, 'clock.offsetMs')
  if (o.now !== undefined && typeof o.now !== 'function') invalid('clock.now must be a function', 'clock.now')
  return { now: o.now ?? Date.now, offsetMs, autoCorrect: o.autoCorrect === true }
}

/** The clock options core's sign and verify functions take. */
export function coreClock(clock: Clock): { now: () => number; clockOffsetMs: number } {
  return { now: clock.now, clockOffsetMs: clock.offsetMs }
}

/**
 * On a 401/403 whose `Date` is more than {@link AUTO_CORRECT_THRESHOLD_MS} away from our corrected
 * clock, adopts the offset the `Date` implies. True when it did (the caller may then retry once).
 */
export function correctFromResponse(clock: Clock, response: Response): boolean {
  if (!clock.autoCorrect || (response.status !== 401 && response.status !== 403)) return false
  const observed = clockOffsetFromDate(response.headers.get('date'), clock.now())
  if (observed === undefined || Math.abs(observed - clock.offsetMs) <= AUTO_CORRECT_THRESHOLD_MS) return false
  clock.offsetMs = observed
  return true
}
