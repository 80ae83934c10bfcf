/**
 * @signet/fetch: a `fetch` that signs every request with Signet and can verify signed responses.
 * Every public export is listed here by name.
 * @packageDocumentation
 */
export { createSignedFetch } from './signed-fetch.ts'
export type { SignedFetchOptions, ResponseVerificationOptions, ClockCorrectionOptions, SignedRequestInfo } from './options.ts'
export { AUTO_CORRECT_THRESHOLD_MS } from './clock.ts'
