import type { SignetErrorDetails } from '@signet/core'
import type { SchemeName } from './schemes.ts'

/** What to do about a verification failure, by its code (see docs/debugging.md). */

export interface HintContext {
  scheme: SchemeName
  /** The scheme the message's headers suggest, when it is not the one used. */
  detected?: SchemeName | undefined
  keyIdFlag?: string | undefined
  nowMs: number
  /** The request came from curl -v output, which never shows the request body. */
  fromCurlVerbose?: boolean
  /** `--now` was given. */
  nowGiven?: boolean
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
}

export function errorHint(code: string, details: SignetErrorDetails, ctx: HintContext): string | undefined {
  switch (code) {
    case 'missing_signature':
      if (ctx.detected && ctx.detected !== ctx.scheme) return `the message looks signed with ${ctx.detected}: try --scheme ${ctx.detected}`
      return 'the message carries no signature for this scheme: was it captured before it was signed, or is it another scheme (--scheme)?'
    case 'malformed_signature':
      return 'the signature headers are damaged: a proxy, a logger or a copy-paste may have cut, re-wrapped or re-quoted them'
    case 'unknown_key':
      return details.keyId !== undefined
        ? `the signature names key id ${JSON.stringify(details.keyId)}; pass --key-id ${details.keyId} with that key's secret${ctx.keyIdFlag !== undefined ? ' (or drop --key-id to accept the id the message names)' : ''}`
        : 'check --key-id'
    case 'signature_mismatch':
      if (details.component === 'alg') return `the signature's alg and the key's algorithm differ: pass --algorithm ${String(details.received ?? '').replace(/^hmac-/, '')}`
      if (details.component === 'Credential' || details.component === 'X-Amz-Credential') return `the credential scope is ${String(details.received)}: pass --region and --service to match it`
      return 'either the secret differs (check the key and --secret-encoding: text or base64 bytes?) or a covered component changed after signing: compare this base with the signer\'s (signet diff --server-base …)'
    case 'digest_mismatch':
      return ctx.fromCurlVerbose
        ? 'curl -v does not show request bodies: pass the exact bytes sent with --body FILE'
        : 'the body is not the one that was signed: a proxy or the client library changed it (re-serialized JSON, a charset conversion, compression), or the capture is incomplete'
    case 'expired':
    case 'not_yet_valid': {
      const created = Number(details.received)
      if (!Number.isFinite(created) || details.component === 'expires') return code === 'expired' ? 'the signature is past its expiry time' : undefined
      const age = Math.round(ctx.nowMs / 1000 - created)
      const when = `it was made at ${iso(created)} (${Math.abs(age)} s ${age >= 0 ? 'before' : 'after'} the verification time)`
      return ctx.nowGiven
        ? `${when}; the verification time is --now`
        : `${when}: to check a captured message as of when it was signed, pass --now ${details.received}; if this was live, the signer's clock is off (sign with --clock-offset)`
    }
    case 'insufficient_coverage':
      return `the signature does not cover ${details.component ?? 'what the verifier requires'}${details.expected ? ` (required: ${details.expected})` : ''}: sign with those components`
    case 'invalid_key':
      return 'the secret cannot be used as given: check --secret-encoding (utf8 text, base64 or hex)'
    case 'unsupported_algorithm':
      return 'the message uses an algorithm Signet does not verify'
    case 'body_too_large':
      return 'this scheme needs the whole body in memory; bodies over 16 MiB cannot be verified with it'
    case 'replayed':
      return 'the nonce was seen before: every request needs a fresh signature'
  }
  return undefined
}
