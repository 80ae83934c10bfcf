import {
  decodeByteSequence,
  isDigit,
  isInnerList,
  isKeyChar,
  isKeyStart,
  parseDictionary,
  parseInnerList,
  serializeParams,
  type Dictionary,
  type Item,
  type Limits,
  type Parameters,
} from '../../canonicalize/structured-fields.ts'
import { fail } from '../../errors.ts'
import { headerValue, type NormalizedMessage } from '../../message.ts'
import { duplicateId } from './base.ts'
import { componentFromItem, displayComponentId, serializeComponentId, type ComponentId } from './components.ts'

/**
 * Reading `Signature-Input` and `Signature` (RFC 9421 §4.1, §4.2) for a verifier.
 *
 * Nearly every signed message carries one signature whose component list repeats from request to
 * request while its parameters (`created`, `nonce`) change. That form is read by a scanner that
 * accepts only canonical, unambiguous input and keeps the parsed component list in a bounded
 * cache; anything else (several signatures, whitespace, escapes, tokens, decimals, duplicate
 * parameters, any error) goes through the full Structured Fields parser, so both paths give the
 * same result and every error comes from one place.
 */

/** Limits on what a verifier parses, against oversized or hostile headers. */
const MAX_SIGNATURE_HEADER = 8192
const MAX_SIGNATURES = 16
const MAX_COMPONENTS = 64
const MAX_PARAMS = 32
const INPUT_LIMITS: Limits = Object.freeze({ maxLength: MAX_SIGNATURE_HEADER, maxMembers: MAX_SIGNATURES, maxInnerListItems: MAX_COMPONENTS })
const SIGNATURE_LIMITS: Limits = Object.freeze({ maxLength: MAX_SIGNATURE_HEADER, maxMembers: MAX_SIGNATURES })

/** Request components that cover the whole query. */
const QUERY_COVERING: ReadonlySet<string> = new Set(['@query', '@target-uri', '@request-target'])

/** A signature's component list, with everything the verifier derives from it alone. */
export interface CoveredList {
  readonly components: readonly ComponentId[]
  /** Serialized identifiers, as in the base. */
  readonly ids: readonly string[]
  /** User-facing identifiers ({@link displayComponentId}). */
  readonly covered: readonly string[]
  /** `(…)` serialized (RFC 8941 §4.1.1.1). */
  readonly list: string
  /** A component listed twice, which makes the base impossible to build (§2.5). */
  readonly duplicate: string | undefined
  readonly coversQuery: boolean
  /** Covers the message's own `content-digest` (not `;req`). */
  readonly coversDigest: boolean
  /** Covers a component of the request (`;req`). */
  readonly coversRequest: boolean
  /** Required-component lists this list was found to satisfy: coverage is checked once per pair. */
  readonly satisfies: WeakSet<readonly ComponentId[]>
}

/** The signature a verifier checks. */
export interface SelectedSignature {
  readonly label: string
  readonly list: CoveredList
  readonly params: Parameters
  /** The `@signature-params` value (§2.3): the inner list and its parameters, serialized. */
  readonly signatureParams: string
  readonly mac: Uint8Array
}

export function coveredList(items: readonly Item[]): CoveredList {
  const components = items.map((item) => componentFromItem(item, 'malformed_signature'))
  const ids = components.map(serializeComponentId)
  return {
    components: components.map((c, i) => ({ ...c, serialized: ids[i] })),
    ids,
    covered: components.map(displayComponentId),
    list: `(${ids.join(' ')})`,
    duplicate: duplicateId(ids),
    coversQuery: components.some((c) => QUERY_COVERING.has(c.name)),
    coversDigest: components.some((c) => c.name === 'content-digest' && !c.params.has('req')),
    coversRequest: components.some((c) => c.params.get('req') === true),
    satisfies: new WeakSet(),
  }
}

// Component lists seen before, by their text in Signature-Input. Only lists that parsed and are
// valid are kept; bounded (cleared when full) and only short texts, so hostile input cannot grow it.
const lists = new Map<string, CoveredList>()
const MAX_CACHED_LISTS = 256
const MAX_CACHED_LIST_LENGTH = 1024

function cachedList(text: string): CoveredList | undefined {
  let hit = lists.get(text)
  if (hit !== undefined) return hit
  try {
    // The text ends at the first ")", which a string item may contain: then it does not parse
    // here, and the full parser reads the field.
    hit = coveredList(parseInnerList(text, INPUT_LIMITS).items)
  } catch {
    return undefined
  }
  if (text.length <= MAX_CACHED_LIST_LENGTH) {
    if (lists.size >= MAX_CACHED_LISTS) lists.clear()
    lists.set(text, hit)
  }
  return hit
}

/**
 * `;key=value…` from `from` to the end of `s`, when it is in the form the serializer writes
 * (RFC 8941 §4.1.1.2): integers without leading zeros, strings without escapes, no repeated key.
 * Then the text is its own serialization. Anything else is undefined.
 */
function scanParams(s: string, from: number): Parameters | undefined {
  const params: Parameters = new Map()
  let i = from
  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x3b || params.size >= MAX_PARAMS) return undefined
    const keyStart = ++i
    if (!isKeyStart(s.charCodeAt(i))) return undefined
    while (isKeyChar(s.charCodeAt(++i)));
    const key = s.slice(keyStart, i)
    if (s.charCodeAt(i) !== 0x3d || params.has(key)) return undefined
    let c = s.charCodeAt(++i)
    if (isDigit(c)) {
      const start = i
      while (isDigit(s.charCodeAt(++i)));
      if (i - start > 15 || (c === 0x30 && i - start > 1)) return undefined
      params.set(key, Number(s.slice(start, i)))
    } else if (c === 0x22) {
      const start = i + 1
      for (c = s.charCodeAt(++i); c !== 0x22; c = s.charCodeAt(++i)) {
        // Not printable ASCII (or the end: NaN), or an escape: the full parser decides.
        if (!(c >= 0x20 && c <= 0x7e) || c === 0x5c) return undefined
      }
      params.set(key, s.slice(start, i++))
    } else return undefined
  }
  return params
}

/** The single-signature form `label=(…);params` and `label=:base64:`, or undefined. */
function scanSignature(input: string, sig: string): SelectedSignature | undefined {
  const eq = input.indexOf('=(')
  if (eq <= 0 || !isKeyStart(input.charCodeAt(0))) return undefined
  for (let k = 1; k < eq; k++) if (!isKeyChar(input.charCodeAt(k))) return undefined
  const close = input.indexOf(')', eq)
  if (close < 0) return undefined
  const listText = input.slice(eq + 1, close + 1)
  const list = cachedList(listText)
  if (list === undefined) return undefined
  const params = scanParams(input, close + 1)
  if (params === undefined) return undefined
  const label = input.slice(0, eq)
  if (sig.length < eq + 3 || !sig.startsWith(label) || sig.charCodeAt(eq) !== 0x3d || sig.charCodeAt(eq + 1) !== 0x3a || sig.charCodeAt(sig.length - 1) !== 0x3a) return undefined
  const mac = decodeByteSequence(sig, eq + 2, sig.length - 1)
  if (mac === undefined) return undefined
  const paramsText = input.slice(close + 1)
  return { label, list, params, signatureParams: list.list === listText ? input.slice(eq + 1) : list.list + paramsText, mac }
}

function parseSignatureFields(input: string, sig: string): { inputs: Dictionary; signatures: Dictionary } {
  return { inputs: parseDictionary(input, INPUT_LIMITS), signatures: parseDictionary(sig, SIGNATURE_LIMITS) }
}

/** Which signature to verify. */
export interface Selector {
  /** The label to look for; without `explicit`, only the one named in an error. */
  readonly label: string
  /** Only this label is accepted; otherwise the first signature (with the tag, if any). */
  readonly explicit: boolean
  readonly tag: string | undefined
}

/**
 * Picks the signature to verify (see {@link Selector}). Missing or malformed fields fail with
 * `missing_signature` or `malformed_signature`.
 */
export function selectSignature(message: NormalizedMessage, { label: wanted, explicit, tag }: Selector): SelectedSignature {
  const label = explicit ? wanted : undefined
  const input = headerValue(message.headers, 'signature-input')
  const sig = headerValue(message.headers, 'signature')
  if (!input && !sig) fail('missing_signature', 'the message has no Signature-Input and Signature headers (in a browser, check that the server lists them in Access-Control-Expose-Headers)', { component: 'signature' })
  if (!input) fail('missing_signature', 'the message has a Signature header but no Signature-Input', { component: 'signature-input' })
  if (!sig) fail('missing_signature', 'the message has a Signature-Input header but no Signature', { component: 'signature' })
  for (const [name, value] of [['signature-input', input], ['signature', sig]] as const) {
    if (value.length > MAX_SIGNATURE_HEADER) fail('malformed_signature', `${name} is ${value.length} characters long, over the ${MAX_SIGNATURE_HEADER} limit`, { component: name })
  }
  const fast = scanSignature(input, sig)
  if (fast !== undefined && (label === undefined || fast.label === label) && (tag === undefined || fast.params.get('tag') === tag)) return fast

  const { inputs, signatures } = parseSignatureFields(input, sig)
  const labels = label !== undefined ? [label] : [...inputs.keys()]
  for (const l of labels) {
    const member = inputs.get(l)
    if (member === undefined) continue
    if (!isInnerList(member)) fail('malformed_signature', `Signature-Input ${l} must be an inner list of components`, { component: 'signature-input', label: l })
    if (tag !== undefined && member.params.get('tag') !== tag) continue
    const s = signatures.get(l)
    if (s === undefined) fail('missing_signature', `Signature-Input has ${JSON.stringify(l)} but Signature does not`, { component: 'signature', label: l })
    if (isInnerList(s) || !(s.value instanceof Uint8Array)) fail('malformed_signature', `Signature ${l} must be a byte sequence (:base64:)`, { component: 'signature', label: l })
    const list = coveredList(member.items)
    return {
      label: l,
      list,
      params: member.params,
      get signatureParams() {
        // Serialized only when the base is built, after the checks that come first.
        return list.list + serializeParams(member.params)
      },
      mac: s.value,
    }
  }
  const what = label !== undefined ? `labelled ${JSON.stringify(label)}` : tag !== undefined ? `with tag ${JSON.stringify(tag)}` : ''
  return fail('missing_signature', `no signature ${what} in Signature-Input (found: ${[...inputs.keys()].join(', ') || 'none'})`, { component: 'signature-input', label: wanted })
}
