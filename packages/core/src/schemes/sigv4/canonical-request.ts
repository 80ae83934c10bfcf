/** The six parts of a canonical request, each already in canonical form. */
export interface CanonicalRequestParts {
  readonly method: string
  readonly uri: string
  readonly query: string
  /** The canonical headers block, each line ending with LF (see `formatCanonicalHeaders`). */
  readonly headers: string
  /** Signed header names joined with `;`. */
  readonly signedHeaders: string
  /** Hex SHA-256 of the payload, or `UNSIGNED-PAYLOAD`. */
  readonly payloadHash: string
}

/** `METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED_HEADERS\nPAYLOAD_HASH` (the headers block brings the blank line). */
export function createCanonicalRequest(p: CanonicalRequestParts): string {
  return `${p.method}\n${p.uri}\n${p.query}\n${p.headers}\n${p.signedHeaders}\n${p.payloadHash}`
}
