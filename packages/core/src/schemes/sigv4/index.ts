/**
 * AWS Signature Version 4: `sigv4(options)`, a scheme for signRequest/verifyRequest, and
 * `presignRequest`, a presigned URL in one call. One module per step of the algorithm, named
 * after it: canonical-uri, canonical-query, canonical-headers, canonical-request, string-to-sign,
 * signing-key, signature; sign.ts and verify.ts put them together.
 */
export { sigv4 } from './scheme.ts'
export type { SigV4Options } from './options.ts'
export { presignRequest, withSignedQuery } from './presign.ts'
export type { PresignOptions } from './presign.ts'
export { splitSigV4Base } from './base.ts'
