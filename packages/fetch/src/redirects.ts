import type { Hop } from './outgoing.ts'
import { setResponseFacts } from './response-facts.ts'

/**
 * Redirects, followed by Signet itself where the runtime lets it (WHATWG Fetch §4.4 rules), so that
 * each hop is signed for the URL it goes to, and a hop to another origin carries no signature.
 * Loaded through import() where the runtime lets us follow redirects (see `signed-fetch.ts`).
 */

/** Most redirects followed, as fetch. */
export const MAX_REDIRECTS = 20

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** Fetch's "request-body-header names", dropped when a redirect turns the request into a GET. */
const REQUEST_BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type']
/** Credentials fetch (undici) drops when a redirect goes to another origin. */
const CROSS_ORIGIN_DROPPED = ['authorization', 'proxy-authorization', 'cookie']

/** The URL a redirect response points to, or undefined when the response is not a redirect to follow. */
export function redirectTarget(response: Response, from: string): URL | undefined {
  if (!REDIRECT_STATUSES.has(response.status)) return undefined
  const location = response.headers.get('location')
  if (location === null) return undefined
  let url: URL
  try {
    url = new URL(location, from)
  } catch {
    throw new TypeError(`fetch failed: the redirect Location ${JSON.stringify(location.slice(0, 200))} is not a valid URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`fetch failed: redirect to a ${url.protocol} URL`)
  if (!url.hash) url.hash = new URL(from).hash
  return url
}

/** The request a redirect leads to, by fetch's rules: method and body rewriting, credentials dropped across origins. */
export function nextHop(hop: Hop, status: number, to: URL): Hop {
  const headers = new Headers(hop.headers)
  let { method, body } = hop
  if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET'
    body = { kind: 'none' }
    for (const name of REQUEST_BODY_HEADERS) headers.delete(name)
  } else if (body.kind === 'stream') {
    throw new TypeError('fetch failed: cannot follow a redirect that needs the request body again: the body was a stream sent as it was read')
  }
  if (new URL(hop.url).origin !== to.origin) for (const name of CROSS_ORIGIN_DROPPED) headers.delete(name)
  return { url: to.href, method, headers, body, redirect: hop.redirect }
}

/** The final response of a followed chain shows `redirected: true`, as fetch's would. */
export function followed(response: Response): Response {
  return setResponseFacts(response, { redirected: true })
}
