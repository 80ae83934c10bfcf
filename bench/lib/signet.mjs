// The Signet under test: the BUILT @signet/core (dist/, server or browser build by export
// conditions). `sigv4` comes from the dist when core exports it; until then from a bundle of
// packages/core/src/schemes/sigv4 that run.mjs writes to bench/.cache/sigv4.mjs (same code,
// bundled by esbuild as tsup would). `sigv4From` says which one was measured.
import * as core from '@signet/core'
import { signRequest as liteSignRequest } from '@signet/core/sign'

let sigv4 = core.sigv4
let sigv4From = sigv4 ? 'dist' : undefined
if (!sigv4) {
  try {
    const url = globalThis.__SIGNET_SIGV4_URL__ ?? new URL('../.cache/sigv4.mjs', import.meta.url).href
    const m = await import(/* @vite-ignore */ url)
    sigv4 = m.sigv4
    sigv4From = 'src-bundle'
  } catch {
    sigv4From = 'missing'
  }
}

export const { signRequest, verifyRequest, signResponse, verifyResponse, rfc9421, memoryReplayStore } = core
export { sigv4, sigv4From }
/** The small signer entry, `@signet/core/sign`: RFC 9421 HMAC through WebCrypto. */
export { liteSignRequest }
