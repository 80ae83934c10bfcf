import { fail } from '../errors.ts'
import type { LiteRequest } from './message.ts'
import { FULL, invalid } from './util.ts'

/**
 * RFC 9421 §2 component identifiers and values, for the components the lite signer supports:
 * derived request components and plain header fields. Serialization follows RFC 8941 as core's
 * structured-fields.ts does (same bytes, same error codes).
 */

/** A component: its lower-case name, the `name` parameter (`@query-param`) and its serialized id. */
export interface LiteComponent {
  name: string
  param: string | undefined
  id: string
}

/** RFC 8941 §4.1.6 String (core fails with malformed_signature on what it cannot serialize). */
export function sfString(s: string): string {
  if (!/^[ -~]*$/.test(s)) fail('malformed_signature', `${s} is not printable ASCII (RFC 8941 string)`)
  return `"${s.replace(/[\\"]/g, '\\$&')}"`
}

/** RFC 8941 §4.1.4 Integer. */
export function sfInteger(n: number): string {
  if (Math.abs(n) > 999_999_999_999_999) fail('malformed_signature', `${n} is not an RFC 8941 integer`)
  return String(n)
}

/** Derived request components (RFC 9421 §2.2), "@query-param" aside. */
const DERIVED: Record<string, (url: URL, method: string) => string> = {
  '@method': (_, method) => method,
  '@target-uri': (url) => url.href,
  '@authority': (url) => url.host.toLowerCase(),
  '@scheme': (url) => url.protocol.slice(0, -1).toLowerCase(),
  '@request-target': (url) => (url.pathname || '/') + url.search,
  '@path': (url) => url.pathname || '/',
  '@query': (url) => url.search || '?',
}

// The quoted forms supported: `"<name>"` and `"<name>";name="<value>"`, without escapes (an
// RFC 8941 string with \" or \\ is refused, though core would take it).
const QUOTED = /^"([ !#-[\]-~]*)"(?:;name="([ !#-[\]-~]*)")?$/

/** Parses a component identifier as core's `parseComponentId` does, for the supported subset. */
export function liteComponent(text: string): LiteComponent {
  let name = typeof text === 'string' && text ? text : invalid('components must be non-empty strings', 'components')
  let param: string | undefined
  if (text[0] === '"') {
    const m = QUOTED.exec(text) ?? invalid(`component ${text}${FULL}`, text)
    name = m[1]!
    param = m[2]
  }
  if (name !== name.toLowerCase() || (name[0] === '@' && !Object.hasOwn(DERIVED, name) && !(name === '@query-param' && param !== undefined))) {
    invalid(`component ${text}: lower case, known, "@query-param" with ;name=, else${FULL}`, name)
  }
  return { name, param, id: sfString(name) + (param === undefined ? '' : `;name=${sfString(param)}`) }
}

/** The application/x-www-form-urlencoded percent-encode set, spaces as %20 (RFC 9421 §2.2.8). */
const formEncode = (s: string): string => encodeURIComponent(s).replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())

/** The value of one supported component (RFC 9421 §2.1, §2.2). */
export function componentValue({ name, param, id }: LiteComponent, { url, method, headers }: LiteRequest): string {
  if (name === '@query-param') {
    const wanted = formEncode(param!)
    const values = [...new URLSearchParams(url.search)].filter(([n]) => formEncode(n) === wanted)
    // §2.2.8: a parameter that occurs several times cannot be signed by name.
    if (values.length !== 1) invalid(`${id} must occur once in the query`, id)
    return formEncode(values[0]![1])
  }
  return name[0] === '@' ? DERIVED[name]!(url, method) : headers.get(name)!.map((v) => v.replace(/^[ \t]+|[ \t]+$/g, '')).join(', ')
}
