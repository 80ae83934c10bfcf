import type { HeaderMap, NormalizedRequest } from '../../message.ts'
import { HOST_HEADER, UNSIGNABLE_HEADERS } from './constants.ts'

/** Whether a (lower-case) header is left out of the signature: the built-in list, `proxy-*`, `sec-*`, or the caller's. */
export function isUnsignableHeader(name: string, extra: ReadonlySet<string>): boolean {
  return UNSIGNABLE_HEADERS.has(name) || name.startsWith('proxy-') || name.startsWith('sec-') || extra.has(name)
}

/** Names of the headers to sign, sorted (lower-case ASCII, so code-unit order is byte order). */
export function signableHeaderNames(headers: HeaderMap, extra: ReadonlySet<string>): string[] {
  return [...headers.keys()].filter((name) => !isUnsignableHeader(name, extra)).sort()
}

/**
 * A header's canonical value: each value with runs of spaces and tabs collapsed to one space and
 * the ends trimmed, repeated headers joined with `,` in order of appearance.
 */
export function canonicalHeaderValue(values: readonly string[]): string {
  if (values.length === 1) return canonicalValue(values[0]!)
  return values.map(canonicalValue).join(',')
}

function canonicalValue(value: string): string {
  return isCanonicalValue(value) ? value : value.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '')
}

/** Whether a value has no tab, no run of spaces and no space at either end (most values): then it is its own canonical form. */
function isCanonicalValue(value: string): boolean {
  let space = true
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 0x09) return false
    if (c === 0x20) {
      if (space) return false
      space = true
    } else space = false
  }
  return !space || value.length === 0
}

/**
 * The canonical headers block: one `name:value` line per signed header, each ending with LF.
 * `names` must be sorted and present in `headers` (the caller checks).
 */
export function getCanonicalHeaders(headers: HeaderMap, names: readonly string[]): string {
  let out = ''
  for (const name of names) out += `${name}:${canonicalHeaderValue(headers.get(name) ?? [])}\n`
  return out
}

/**
 * The request's headers as the server will see them: the caller's, plus `host` from the URL when
 * absent (fetch and node:http send it from the URL, default port omitted). A copy, so a signer can add to it.
 */
export function headersWithHost(message: NormalizedRequest): Map<string, readonly string[]> {
  const headers = new Map<string, readonly string[]>(message.headers)
  if (!headers.has(HOST_HEADER)) headers.set(HOST_HEADER, [message.url.host])
  return headers
}
