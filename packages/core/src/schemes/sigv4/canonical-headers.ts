import type { NormalizedRequest } from '../../message.ts'
import { HOST_HEADER, TOKEN_HEADER, UNSIGNABLE_HEADERS } from './constants.ts'

/** Whether a (lower-case) header is left out of the signature: the built-in list, `proxy-*`, `sec-*`, or the caller's. */
export function isUnsignableHeader(name: string, extra: ReadonlySet<string>): boolean {
  return UNSIGNABLE_HEADERS.has(name) || name.startsWith('proxy-') || name.startsWith('sec-') || extra.has(name)
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

/** One signed header: its name and canonical value. */
export type CanonicalHeader = readonly [name: string, value: string]

/** What decides which headers a signer signs. */
export interface SignableHeaderOptions {
  /** The caller's extra unsignable header names (lower case). */
  readonly unsignableHeaders: ReadonlySet<string>
  /** Whether `x-amz-security-token` is signed. */
  readonly signSessionToken: boolean
}

/**
 * The headers a signer signs, sorted by name (lower-case ASCII, so code-unit order is byte
 * order), with their canonical values: the request's headers as the server will see them, that
 * is with `host` from the URL when absent (fetch and node:http send it from the URL, default port
 * omitted) and with `added` (the headers the signer adds, which replace the request's). Left out:
 * the unsignable headers (see {@link isUnsignableHeader}), and `x-amz-security-token` with
 * `signSessionToken: false` (sent but not signed). `host` is always signed.
 */
export function signableHeaders(message: Pick<NormalizedRequest, 'headers' | 'url'>, added: ReadonlyMap<string, string>, options: SignableHeaderOptions): CanonicalHeader[] {
  const out: CanonicalHeader[] = []
  message.headers.forEach((values, name) => {
    if (!added.has(name) && (name === HOST_HEADER || signable(name, options))) out.push([name, canonicalHeaderValue(values)])
  })
  added.forEach((value, name) => {
    if (signable(name, options)) out.push([name, canonicalHeaderValue([value])])
  })
  if (!message.headers.has(HOST_HEADER)) out.push([HOST_HEADER, message.url.host])
  // Insertion sort: a request has a handful of headers, and names are unique.
  for (let i = 1; i < out.length; i++) {
    const h = out[i]!
    let j = i - 1
    for (; j >= 0 && out[j]![0] > h[0]; j--) out[j + 1] = out[j]!
    out[j + 1] = h
  }
  return out
}

function signable(name: string, options: SignableHeaderOptions): boolean {
  return !isUnsignableHeader(name, options.unsignableHeaders) && (options.signSessionToken || name !== TOKEN_HEADER)
}

/** The signed header names joined with `;`, and the canonical headers block: one `name:value` line per header, each ending with LF. */
export function formatCanonicalHeaders(headers: readonly CanonicalHeader[]): { signedHeaders: string; block: string } {
  let signedHeaders = ''
  let block = ''
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!
    signedHeaders += i === 0 ? name : `;${name}`
    block += `${name}:${value}\n`
  }
  return { signedHeaders, block }
}
