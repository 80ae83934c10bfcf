import { splitQuery } from './query.ts'
import { percentDecodeBytes } from './uri.ts'

/**
 * Text-level helpers for schemes that read the path, query or a URL-encoded form the way a
 * server framework does (Flask/Werkzeug, Django, ASP.NET): percent-decoding to text, and
 * name/value pairs. Invalid UTF-8 becomes U+FFFD, as Python's `decode('utf-8', 'replace')`.
 */

// ignoreBOM keeps a leading BOM as U+FEFF, as Python does; TextDecoder would drop it by default.
const lossyDecoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** UTF-8 to text, invalid sequences as U+FFFD, a leading BOM kept. */
export function decodeUtf8Lossy(bytes: Uint8Array): string {
  return lossyDecoder.decode(bytes)
}

/** Percent-decodes (optionally `+` as a space) and reads the bytes as UTF-8 ({@link decodeUtf8Lossy}). */
export function percentDecode(text: string, plusAsSpace = false): string {
  return decodeUtf8Lossy(percentDecodeBytes(text, plusAsSpace))
}

/** Whether a Content-Type is `application/x-www-form-urlencoded` (any parameters, any case). */
export function isFormContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

/** Decoded name/value pairs of a query or URL-encoded form, in order (`+` is a space; empty pieces skipped; `a` is `a=`). */
export function formPairs(text: string): [string, string][] {
  return splitQuery(text).map((p) => [percentDecode(p.name, true), percentDecode(p.value, true)])
}
