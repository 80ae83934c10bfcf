/**
 * @signet/axios: Signet request signing and response verification for axios.
 *
 * Every public export is listed here by name.
 * @packageDocumentation
 */
export { signAxios } from './sign-axios.ts'
export type { SignAxiosOptions, SignAxiosClock, SignedRequestInfo, ResponseVerificationOptions } from './options.ts'
