import { encodeRfc3986, isPlainPath, normalizePathSegments, recodePathSegments } from '../../canonicalize/uri.ts'

/** How a path becomes the canonical URI. */
export interface CanonicalUriOptions {
  /** Drop `.`/`..` segments and repeated slashes first. */
  readonly normalizePath: boolean
  /** Encode the path (as sent, already percent-encoded) once more; else only bring it to strict RFC 3986 form (S3). */
  readonly uriEscapePath: boolean
}

/**
 * The canonical URI (second line of the canonical request) of a path as it is sent on the wire
 * (`url.pathname`). An empty path is `/`.
 *
 * - Every service but S3: normalized, then each character outside the RFC 3986 unreserved set
 *   percent-encoded, `/` kept. The path is already encoded, so this is the "double encoding"
 *   of the AWS documentation: `/a b` is sent as `/a%20b` and signed as `/a%2520b`.
 * - S3 (`uriEscapePath: false`): each segment decoded and encoded once, so the canonical URI is
 *   the object key encoded per RFC 3986, however the client encoded it.
 */
export function getCanonicalUri(path: string, options: CanonicalUriOptions): string {
  // Normalized and nothing to encode, whatever the options (most paths).
  if (isPlainPath(path)) return path
  const normalized = options.normalizePath ? normalizePathSegments(path) : path
  const canonical = options.uriEscapePath ? encodeRfc3986(normalized, true) : recodePathSegments(normalized)
  return canonical === '' ? '/' : canonical
}
