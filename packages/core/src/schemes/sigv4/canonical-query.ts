import { canonicalQueryPairs, sortedQueryString, splitQuery, type EncodedQueryPair } from '../../canonicalize/query.ts'

/**
 * The request's own query parameters in canonical encoding (see `canonicalQueryComponent`),
 * without the ones named in `omit` (plain names such as `X-Amz-Signature`, compared decoded).
 */
export function requestQueryPairs(search: string, omit?: ReadonlySet<string>): EncodedQueryPair[] {
  const pairs = canonicalQueryPairs(splitQuery(search))
  // Every name in `omit` is made of unreserved characters, so its canonical form is itself.
  return omit ? pairs.filter((p) => !omit.has(p.name)) : pairs
}

/** The canonical query string (third line of the canonical request): sorted by name, then value. */
export function getCanonicalQuery(pairs: readonly EncodedQueryPair[]): string {
  return sortedQueryString(pairs)
}
