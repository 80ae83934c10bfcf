/**
 * `url`, `redirected` and `type` cannot be passed to the Response constructor. When Signet hands
 * over a Response it rebuilt (stream verification) or followed redirects for, it sets them as own
 * properties, so the caller sees what fetch would have shown.
 */
export interface ResponseFacts {
  readonly url: string
  readonly redirected: boolean
  readonly type: ResponseType
}

/** Sets the facts that differ from what `response` shows, as own read-only properties. */
export function setResponseFacts(response: Response, facts: Partial<ResponseFacts>): Response {
  for (const [name, value] of Object.entries(facts)) {
    if (value !== undefined && (response as unknown as Record<string, unknown>)[name] !== value) {
      Object.defineProperty(response, name, { value, enumerable: false, configurable: true })
    }
  }
  return response
}

/** A new Response with the original's status, headers and facts, and the given body. */
export function rebuildResponse(original: Response, body: BodyInit | null): Response {
  const out = new Response(body, { status: original.status, statusText: original.statusText, headers: original.headers })
  return setResponseFacts(out, { url: original.url, redirected: original.redirected, type: original.type })
}
