import {
  aspnetWebApiHmac,
  authorizationContentHmac,
  bodyNonceHmac,
  djangoHmac,
  pipeCanonical,
  rfc9421,
  sigv4,
  type ContentDigestAlgorithm,
  type DjangoHmacOptions,
  type Rfc9421Options,
  type Scheme,
  type SigV4Options,
} from '@signet/core'
import { flag, list, seconds, str, UsageError, type OptionDefs, type Parsed } from './args.ts'
import type { Io } from './io.ts'

/** The `--scheme` names: exactly the preset names of @signet/core. */
export const SCHEME_NAMES = ['rfc9421', 'sigv4', 'authorizationContentHmac', 'djangoHmac', 'pipeCanonical', 'aspnetWebApiHmac', 'bodyNonceHmac'] as const
export type SchemeName = (typeof SCHEME_NAMES)[number]

const CUSTOM: readonly SchemeName[] = ['authorizationContentHmac', 'djangoHmac', 'pipeCanonical', 'aspnetWebApiHmac', 'bodyNonceHmac']

/** Schemes whose signature names the key (RFC 9421 keyid, SigV4 Credential, django api_key, ASP.NET user name). */
export const SENDS_KEY_ID: ReadonlySet<SchemeName> = new Set(['rfc9421', 'sigv4', 'djangoHmac', 'aspnetWebApiHmac'])
/** Schemes that sign responses. */
export const SIGNS_RESPONSES: ReadonlySet<SchemeName> = new Set(['rfc9421', 'authorizationContentHmac'])

/** The key id used for schemes that send none, when --key-id is not given. */
export const DEFAULT_KEY_ID = 'signet-cli'

/** Scheme and key options shared by sign, verify, explain, diff and serve. */
export const SCHEME_OPTIONS: OptionDefs = {
  scheme: { type: 'string' },
  'key-id': { type: 'string' },
  algorithm: { type: 'string' },
  label: { type: 'string' },
  components: { type: 'string', multiple: true },
  tag: { type: 'string' },
  'expires-in': { type: 'string' },
  'no-nonce': { type: 'boolean' },
  nonce: { type: 'string' },
  'content-digest': { type: 'string' },
  region: { type: 'string' },
  service: { type: 'string' },
  'session-token-env': { type: 'string' },
  'unsigned-payload': { type: 'boolean' },
  username: { type: 'string' },
  'signed-headers': { type: 'string' },
  bound: { type: 'boolean' },
  window: { type: 'string' },
}

/** Which schemes each scheme-specific option applies to. */
const APPLIES_TO: Record<string, readonly SchemeName[]> = {
  algorithm: ['rfc9421', 'djangoHmac'],
  label: ['rfc9421'],
  components: ['rfc9421'],
  tag: ['rfc9421'],
  'expires-in': ['rfc9421', 'sigv4'],
  'no-nonce': ['rfc9421'],
  nonce: ['rfc9421', 'bodyNonceHmac'],
  'content-digest': ['rfc9421'],
  region: ['sigv4'],
  service: ['sigv4'],
  'session-token-env': ['sigv4'],
  'unsigned-payload': ['sigv4'],
  presign: ['sigv4'],
  username: ['aspnetWebApiHmac'],
  'signed-headers': ['pipeCanonical'],
  bound: ['bodyNonceHmac'],
  window: CUSTOM,
}

const ALIASES: Record<string, SchemeName> = {
  rfc9421: 'rfc9421',
  'rfc-9421': 'rfc9421',
  'http-message-signatures': 'rfc9421',
  sigv4: 'sigv4',
  'aws-sigv4': 'sigv4',
  aws: 'sigv4',
  authorizationcontenthmac: 'authorizationContentHmac',
  djangohmac: 'djangoHmac',
  django: 'djangoHmac',
  pipecanonical: 'pipeCanonical',
  aspnetwebapihmac: 'aspnetWebApiHmac',
  aspnet: 'aspnetWebApiHmac',
  bodynoncehmac: 'bodyNonceHmac',
}

export function schemeName(value: string | undefined, fallback: SchemeName = 'rfc9421'): SchemeName {
  if (value === undefined) return fallback
  const found = ALIASES[value.toLowerCase()]
  if (!found) throw new UsageError(`unknown --scheme ${JSON.stringify(value)}`, `use one of: ${SCHEME_NAMES.join(', ')}`)
  return found
}

/** Refuses scheme options that do not apply to the chosen scheme (a silently ignored --region is a trap). */
export function checkApplicable(p: Parsed, scheme: SchemeName): void {
  for (const [name, schemes] of Object.entries(APPLIES_TO)) {
    const v = p.values[name]
    if (v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue
    if (!schemes.includes(scheme)) {
      throw new UsageError(`--${name} applies to ${schemes.map((s) => `--scheme ${s}`).join(' or ')}, not ${scheme}`, `drop --${name}, or choose the scheme it belongs to`)
    }
  }
}

export type HashName = 'sha256' | 'sha384' | 'sha512'

export function hashAlgorithm(p: Parsed): HashName | undefined {
  const v = str(p, 'algorithm')
  if (v === undefined) return undefined
  const n = v.toLowerCase().replace(/^hmac-/, '').replace('-', '')
  if (n === 'sha256' || n === 'sha384' || n === 'sha512') return n
  throw new UsageError(`--algorithm must be sha256, sha384 or sha512, received ${JSON.stringify(v)}`)
}

/** `--components`: repeatable, each a comma-separated list; commas inside quotes are kept. */
export function componentList(p: Parsed): string[] | undefined {
  const raw = list(p, 'components')
  if (raw.length === 0) return undefined
  const out: string[] = []
  for (const item of raw) {
    let cur = ''
    let quoted = false
    for (const ch of item) {
      if (ch === '"') quoted = !quoted
      if (ch === ',' && !quoted) {
        if (cur.trim()) out.push(cur.trim())
        cur = ''
      } else cur += ch
    }
    if (cur.trim()) out.push(cur.trim())
  }
  // Accept "@method" written with its quotes, as it appears in Signature-Input.
  return out.map((c) => (/^"[^"]*"$/.test(c) ? c.slice(1, -1) : c))
}

export interface SchemeBuild {
  name: SchemeName
  scheme: Scheme
  /** The key id to sign with or to look up (for schemes that send none). */
  keyId: string | undefined
  algorithm: HashName | undefined
  /** A fixed nonce (`--nonce`), for reproducible output. */
  nonce: string | undefined
}

export interface BuildOptions {
  /** Verification: for schemes that send no key id, the id the verifier looks up. */
  purpose: 'sign' | 'verify' | 'rebuild'
  /** rfc9421 options that replace the flags (diff: the server's parameters). */
  rfc9421?: Rfc9421Options
  /** sigv4: the presigned form. */
  presign?: { expiresInSeconds?: number } | undefined
  /** The key id to use when --key-id is not given (explain and diff build bases without a real key). */
  placeholderKeyId?: string
}

/** A window so large that no timestamp is refused: to rebuild a base without judging freshness. */
const HUGE_WINDOW = 1e11

/** Builds the scheme the flags describe. */
export function buildScheme(name: SchemeName, p: Parsed, io: Io, options: BuildOptions): SchemeBuild {
  checkApplicable(p, name)
  const given = str(p, 'key-id')
  if (given !== undefined && given.trim() === '') throw new UsageError('--key-id is empty')
  const keyId = given ?? options.placeholderKeyId
  const algorithm = hashAlgorithm(p)
  const nonce = str(p, 'nonce')
  const window = options.purpose === 'rebuild' ? HUGE_WINDOW : seconds(p, 'window')
  const verifyKeyId = options.purpose === 'sign' ? keyId : (keyId ?? DEFAULT_KEY_ID)
  const common = { name, keyId, algorithm, nonce }
  switch (name) {
    case 'rfc9421': {
      const opts: Rfc9421Options = options.rfc9421 ?? {}
      if (!options.rfc9421) {
        const label = str(p, 'label')
        if (label !== undefined) opts.label = label
        const components = componentList(p)
        if (components) opts.components = components
        const tag = str(p, 'tag')
        if (tag !== undefined) opts.tag = tag
        const expires = seconds(p, 'expires-in', { integer: true })
        if (expires !== undefined) opts.expiresInSeconds = expires
        if (flag(p, 'no-nonce')) {
          if (nonce !== undefined) throw new UsageError('--no-nonce and --nonce are both given', 'choose one')
          opts.nonce = false
        }
        const digest = str(p, 'content-digest')
        if (digest !== undefined) {
          if (digest === 'none' || digest === 'false') opts.contentDigest = false
          else if (digest === 'sha-256' || digest === 'sha-512') opts.contentDigest = digest as ContentDigestAlgorithm
          else throw new UsageError(`--content-digest must be sha-256, sha-512 or none, received ${JSON.stringify(digest)}`)
        }
      }
      return { ...common, scheme: core(() => rfc9421(opts)) }
    }
    case 'sigv4': {
      const region = str(p, 'region')
      const service = str(p, 'service')
      if (region === undefined || service === undefined) {
        throw new UsageError(`sigv4 needs ${region === undefined ? '--region' : ''}${region === undefined && service === undefined ? ' and ' : ''}${service === undefined ? '--service' : ''}`, 'e.g. --region us-east-1 --service execute-api (the credential scope the server expects)')
      }
      const opts: SigV4Options = { region, service }
      const tokenEnv = str(p, 'session-token-env')
      if (tokenEnv !== undefined) {
        const token = io.env[tokenEnv]
        if (!token) throw new UsageError(`--session-token-env ${tokenEnv}: the variable is not set`, `export ${tokenEnv}='…' (the STS session token)`)
        io.redactor.add(token)
        opts.sessionToken = token
      }
      if (flag(p, 'unsigned-payload')) opts.unsignedPayload = true
      const expires = seconds(p, 'expires-in', { integer: true })
      if (options.presign) opts.signQuery = { expiresInSeconds: expires ?? options.presign.expiresInSeconds ?? 900 }
      else if (expires !== undefined && options.purpose === 'sign') throw new UsageError('--expires-in applies to sigv4 only with --presign')
      return { ...common, scheme: core(() => sigv4(opts)) }
    }
    case 'authorizationContentHmac':
      return { ...common, scheme: core(() => authorizationContentHmac({ ...(window !== undefined ? { windowSeconds: window } : {}), ...(verifyKeyId !== undefined ? { keyId: verifyKeyId } : {}) })) }
    case 'djangoHmac': {
      const opts: DjangoHmacOptions = {}
      if (window !== undefined) opts.windowSeconds = window
      if (options.purpose === 'rebuild') opts.futureSeconds = HUGE_WINDOW
      return { ...common, scheme: core(() => djangoHmac(opts)) }
    }
    case 'pipeCanonical': {
      const headers = str(p, 'signed-headers')
      const names = headers === undefined ? undefined : headers.split(',').map((h) => h.trim()).filter(Boolean)
      return {
        ...common,
        scheme: core(() => pipeCanonical({ ...(names ? { headers: names } : {}), ...(window !== undefined ? { windowSeconds: window } : {}), ...(verifyKeyId !== undefined ? { keyId: verifyKeyId } : {}) })),
      }
    }
    case 'aspnetWebApiHmac': {
      const username = str(p, 'username') ?? (options.purpose === 'sign' ? keyId : undefined)
      if (options.purpose === 'sign' && username === undefined) throw new UsageError('aspnetWebApiHmac needs --username (or --key-id): it is sent as <username>:<signature>')
      return { ...common, scheme: core(() => aspnetWebApiHmac({ ...(username !== undefined ? { username } : {}), ...(window !== undefined ? { windowSeconds: window } : {}) })) }
    }
    case 'bodyNonceHmac':
      return {
        ...common,
        scheme: core(() => bodyNonceHmac({ bound: flag(p, 'bound'), ...(window !== undefined ? { windowSeconds: window } : {}), ...(verifyKeyId !== undefined ? { keyId: verifyKeyId } : {}) })),
      }
  }
}

/** Runs a core factory; its `invalid_input` errors about options are usage errors here. */
function core<T>(make: () => T): T {
  try {
    return make()
  } catch (err) {
    const e = err as { name?: string; message?: string }
    if (e.name === 'SignetError') throw new UsageError(e.message ?? String(err))
    throw err
  }
}

/** Guesses the scheme from a message's signature headers (lower-case names). */
export function detectScheme(headers: ReadonlyMap<string, readonly string[]>): SchemeName | undefined {
  const get = (n: string): string | undefined => headers.get(n)?.join(', ')
  if (headers.has('signature-input') || headers.has('signature')) return 'rfc9421'
  const auth = get('authorization')
  if (auth?.startsWith('AWS4-')) return 'sigv4'
  if (auth && /^HMAC-SHA(256|384|512) /.test(auth)) return 'djangoHmac'
  if (headers.has('x-authorization-content-hmac') || headers.has('x-response-content-hmac')) return 'authorizationContentHmac'
  if (headers.has('x-api-signature') && headers.has('x-request-nonce')) return 'bodyNonceHmac'
  if (headers.has('x-api-signature')) return 'pipeCanonical'
  if (headers.has('authentication') && headers.has('timestamp')) return 'aspnetWebApiHmac'
  return undefined
}

/** The signature time a message declares (unix seconds), when it can be read without the scheme. */
export function declaredSignatureTime(name: SchemeName, headers: ReadonlyMap<string, readonly string[]>, url: URL | undefined): number | undefined {
  const get = (n: string): string | undefined => headers.get(n)?.join(', ').trim()
  if (name === 'rfc9421') {
    const m = /;created=(\d+)/.exec(get('signature-input') ?? '')
    return m ? Number(m[1]) : undefined
  }
  if (name === 'sigv4') {
    const amz = get('x-amz-date') ?? url?.searchParams.get('X-Amz-Date') ?? undefined
    const m = amz ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amz) : null
    return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000 : undefined
  }
  return undefined
}

/** The HMAC hash a message's rfc9421 signature declares with `alg`, to pick the key's algorithm. */
export function declaredAlgorithm(headers: ReadonlyMap<string, readonly string[]>): HashName | undefined {
  const m = /;alg="hmac-(sha256|sha384|sha512)"/.exec(headers.get('signature-input')?.join(', ') ?? '')
  return m ? (m[1] as HashName) : undefined
}
