import { fail } from '../../errors.ts'
import { ALGORITHM, SCOPE_TERMINATOR } from './constants.ts'

/** `AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<a;b>, Signature=<hex>`. */
export function formatAuthorization(accessKeyId: string, scope: string, signedHeaders: string, signature: string): string {
  return `${ALGORITHM} Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`
}

/** The three fields of an `Authorization: AWS4-HMAC-SHA256 …` header, unvalidated. */
export interface AuthorizationFields {
  credential: string
  signedHeaders: string
  signature: string
}

/** Longest Authorization header parsed (a signed header list of a few hundred names fits). */
const MAX_AUTHORIZATION = 8192

/**
 * Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (fields in any order,
 * spaces after the commas optional). Throws `malformed_signature` naming what is wrong.
 */
export function parseAuthorization(value: string): AuthorizationFields {
  if (value.length > MAX_AUTHORIZATION) fail('malformed_signature', `sigv4: the Authorization header is ${value.length} characters long, over the ${MAX_AUTHORIZATION} limit`, { component: 'authorization' })
  const rest = value.slice(ALGORITHM.length)
  if (!value.startsWith(ALGORITHM) || !/^[ \t]/.test(rest)) {
    fail('malformed_signature', `sigv4: the Authorization header must start with "${ALGORITHM} "`, { component: 'authorization' })
  }
  let credential: string | undefined
  let signedHeaders: string | undefined
  let signature: string | undefined
  for (const part of rest.split(',')) {
    const item = part.trim()
    const eq = item.indexOf('=')
    const name = eq === -1 ? item : item.slice(0, eq)
    const field = item.slice(eq + 1)
    if (eq !== -1 && name === 'Credential' && credential === undefined) credential = field
    else if (eq !== -1 && name === 'SignedHeaders' && signedHeaders === undefined) signedHeaders = field
    else if (eq !== -1 && name === 'Signature' && signature === undefined) signature = field
    else if (eq === -1 || !FIELDS.includes(name)) {
      fail('malformed_signature', `sigv4: unexpected Authorization field ${JSON.stringify(item.slice(0, 40))}; expected Credential=, SignedHeaders= and Signature=`, { component: 'authorization' })
    } else fail('malformed_signature', `sigv4: the Authorization header has ${name} twice`, { component: 'authorization' })
  }
  if (credential === undefined) return missing('Credential')
  if (signedHeaders === undefined) return missing('SignedHeaders')
  if (signature === undefined) return missing('Signature')
  return { credential, signedHeaders, signature }
}

const FIELDS = ['Credential', 'SignedHeaders', 'Signature']

function missing(name: string): never {
  return fail('malformed_signature', `sigv4: the Authorization header has no ${name}=`, { component: 'authorization' })
}

/** The parts of `<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request`. */
export interface Credential {
  accessKeyId: string
  shortDate: string
  region: string
  service: string
  scope: string
}

/** Parses a credential; throws `malformed_signature` naming `where` (`Credential` or `X-Amz-Credential`). */
export function parseCredential(value: string, where: string): Readonly<Credential> {
  // A client presents the same credential on every request of the day: the last one parsed is kept.
  if (value === lastCredential.value) return lastCredential.parsed
  const parts = value.split('/')
  if (parts.length !== 5 || parts.some((p) => p === '') || parts[4] !== SCOPE_TERMINATOR || !/^\d{8}$/.test(parts[1]!)) {
    fail('malformed_signature', `sigv4: ${where} must be <access key id>/<YYYYMMDD>/<region>/<service>/${SCOPE_TERMINATOR}, received ${JSON.stringify(value.slice(0, 200))}`, {
      component: where,
      received: value.slice(0, 200),
    })
  }
  const [accessKeyId, shortDate, region, service] = parts as [string, string, string, string]
  const parsed = Object.freeze({ accessKeyId, shortDate, region, service, scope: value.slice(accessKeyId.length + 1) })
  lastCredential = { value, parsed }
  return parsed
}

let lastCredential: { value: string | undefined; parsed: Readonly<Credential> } = { value: undefined, parsed: Object.freeze({ accessKeyId: '', shortDate: '', region: '', service: '', scope: '' }) }

const SIGNED_HEADER_LIST = /^[!#$%&'*+\-.^_`|~0-9a-z]+(;[!#$%&'*+\-.^_`|~0-9a-z]+)*$/

/** Parses `a;b;c`: lower-case header names, sorted, no repeats. Throws `malformed_signature`. */
export function parseSignedHeaders(value: string, where: string): readonly string[] {
  // Requests of one client sign the same header names: the last list parsed is kept.
  if (value === lastSignedHeaders.value) return lastSignedHeaders.names
  if (!SIGNED_HEADER_LIST.test(value)) {
    fail('malformed_signature', `sigv4: ${where} must be lower-case header names separated by ';', received ${JSON.stringify(value.slice(0, 200))}`, { component: where })
  }
  const names = value.split(';')
  for (let i = 1; i < names.length; i++) {
    if (!(names[i - 1]! < names[i]!)) fail('malformed_signature', `sigv4: ${where} must be sorted without repeats (${names[i - 1]} before ${names[i]})`, { component: where })
  }
  lastSignedHeaders = { value, names: Object.freeze(names) }
  return lastSignedHeaders.names
}

let lastSignedHeaders: { value: string | undefined; names: readonly string[] } = { value: undefined, names: [] }

/** A SigV4 signature: 64 lower-case hex digits. Throws `malformed_signature`. */
export function parseSignatureHex(value: string, where: string): string {
  if (!isLowerHex64(value)) fail('malformed_signature', `sigv4: ${where} must be 64 lower-case hex digits`, { component: where })
  return value
}

function isLowerHex64(value: string): boolean {
  if (value.length !== 64) return false
  for (let i = 0; i < 64; i++) {
    const c = value.charCodeAt(i)
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false
  }
  return true
}
