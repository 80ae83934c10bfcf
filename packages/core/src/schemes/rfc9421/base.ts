import { serializeParams, type Parameters } from '../../canonicalize/structured-fields.ts'
import { fail } from '../../errors.ts'
import type { NormalizedMessage, NormalizedRequest } from '../../message.ts'
import { componentValue, serializeComponentId, type ComponentId } from './components.ts'

/**
 * The signature base (RFC 9421 §2.5): one `"<id>": <value>` line per component, then the
 * `"@signature-params"` line; lines joined by LF, no trailing LF. Duplicate components fail.
 */
export function signatureBase(
  message: NormalizedMessage,
  components: readonly ComponentId[],
  params: Parameters,
  request: NormalizedRequest | undefined,
  structuredTypes?: Readonly<Record<string, string>>,
  /** The serialized inner list (components and `params`) when the caller has it already. */
  serializedParams?: string,
): string {
  const ids = components.map(serializeComponentId)
  const duplicate = duplicateId(ids)
  if (duplicate !== undefined) failListedTwice(duplicate)
  // The inner list serialized from the ids already at hand (RFC 8941 §4.1.1.1): same bytes as serializeInnerList.
  return buildBase(message, components, request, structuredTypes, serializedParams ?? `(${ids.join(' ')})${serializeParams(params)}`, ids)
}

/** The first serialized component id that is listed again, if any: §2.5 allows each component once. */
export function duplicateId(ids: readonly string[]): string | undefined {
  for (let i = 1; i < ids.length; i++) if (ids.lastIndexOf(ids[i]!, i - 1) !== -1) return ids[i]
  return undefined
}

/** A component listed twice has no signature base (RFC 9421 §2.5): `invalid_input`. */
export function failListedTwice(id: string): never {
  return fail('invalid_input', `component ${id} is listed twice (RFC 9421 §2.5)`, { component: id })
}

/** {@link signatureBase} for components already known to be distinct (the signer's, checked when configured). */
export function buildBase(
  message: NormalizedMessage,
  components: readonly ComponentId[],
  request: NormalizedRequest | undefined,
  structuredTypes: Readonly<Record<string, string>> | undefined,
  serializedParams: string,
  /** The components' serialized ids, when the caller has them. */
  ids?: readonly string[],
): string {
  let base = ''
  for (let i = 0; i < components.length; i++) {
    const c = components[i]!
    const id = ids ? ids[i]! : serializeComponentId(c)
    base += `${id}: ${componentValue(c, message, request, structuredTypes, id)}\n`
  }
  return base + `"@signature-params": ${serializedParams}`
}
