import { fail } from '../../errors.ts'

/** `YYYYMMDD'T'HHMMSS'Z'`, the ISO 8601 basic format SigV4 signs (UTC, whole seconds). */
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

// The last second formatted: a busy signer formats the same second many times.
let lastSecond = NaN
let lastText = ''

/** The SigV4 timestamp of `ms` (milliseconds since the epoch), e.g. `20150830T123600Z`. */
export function formatAmzDate(ms: number): string {
  const second = Math.floor(ms / 1000)
  if (second === lastSecond) return lastText
  const text = formatAmzDateUncached(ms)
  lastSecond = second
  lastText = text
  return text
}

function formatAmzDateUncached(ms: number): string {
  const date = new Date(ms)
  const year = date.getUTCFullYear()
  if (!Number.isFinite(ms) || year < 1970 || year > 9999) fail('invalid_input', `sigv4: the signing time ${String(ms)} ms is outside the years 1970 to 9999`, { component: 'x-amz-date' })
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')
}

/** Unix seconds of a SigV4 timestamp, or `undefined` when it is not one (including impossible dates). */
export function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE.exec(text)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  // Date.UTC rolls over (month 13, Feb 30, hour 24): a round trip catches it.
  if (formatAmzDate(ms) !== text) return undefined
  return ms / 1000
}
