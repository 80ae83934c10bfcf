import { toBase64 } from '../../canonicalize/encoding.ts'
import {
  isInnerList,
  parseDictionary,
  parseItem,
  parseList,
  serializeDictionary,
  serializeItem,
  serializeList,
  type Item,
  type Parameters,
} from '../../canonicalize/structured-fields.ts'
import { fail } from '../../errors.ts'
import type { HeaderMap, NormalizedMessage, NormalizedRequest } from '../../message.ts'

/**
 * RFC 9421 §2: component identifiers and the values they select from a message. Pure and
 * synchronous.
 */

/** A component identifier: a lower-case name and its parameters (`sf`, `key`, `bs`, `req`, `name`, `tr`). */
export interface ComponentId {
  readonly name: string
  readonly params: Parameters
  /**
   * The serialized identifier when it was computed ahead (components built once and reused), else
   * undefined. Always present, so that every ComponentId has one shape (monomorphic property access).
   */
  readonly serialized: string | undefined
}

const DERIVED_REQUEST = new Set(['@method', '@target-uri', '@authority', '@scheme', '@request-target', '@path', '@query', '@query-param'])
const DERIVED = new Set([...DERIVED_REQUEST, '@status'])
const KNOWN_PARAMS = new Set(['sf', 'key', 'bs', 'req', 'tr', 'name'])

/**
 * Structured-field types of the fields Signet knows, for the `sf` and `key` parameters (§2.1.1):
 * a component's value is re-serialized according to its type, which the field's own RFC defines.
 */
export const STRUCTURED_FIELD_TYPES: Readonly<Record<string, 'dictionary' | 'list' | 'item'>> = {
  'content-digest': 'dictionary',
  'repr-digest': 'dictionary',
  'want-content-digest': 'dictionary',
  'want-repr-digest': 'dictionary',
  signature: 'dictionary',
  'signature-input': 'dictionary',
  'accept-signature': 'dictionary',
  priority: 'dictionary',
  'cache-status': 'list',
  'proxy-status': 'list',
  'example-dict': 'dictionary',
}

/**
 * Parses a component identifier as written by users (`@method`, `content-type`) or as serialized
 * (`"@query-param";name="id"`, `"content-digest";sf`).
 */
export function parseComponentId(text: string): ComponentId {
  if (typeof text !== 'string' || text.length === 0) fail('invalid_input', `a component identifier must be a non-empty string, received ${JSON.stringify(text)}`)
  const item: Item = text.startsWith('"') ? parseItem(text) : { value: text, params: new Map() }
  return componentFromItem(item, 'invalid_input')
}

/** The component with its serialized id computed once: for components built once and used per message. */
export function withSerializedId(c: ComponentId): ComponentId {
  return { ...c, serialized: serializeItem({ value: c.name, params: c.params }) }
}

export function componentFromItem(item: Item, code: 'invalid_input' | 'malformed_signature'): ComponentId {
  if (typeof item.value !== 'string') fail(code, `a component identifier must be a string, received ${serializeItem(item)}`)
  const name = item.value
  if (name !== name.toLowerCase()) fail(code, `component name ${JSON.stringify(name)} must be lower case (RFC 9421 §2.1)`, { component: name })
  if (name.startsWith('@') && !DERIVED.has(name)) fail(code, `unknown derived component ${JSON.stringify(name)}`, { component: name })
  for (const p of item.params.keys()) {
    if (!KNOWN_PARAMS.has(p)) fail(code, `component ${JSON.stringify(name)} has unknown parameter ${JSON.stringify(p)}`, { component: name })
  }
  if (name === '@query-param' && typeof item.params.get('name') !== 'string') {
    fail(code, '"@query-param" needs a name parameter, e.g. "@query-param";name="id"', { component: name })
  }
  return { name, params: item.params, serialized: undefined }
}

/** `"name";param…` as it appears in Signature-Input and the signature base. */
export function serializeComponentId(c: ComponentId): string {
  return c.serialized ?? serializeItem({ value: c.name, params: c.params })
}

/** The user-facing form: the bare name when there are no parameters, else the serialized identifier. */
export function displayComponentId(c: ComponentId): string {
  return c.params.size === 0 ? c.name : serializeComponentId(c)
}

/** The application/x-www-form-urlencoded percent-encode set, spaces as %20 (RFC 9421 §2.2.8, HTML URL §5.2). */
function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

function queryParamValue(url: URL, name: string, id: string): string {
  const wanted = formEncode(name)
  const values: string[] = []
  for (const [n, v] of new URLSearchParams(url.search)) if (formEncode(n) === wanted) values.push(v)
  if (values.length === 0) fail('invalid_input', `the query has no parameter named ${JSON.stringify(name)}`, { component: id })
  // §2.2.8: a parameter that occurs several times cannot be signed by name; sign "@query" instead.
  if (values.length > 1) fail('invalid_input', `query parameter ${JSON.stringify(name)} occurs ${values.length} times; cover "@query" instead (RFC 9421 §2.2.8)`, { component: id })
  return formEncode(values[0]!)
}

function derivedValue(c: ComponentId, message: NormalizedMessage, id: string): string {
  if (c.name === '@status') {
    if (message.kind !== 'response') fail('invalid_input', '"@status" only exists on responses', { component: id })
    return String(message.status)
  }
  if (message.kind !== 'request') fail('invalid_input', `${id} refers to the request; on a response use ${id};req`, { component: id })
  const url = message.url
  switch (c.name) {
    case '@method':
      return message.method
    case '@target-uri':
      return url.href
    case '@authority':
      return url.host.toLowerCase()
    case '@scheme':
      return url.protocol.slice(0, -1).toLowerCase()
    case '@request-target':
      return (url.pathname || '/') + url.search
    case '@path':
      return url.pathname || '/'
    case '@query':
      return url.search || '?'
    case '@query-param':
      return queryParamValue(url, c.params.get('name') as string, id)
  }
  return fail('invalid_input', `unknown derived component ${id}`, { component: id })
}

function isSpaceOrTab(c: number): boolean {
  return c === 0x20 || c === 0x09
}

function hasOuterWhitespace(v: string): boolean {
  return v.length > 0 && (isSpaceOrTab(v.charCodeAt(0)) || isSpaceOrTab(v.charCodeAt(v.length - 1)))
}

/** Field values with leading and trailing whitespace removed (RFC 9421 §2.1, RFC 9110 §5.5). */
function fieldLines(headers: HeaderMap, name: string, id: string): readonly string[] {
  const lines = headers.get(name)
  if (lines === undefined) fail('invalid_input', `the covered header ${JSON.stringify(name)} is not in the message`, { component: id })
  return lines.length === 1 && !hasOuterWhitespace(lines[0]!) ? lines : lines.map((v) => v.replace(/^[ \t]+|[ \t]+$/g, ''))
}

function structuredType(name: string, types: Readonly<Record<string, string>>, id: string): string {
  const t = Object.hasOwn(types, name) ? types[name] : undefined
  if (!t) fail('invalid_input', `${id}: the structured type of ${JSON.stringify(name)} is unknown; add it to rfc9421({ structuredFields })`, { component: id })
  return t
}

function fieldValue(c: ComponentId, headers: HeaderMap, id: string, types: Readonly<Record<string, string>>): string {
  const lines = fieldLines(headers, c.name, id)
  if (c.params.has('tr')) fail('invalid_input', `${id}: trailer fields are not supported`, { component: id })
  if (c.params.get('bs') === true) {
    if (c.params.has('sf') || c.params.has('key')) fail('invalid_input', `${id}: "bs" cannot be combined with "sf" or "key" (RFC 9421 §2.1.3)`, { component: id })
    const enc = new TextEncoder()
    return lines.map((l) => `:${toBase64(enc.encode(l))}:`).join(', ')
  }
  const combined = lines.join(', ')
  const key = c.params.get('key')
  if (key !== undefined) {
    if (typeof key !== 'string') fail('invalid_input', `${id}: the key parameter must be a string`, { component: id })
    const dict = parseDictionary(combined)
    const member = dict.get(key)
    if (member === undefined) fail('invalid_input', `${id}: the dictionary has no member ${JSON.stringify(key)}`, { component: id })
    return isInnerList(member) ? serializeList([member]) : serializeItem(member)
  }
  if (c.params.get('sf') === true) {
    const type = structuredType(c.name, types, id)
    if (type === 'dictionary') return serializeDictionary(parseDictionary(combined))
    if (type === 'list') return serializeList(parseList(combined))
    return serializeItem(parseItem(combined))
  }
  return combined
}

/** The value of one component (RFC 9421 §2.1, §2.2, §2.4). */
export function componentValue(c: ComponentId, message: NormalizedMessage, request: NormalizedRequest | undefined, types: Readonly<Record<string, string>> = STRUCTURED_FIELD_TYPES, id: string = serializeComponentId(c)): string {
  let target: NormalizedMessage = message
  if (c.params.get('req') === true) {
    if (message.kind !== 'response') fail('invalid_input', `${id}: "req" is only meaningful on a response`, { component: id })
    if (!request) fail('invalid_input', `${id} refers to the request, but no request was given (pass { request })`, { component: id })
    target = request
  }
  return c.name.startsWith('@') ? derivedValue(c, target, id) : fieldValue(c, target.headers, id, types)
}
