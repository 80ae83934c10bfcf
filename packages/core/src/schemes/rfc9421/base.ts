import { serializeInnerList, type InnerList, type Parameters } from '../../canonicalize/structured-fields.ts'
import { fail } from '../../errors.ts'
import type { NormalizedMessage, NormalizedRequest } from '../../message.ts'
import { componentValue, serializeComponentId, type ComponentId } from './components.ts'

/** The inner list of `Signature-Input` / `@signature-params`: the components and the signature parameters. */
export function signatureParams(components: readonly ComponentId[], params: Parameters): InnerList {
  return { items: components.map((c) => ({ value: c.name, params: c.params })), params }
}

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
  /** `serializeInnerList(signatureParams(components, params))` when the caller has it already. */
  serializedParams?: string,
): string {
  const seen = new Set<string>()
  let base = ''
  for (const c of components) {
    const id = serializeComponentId(c)
    if (seen.has(id)) fail('invalid_input', `component ${id} is listed twice (RFC 9421 §2.5)`, { component: id })
    seen.add(id)
    base += `${id}: ${componentValue(c, message, request, structuredTypes, id)}\n`
  }
  return base + `"@signature-params": ${serializedParams ?? serializeInnerList(signatureParams(components, params))}`
}
