import {
  parseDictionary,
  serializeBareItem,
  serializeItem,
  type BareItem,
  type Parameters,
} from '../../canonicalize/structured-fields.ts'
import { checkCoverage, checkFreshness, checkReplay } from '../../checks.ts'
import { randomNonce } from '../../clock.ts'
import { HASH_LENGTH, type HashAlgorithm } from '../../crypto/backend.ts'
import { hmacTextEncoded, hmacVerifyText } from '../../crypto/text.ts'
import { fail, SignetError } from '../../errors.ts'
import type { ResolvedKey } from '../../keys.ts'
import { headerValue, type NormalizedMessage, type NormalizedRequest } from '../../message.ts'
import type { ResponseVerifyContext, Scheme, SignContext, SignResult, Verified, VerifyContext } from '../types.ts'
import { buildBase, failListedTwice } from './base.ts'
import { displayComponentId, parseComponentId, serializeComponentId, STRUCTURED_FIELD_TYPES, withSerializedId, type ComponentId } from './components.ts'
import { selectSignature, type Selector } from './fields.ts'
import { checkContentDigest, contentDigest, type ContentDigestAlgorithm } from './digest.ts'

/** Options of {@link rfc9421}. */
export interface Rfc9421Options {
  /** Signature label in `Signature-Input`/`Signature`. Verification checks this label only when set explicitly. @default 'sig1' */
  label?: string
  /**
   * Request components to cover, as identifiers (`'@method'`, `'content-type'`,
   * `'"@query-param";name="id"'`, `'"example-dict";key="a"'`). Headers that are absent are skipped.
   * @default ['@method', '@authority', '@path', '@query' (when there is a query), 'content-type', 'content-digest' (when there is a body)]
   */
  components?: readonly string[]
  /**
   * Response components to cover. `;req` components come from the request given to `signResponse`.
   * @default ['@status', 'content-type', 'content-digest' (when there is a body), '"@method";req', '"@path";req', and '"signature";req;key="<label>"' when the request was signed]
   */
  responseComponents?: readonly string[]
  /** Content-Digest algorithm added to messages with a body (RFC 9530), or `false` for none. @default 'sha-256' */
  contentDigest?: ContentDigestAlgorithm | false
  /** Signature lifetime: adds `expires = created + expiresIn`. @default none */
  expiresInSeconds?: number
  /** Adds a `nonce` parameter (needed by verifiers with a replay store). @default true */
  nonce?: boolean
  /** Adds the `alg` parameter (`hmac-sha256`…). @default true */
  alg?: boolean
  /** The `tag` parameter: signer's application tag; when set, verification accepts only this tag. @default none */
  tag?: string
  /** Structured-field types of headers covered with `;sf` or `;key`, beyond the ones Signet knows. @default {} */
  structuredFields?: Readonly<Record<string, 'dictionary' | 'list' | 'item'>>
}

/** `alg` values (RFC 9421 §6.2; sha384/sha512 follow the same construction). */
const ALG_OF: Record<HashAlgorithm, string> = { sha256: 'hmac-sha256', sha384: 'hmac-sha384', sha512: 'hmac-sha512' }
const HASH_OF_ALG: Record<string, HashAlgorithm> = { 'hmac-sha256': 'sha256', 'hmac-sha384': 'sha384', 'hmac-sha512': 'sha512' }

/** The signature parameters RFC 9421 §2.3 defines. */
const SIGNATURE_PARAMS: ReadonlySet<string> = new Set(['created', 'expires', 'nonce', 'alg', 'keyid', 'tag'])

// RFC 8941 §3.2 key syntax, which a label must satisfy.
const LABEL = /^[a-z*][a-z0-9_\-.*]*$/

interface Config {
  label: string
  /** Which signature a verifier reads. */
  selector: Selector
  components: readonly ComponentId[] | undefined
  responseComponents: readonly ComponentId[] | undefined
  digest: ContentDigestAlgorithm | false
  expiresIn: number | undefined
  nonce: boolean
  alg: boolean
  tag: string | undefined
  /** `;tag="…"`, serialized once. */
  tagParam: string | undefined
  types: Readonly<Record<string, string>>
  /** {@link keyParams}, per key. */
  keyParams: WeakMap<ResolvedKey, string>
}

function configure(options: Rfc9421Options): Config {
  if (options === null || typeof options !== 'object') fail('invalid_input', 'rfc9421 options must be an object')
  const label = options.label ?? 'sig1'
  if (typeof label !== 'string' || !LABEL.test(label)) fail('invalid_input', `rfc9421 label ${JSON.stringify(label)} must be a structured-field key: lower case, starting with a letter or *`, { component: 'label' })
  const digest = options.contentDigest ?? 'sha-256'
  if (digest !== false && digest !== 'sha-256' && digest !== 'sha-512') fail('unsupported_algorithm', `rfc9421 contentDigest must be 'sha-256', 'sha-512' or false, received ${JSON.stringify(digest)}`)
  const expiresIn = options.expiresInSeconds
  if (expiresIn !== undefined && (!Number.isInteger(expiresIn) || expiresIn <= 0)) fail('invalid_input', `rfc9421 expiresInSeconds must be a positive integer, received ${String(expiresIn)}`)
  if (options.tag !== undefined && typeof options.tag !== 'string') fail('invalid_input', 'rfc9421 tag must be a string')
  const list = (v: readonly string[] | undefined, name: string): ComponentId[] | undefined => {
    if (v === undefined) return undefined
    if (!Array.isArray(v)) fail('invalid_input', `rfc9421 ${name} must be an array of component identifiers`)
    const ids = v.map((text) => withSerializedId(parseComponentId(text)))
    // Checked here, once, so that signing can build the base without a per-request duplicate check (RFC 9421 §2.5).
    const seen = new Set<string>()
    for (const c of ids) {
      if (seen.has(c.serialized!)) fail('invalid_input', `rfc9421 ${name}: component ${c.serialized} is listed twice (RFC 9421 §2.5)`, { component: c.serialized! })
      seen.add(c.serialized!)
    }
    return ids
  }
  return {
    label,
    selector: { label, explicit: options.label !== undefined, tag: options.tag },
    components: list(options.components, 'components'),
    responseComponents: list(options.responseComponents, 'responseComponents'),
    digest,
    expiresIn,
    nonce: options.nonce ?? true,
    alg: options.alg ?? true,
    tag: options.tag,
    tagParam: options.tag === undefined ? undefined : `;tag=${serializeBareItem(options.tag)}`,
    types: { ...STRUCTURED_FIELD_TYPES, ...options.structuredFields },
    keyParams: new WeakMap(),
  }
}

const id = (name: string, params: [string, BareItem][] = []): ComponentId => ({ name, params: new Map(params), serialized: undefined })

// The default request components, built once with their serialized ids.
const METHOD = withSerializedId(id('@method'))
const AUTHORITY = withSerializedId(id('@authority'))
const PATH = withSerializedId(id('@path'))
const QUERY = withSerializedId(id('@query'))
const CONTENT_TYPE = withSerializedId(id('content-type'))
const CONTENT_DIGEST = withSerializedId(id('content-digest'))

/** Components to cover with their serialized ids and the `(…)` list they make, built once. */
interface Plan {
  components: readonly ComponentId[]
  ids: readonly string[]
  list: string
}

function plan(components: readonly ComponentId[]): Plan {
  const ids = components.map(serializeComponentId)
  return { components, ids, list: `(${ids.join(' ')})` }
}

// The default request components come in eight combinations (query, content-type, body digest),
// each planned once: index = query | content-type << 1 | digest << 2.
const DEFAULT_REQUEST_PLANS: readonly Plan[] = Array.from({ length: 8 }, (_, bits) => {
  const out = [METHOD, AUTHORITY, PATH]
  if (bits & 1) out.push(QUERY)
  if (bits & 2) out.push(CONTENT_TYPE)
  if (bits & 4) out.push(CONTENT_DIGEST)
  return plan(out)
})

function defaultRequestPlan(message: NormalizedRequest, hasDigest: boolean): Plan {
  return DEFAULT_REQUEST_PLANS[(message.url.search ? 1 : 0) | (message.headers.has('content-type') ? 2 : 0) | (hasDigest ? 4 : 0)]!
}

function defaultResponseComponents(message: NormalizedMessage, hasDigest: boolean, request: NormalizedRequest | undefined, label: string): ComponentId[] {
  const out = [id('@status')]
  if (message.headers.has('content-type')) out.push(id('content-type'))
  if (hasDigest) out.push(id('content-digest'))
  if (request) {
    out.push(id('@method', [['req', true]]), id('@path', [['req', true]]))
    const sig = requestSignatureLabel(request, label)
    if (sig) out.push(id('signature', [['req', true], ['key', sig]]))
  }
  return out
}

/** The label of the request's signature to bind a response to: ours if present, else the first. */
function requestSignatureLabel(request: NormalizedRequest, label: string): string | undefined {
  const field = headerValue(request.headers, 'signature')
  if (!field) return undefined
  const dict = parseDictionary(field)
  return dict.has(label) ? label : dict.keys().next().value
}

/** Headers that are absent are skipped when the component list is the caller's. */
function present(components: readonly ComponentId[], message: NormalizedMessage, request: NormalizedRequest | undefined): ComponentId[] {
  return components.filter((c) => {
    if (c.name.startsWith('@')) return true
    const source = c.params.get('req') === true ? request : message
    return source !== undefined && source.headers.has(c.name)
  })
}

/** The headers that receive the new signature, appended to any signatures already on the message. */
function appendSignature(message: NormalizedMessage, label: string, input: string, signature: string): { 'signature-input': string; signature: string } {
  const existingInput = headerValue(message.headers, 'signature-input')
  const existingSig = headerValue(message.headers, 'signature')
  if (existingInput && parseDictionary(existingInput).has(label)) {
    fail('invalid_input', `the message already has a signature labelled ${JSON.stringify(label)}; choose another label`, { component: 'signature-input', label })
  }
  return {
    'signature-input': existingInput ? `${existingInput}, ${label}=${input}` : `${label}=${input}`,
    signature: existingSig ? `${existingSig}, ${label}=${signature}` : `${label}=${signature}`,
  }
}

/**
 * The signature parameters after the component list that depend on the configuration and the key
 * only (`;expires` aside): `;keyid="…";alg="…"`, serialized once per key and configuration.
 */
function keyParams(config: Config, key: ResolvedKey): string {
  let cached = config.keyParams.get(key)
  if (cached === undefined) {
    cached = `;keyid=${serializeBareItem(key.id)}`
    if (config.alg) cached += `;alg=${serializeBareItem(ALG_OF[key.algorithm])}`
    config.keyParams.set(key, cached)
  }
  return cached
}

async function sign(config: Config, message: NormalizedMessage, ctx: SignContext, request: NormalizedRequest | undefined): Promise<SignResult> {
  const headers: Record<string, string> = {}
  let effective = message
  const hasBody = !ctx.body.absent
  if (hasBody && config.digest) {
    const digest = contentDigest(ctx.body, config.digest)
    headers['content-digest'] = typeof digest === 'string' ? digest : await digest
    // The base covers the digest we send, not one the caller may have set.
    const merged = new Map(message.headers)
    merged.set('content-digest', [headers['content-digest']])
    effective = { ...message, headers: merged }
  }
  const hasDigest = effective.headers.has('content-digest')
  const configured = message.kind === 'request' ? config.components : config.responseComponents
  const { components, ids, list } = configured
    ? plan(present(configured, effective, request))
    : message.kind === 'request'
      ? defaultRequestPlan(message, hasDigest)
      : plan(defaultResponseComponents(effective, hasDigest, request, config.label))
  const created = Math.floor(ctx.nowMs / 1000)
  // The inner list, serialized straight from its parts (RFC 8941 §4.1.1.1), in the order the
  // parameters have always had: created, expires, keyid, alg, nonce, tag. It is both the last
  // line of the base and the Signature-Input value.
  let input = `${list};created=${serializeBareItem(created)}`
  if (config.expiresIn !== undefined) input += `;expires=${serializeBareItem(created + config.expiresIn)}`
  input += keyParams(config, ctx.key)
  if (config.nonce) {
    const nonce = ctx.nonce()
    // The built-in nonce is base64url, which needs no escaping (RFC 8941 §4.1.6).
    input += ctx.nonce === randomNonce ? `;nonce="${nonce}"` : `;nonce=${serializeBareItem(nonce)}`
  }
  if (config.tag !== undefined) input += config.tagParam!
  // Components were checked for duplicates when the scheme was configured, or are the defaults.
  const base = buildBase(effective, components, request, config.types, input, ids)
  const pending = hmacTextEncoded(ctx.crypto, ctx.key.material, ctx.key.algorithm, base, 'base64')
  // node:crypto answers synchronously: no await (one microtask turn) for a value that is already there.
  const mac = typeof pending === 'string' ? pending : await pending
  Object.assign(headers, appendSignature(message, config.label, input, `:${mac}:`))
  return { headers, base }
}

function integerParam(params: Parameters, name: string, label: string): number | undefined {
  const v = params.get(name)
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail('malformed_signature', `signature ${label}: ${name} must be a non-negative integer, received ${serializeItem({ value: v, params: new Map() })}`, { component: name, label })
  return v
}

function stringParam(params: Parameters, name: string, label: string): string | undefined {
  const v = params.get(name)
  if (v === undefined) return undefined
  if (typeof v !== 'string') fail('malformed_signature', `signature ${label}: ${name} must be a string`, { component: name, label })
  return v
}

/** A covered component satisfies a required one with the same name and at least its parameters. */
function satisfies(covered: ComponentId, required: ComponentId): boolean {
  if (covered.name !== required.name) return false
  for (const [k, v] of required.params) if (covered.params.get(k) !== v) return false
  return true
}

const DEFAULT_REQUIRED_REQUEST: readonly ComponentId[] = ['@method', '@authority', '@path'].map(parseComponentId)
const parsedRequired = new WeakMap<readonly string[], readonly ComponentId[]>()

/** The components a signature must cover, parsed: the caller's list (parsed once per array) or the scheme's minimum. */
function requiredComponents(required: readonly string[] | undefined, message: NormalizedMessage, request: NormalizedRequest | undefined): readonly ComponentId[] {
  if (required === undefined) return message.kind === 'request' ? DEFAULT_REQUIRED_REQUEST : defaultRequired(message, request).map(parseComponentId)
  let parsed = parsedRequired.get(required)
  if (parsed === undefined) {
    parsed = required.map(parseComponentId)
    parsedRequired.set(required, parsed)
  }
  return parsed
}

function defaultRequired(message: NormalizedMessage, request: NormalizedRequest | undefined): string[] {
  if (message.kind === 'request') return ['@method', '@authority', '@path']
  const out = ['@status']
  if (request) {
    const bound = request.headers.has('signature') ? '"signature";req' : '"@method";req'
    out.push(bound)
  }
  return out
}

async function verify(config: Config, message: NormalizedMessage, ctx: VerifyContext, request: NormalizedRequest | undefined): Promise<Verified> {
  const { label, list, params, mac, signatureParams } = selectSignature(message, config.selector)
  const { components } = list
  for (const name of params.keys()) {
    if (!SIGNATURE_PARAMS.has(name)) fail('malformed_signature', `signature ${label}: unknown parameter ${JSON.stringify(name)}`, { component: name, label })
  }
  const created = integerParam(params, 'created', label)
  const expires = integerParam(params, 'expires', label)
  const keyId = stringParam(params, 'keyid', label)
  const alg = stringParam(params, 'alg', label)
  const nonce = stringParam(params, 'nonce', label)
  const tag = stringParam(params, 'tag', label)
  if (keyId === undefined) fail('malformed_signature', `signature ${label} has no keyid, so no key can be chosen`, { component: 'keyid', label })
  if (created !== undefined && expires !== undefined && expires < created) fail('malformed_signature', `signature ${label}: expires (${expires}) is before created (${created})`, { component: 'expires', label })
  if (alg !== undefined && !Object.hasOwn(HASH_OF_ALG, alg)) fail('unsupported_algorithm', `signature ${label}: alg ${JSON.stringify(alg)} is not an HMAC algorithm Signet verifies (hmac-sha256, hmac-sha384, hmac-sha512)`, { component: 'alg', label, received: alg })
  checkFreshness(ctx, created, expires)

  // Coverage: what the caller requires, or a minimum that makes the signature mean something.
  const required = requiredComponents(ctx.required, message, request)
  if (!list.satisfies.has(required)) {
    checkCoverage(components, required, 'rfc9421', displayComponentId, satisfies)
    list.satisfies.add(required)
  }
  if (!request && list.coversRequest) {
    fail('invalid_input', `signature ${label} covers components of the request (;req); pass the request to verifyResponse({ request })`, { component: 'request', label })
  }
  // As for the body below: by default, a query the signature does not cover could have been added or changed.
  if (message.kind === 'request' && ctx.required === undefined && message.url.search !== '' && !list.coversQuery) {
    fail('insufficient_coverage', `signature ${label} does not cover the query ("@query"), so the query is not protected`, { component: '@query', label })
  }
  const { coversDigest } = list
  if (!coversDigest && ctx.required === undefined && !ctx.body.absent && (await ctx.body.bytes()).byteLength > 0) {
    fail('insufficient_coverage', `signature ${label} does not cover content-digest, so the body is not protected`, { component: 'content-digest', label })
  }

  const key: ResolvedKey = await ctx.key(keyId)
  if (alg !== undefined && HASH_OF_ALG[alg] !== key.algorithm) {
    fail('signature_mismatch', `signature ${label}: alg is ${alg} but key ${JSON.stringify(keyId)} is ${ALG_OF[key.algorithm]}`, { component: 'alg', label, keyId, expected: ALG_OF[key.algorithm], received: alg })
  }
  let base: string
  try {
    if (list.duplicate !== undefined) failListedTwice(list.duplicate)
    base = buildBase(message, components, request, config.types, signatureParams, list.ids)
  } catch (err) {
    // A component the signature names but the message lacks: the message is not what was signed.
    if (err instanceof SignetError && err.code === 'invalid_input') throw new SignetError('signature_mismatch', `signature ${label}: ${err.message}`, { ...err.details, label, keyId })
    throw err
  }
  const expectedLength = HASH_LENGTH[key.algorithm]
  if (mac.byteLength !== expectedLength) {
    fail('signature_mismatch', `signature ${label} is ${mac.byteLength} bytes, expected ${expectedLength} for ${ALG_OF[key.algorithm]} (truncated or wrong algorithm)`, {
      component: 'signature',
      label,
      keyId,
      expected: `${expectedLength} bytes`,
      received: `${mac.byteLength} bytes`,
      base,
    })
  }
  const pending = hmacVerifyText(ctx.crypto, key.material, key.algorithm, base, mac)
  // node:crypto answers synchronously: no microtask turn for a value that is already there.
  const ok = typeof pending === 'boolean' ? pending : await pending
  if (!ok) {
    fail('signature_mismatch', `signature ${label} does not match the message: a covered component differs from what was signed (compare details.base with the signer's base)`, {
      component: 'signature',
      label,
      keyId,
      base,
    })
  }
  if (coversDigest) {
    const digestChecked = checkContentDigest(headerValue(message.headers, 'content-digest')!, ctx.body)
    if (digestChecked) await digestChecked
  }
  const replay = checkReplay(ctx, keyId, nonce, created)
  if (replay) await replay
  const verified: Verified = { scheme: 'rfc9421', keyId, algorithm: key.algorithm, covered: list.covered.slice(), label, base }
  if (created !== undefined) verified.created = created
  if (expires !== undefined) verified.expires = expires
  if (nonce !== undefined) verified.nonce = nonce
  if (tag !== undefined) verified.tag = tag
  return verified
}

/**
 * RFC 9421 HTTP Message Signatures with HMAC, and RFC 9530 Content-Digest: Signet's default scheme.
 * Requests and responses; responses are bound to their request with `;req` components (§2.4).
 */
export function rfc9421(options: Rfc9421Options = {}): Scheme {
  const config = configure(options)
  return {
    name: 'rfc9421',
    requestBody: config.digest ? 'digest' : 'none',
    responseBody: config.digest ? 'digest' : 'none',
    signRequest: (message, ctx) => sign(config, message, ctx, undefined),
    verifyRequest: (message, ctx) => verify(config, message, ctx, undefined),
    signResponse: (message, ctx) => sign(config, message, ctx, ctx.request),
    verifyResponse: (message, ctx: ResponseVerifyContext) => verify(config, message, ctx, ctx.request),
  }
}

export { signatureBase } from './base.ts'
export { parseComponentId, serializeComponentId } from './components.ts'
