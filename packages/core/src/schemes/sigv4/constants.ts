/** Names and limits of AWS Signature Version 4. */

export const ALGORITHM = 'AWS4-HMAC-SHA256'
/** Last element of every credential scope. */
export const SCOPE_TERMINATOR = 'aws4_request'
/** Payload hash meaning "the body is not signed". */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'
/** Hex SHA-256 of no bytes: the payload hash of every request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

export const AMZ_DATE_HEADER = 'x-amz-date'
export const TOKEN_HEADER = 'x-amz-security-token'
export const CONTENT_SHA256_HEADER = 'x-amz-content-sha256'
export const AUTHORIZATION_HEADER = 'authorization'
export const HOST_HEADER = 'host'

export const ALGORITHM_PARAM = 'X-Amz-Algorithm'
export const CREDENTIAL_PARAM = 'X-Amz-Credential'
export const DATE_PARAM = 'X-Amz-Date'
export const EXPIRES_PARAM = 'X-Amz-Expires'
export const SIGNED_HEADERS_PARAM = 'X-Amz-SignedHeaders'
export const SIGNATURE_PARAM = 'X-Amz-Signature'
export const TOKEN_PARAM = 'X-Amz-Security-Token'
/** Query parameters of the presigned form, which a (re-)signer sets itself. */
export const AUTH_PARAMS: readonly string[] = [ALGORITHM_PARAM, CREDENTIAL_PARAM, DATE_PARAM, EXPIRES_PARAM, SIGNED_HEADERS_PARAM, SIGNATURE_PARAM, TOKEN_PARAM]

/** Presigned URLs live at most one week (AWS limit). */
export const MAX_EXPIRES_SECONDS = 7 * 24 * 60 * 60
/** Default lifetime of a presigned URL (the AWS SDKs' `getSignedUrl` default). */
export const DEFAULT_EXPIRES_SECONDS = 900

/**
 * Headers never signed: hop-by-hop or rewritten by proxies and user agents (the AWS SDKs' list),
 * plus `proxy-*` and `sec-*` (see {@link isUnsignableHeader}).
 */
export const UNSIGNABLE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
])

/** Services whose paths are object keys: no normalization, encoded once, body hash header sent. */
export const S3_SERVICES: ReadonlySet<string> = new Set(['s3'])
