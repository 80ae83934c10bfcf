import { encodeRfc3986, encodeRfc3986Bytes, percentDecodeBytes, UNRESERVED_ASCII } from './uri.ts'

/**
 * Query strings: splitting a raw query into its pairs, and the sorted, strictly encoded
 * canonical form (AWS SigV4 and the other "sort the parameters" schemes).
 */

/** One `name=value` pair exactly as it appears in the URL (still percent-encoded). */
export interface RawQueryPair {
  readonly name: string
  readonly value: string
}

/**
 * Splits a raw query (`url.search`, with or without its `?`) on `&`, and each piece on its first
 * `=`. Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` has an empty value (`?acl` is
 * `acl=`). Nothing is decoded.
 */
export function splitQuery(search: string): RawQueryPair[] {
  const query = search.startsWith('?') ? search.slice(1) : search
  if (query === '') return []
  const out: RawQueryPair[] = []
  for (const piece of query.split('&')) {
    if (piece === '') continue
    const eq = piece.indexOf('=')
    out.push(eq === -1 ? { name: piece, value: '' } : { name: piece.slice(0, eq), value: piece.slice(eq + 1) })
  }
  return out
}

/**
 * A raw query component in canonical form: percent-decoded as
 * application/x-www-form-urlencoded (`+` is a space, as `URLSearchParams` and server frameworks
 * read it), then percent-encoded per RFC 3986 with upper-case hex. Works on bytes: invalid UTF-8
 * is kept as is.
 */
export function canonicalQueryComponent(raw: string): string {
  // Unreserved characters only (no %, no +): already canonical, and the common case.
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c >= 0x80 || UNRESERVED_ASCII[c] === 0) return encodeRfc3986Bytes(percentDecodeBytes(raw, true))
  }
  return raw
}

/** A name/value pair already in canonical (RFC 3986) encoding. */
export interface EncodedQueryPair {
  readonly name: string
  readonly value: string
}

/** Canonical pairs of a raw query, see {@link canonicalQueryComponent}. */
export function canonicalQueryPairs(pairs: readonly RawQueryPair[]): EncodedQueryPair[] {
  return pairs.map((p) => ({ name: canonicalQueryComponent(p.name), value: canonicalQueryComponent(p.value) }))
}

/** A pair of decoded strings, encoded per RFC 3986 (for parameters a signer adds). */
export function encodeQueryPair(name: string, value: string): EncodedQueryPair {
  return { name: encodeRfc3986(name), value: encodeRfc3986(value) }
}

// Encoded names and values are ASCII, so code-unit order is byte order.
const byNameThenValue = (a: EncodedQueryPair, b: EncodedQueryPair): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0

/**
 * `name=value` pairs sorted by encoded name, then encoded value (byte order), joined with `&`.
 * Every pair is kept, including repeated and empty ones (`a=&a=1`).
 */
export function sortedQueryString(pairs: readonly EncodedQueryPair[]): string {
  // Queries are often written sorted already: check before copying and sorting.
  let sorted = pairs
  for (let i = 1; i < pairs.length; i++) {
    if (byNameThenValue(pairs[i - 1]!, pairs[i]!) > 0) {
      sorted = [...pairs].sort(byNameThenValue)
      break
    }
  }
  let out = ''
  for (let i = 0; i < sorted.length; i++) out += `${i === 0 ? '' : '&'}${sorted[i]!.name}=${sorted[i]!.value}`
  return out
}
