/**
 * RFC 3986 primitives for canonical URIs: strict percent-encoding (only the unreserved set is
 * left alone), byte-faithful percent-decoding, and path segment normalization. Pure and
 * synchronous; they work on UTF-8 bytes, so every runtime gives the same answer.
 */

const utf8 = new TextEncoder()

/** RFC 3986 §2.3 unreserved characters: `A-Z a-z 0-9 - . _ ~`. */
const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/
const UNRESERVED_OR_SLASH = /^[A-Za-z0-9\-._~/]*$/

// Byte → its form in a percent-encoded string: unreserved ASCII as itself, everything else %XX (upper-case hex).
const BYTE_FORM: readonly string[] = Array.from({ length: 256 }, (_, b) => {
  const c = String.fromCharCode(b)
  return b < 0x80 && UNRESERVED_ONLY.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
})
const SLASH = 0x2f
const DOT = 0x2e

/** 1 for the ASCII codes of the RFC 3986 unreserved set, for char-code scans. */
export const UNRESERVED_ASCII: Uint8Array = Uint8Array.from({ length: 128 }, (_, c) => (UNRESERVED_ONLY.test(String.fromCharCode(c)) ? 1 : 0))

/**
 * Percent-encodes bytes per RFC 3986: every byte outside the unreserved set becomes `%XX` with
 * upper-case hex. With `keepSlash`, `/` is left as is (for paths).
 */
export function encodeRfc3986Bytes(bytes: Uint8Array, keepSlash = false): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    out += keepSlash && b === SLASH ? '/' : BYTE_FORM[b]!
  }
  return out
}

/**
 * Percent-encodes the UTF-8 bytes of `text` per RFC 3986 (see {@link encodeRfc3986Bytes}). Unlike
 * `encodeURIComponent`, it also encodes `!'()*`, and a lone surrogate becomes U+FFFD instead of throwing.
 */
export function encodeRfc3986(text: string, keepSlash = false): string {
  if ((keepSlash ? UNRESERVED_OR_SLASH : UNRESERVED_ONLY).test(text)) return text
  return encodeRfc3986Bytes(utf8.encode(text), keepSlash)
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  return -1
}

/**
 * Percent-decodes `text` to bytes, without interpreting them as UTF-8 (so invalid UTF-8 survives a
 * decode/encode round trip). `%XX` (either hex case) becomes one byte; a `%` not followed by two
 * hex digits stays a literal `%`; other characters are their UTF-8 bytes. With `plusAsSpace`
 * (application/x-www-form-urlencoded), `+` is a space.
 */
export function percentDecodeBytes(text: string, plusAsSpace = false): Uint8Array {
  if (text.indexOf('%') === -1 && !(plusAsSpace && text.indexOf('+') !== -1)) return utf8.encode(text)
  const raw = utf8.encode(text)
  const out = new Uint8Array(raw.length)
  let o = 0
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!
    if (b === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw[i + 1]!)
      const lo = hexValue(raw[i + 2]!)
      if (hi >= 0 && lo >= 0) {
        out[o++] = (hi << 4) | lo
        i += 2
        continue
      }
    }
    out[o++] = plusAsSpace && b === 0x2b ? 0x20 : b
  }
  return out.subarray(0, o)
}

/**
 * Re-encodes each `/`-separated segment of an already percent-encoded path in the strict RFC 3986
 * form: `%7e` → `~`, `!` → `%21`, `%2f` → `%2F` (an encoded slash stays inside its segment). The
 * result is what a server that decodes the path and encodes it once more would compute.
 */
export function recodePathSegments(path: string): string {
  if (UNRESERVED_OR_SLASH.test(path)) return path
  return path
    .split('/')
    .map((segment) => encodeRfc3986Bytes(percentDecodeBytes(segment)))
    .join('/')
}

/**
 * Normalizes a path the way AWS SigV4 signers do: `.` segments are dropped, `..` removes the
 * segment before it, and empty segments (repeated slashes) disappear. A leading `/` is kept, and
 * a trailing one too when any segment remains: `//a/./b/../c//` → `/a/c/`, `/a/..` → `/`.
 * Only literal dots count (`%2E` is a name, as in the AWS SDKs).
 */
export function normalizePathSegments(path: string): string {
  if (isPlainPath(path)) return path
  const segments: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const lead = path.startsWith('/') ? '/' : ''
  const trail = segments.length > 0 && path.endsWith('/') ? '/' : ''
  return lead + segments.join('/') + trail
}

/**
 * Whether a path is already normalized and needs no encoding: it starts with `/`, is made of
 * unreserved characters and single slashes, and no segment starts with a dot (so none is `.` or
 * `..`). Most request paths are; {@link normalizePathSegments} and {@link encodeRfc3986} leave them as they are.
 */
export function isPlainPath(path: string): boolean {
  if (path.charCodeAt(0) !== SLASH) return false
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i)
    if (c === SLASH || c === DOT) {
      if (path.charCodeAt(i - 1) === SLASH) return false
    } else if (c >= 0x80 || UNRESERVED_ASCII[c] === 0) return false
  }
  return true
}
