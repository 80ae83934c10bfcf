import { canonicalQueryComponent, sortedQueryString, type EncodedQueryPair } from '../../canonicalize/query.ts'

/**
 * The request's own query parameters in canonical encoding (see `canonicalQueryComponent`),
 * without the ones named in `omit` (plain names such as `X-Amz-Signature`, compared decoded).
 * Split as `splitQuery` does (empty pieces skipped, a piece without `=` has an empty value), in one
 * pass without the intermediate raw pairs.
 */
export function requestQueryPairs(search: string, omit?: ReadonlySet<string>): EncodedQueryPair[] {
  const out: EncodedQueryPair[] = []
  let at = search.charCodeAt(0) === 0x3f /* ? */ ? 1 : 0
  while (at < search.length) {
    let end = search.indexOf('&', at)
    if (end === -1) end = search.length
    if (end > at) {
      const eq = search.indexOf('=', at)
      const hasValue = eq !== -1 && eq < end
      // Every name in `omit` is made of unreserved characters, so its canonical form is itself.
      const name = canonicalQueryComponent(search.slice(at, hasValue ? eq : end))
      if (omit === undefined || !omit.has(name)) out.push({ name, value: hasValue ? canonicalQueryComponent(search.slice(eq + 1, end)) : '' })
    }
    at = end + 1
  }
  return out
}

/** The canonical query string (third line of the canonical request): sorted by name, then value. */
export function getCanonicalQuery(pairs: readonly EncodedQueryPair[]): string {
  return sortedQueryString(pairs)
}
