// The page: gets a short-lived session key from the API (in real life, after login), imports it as
// a non-extractable WebCrypto key, then signs every request to the API (another origin: CORS) and
// verifies every answer. #status ends as "PASS: n checks" or "FAIL: …"; run.mjs reads it.
import { isSignetError } from '@signet/core'
import { createSignedFetch } from '@signet/fetch'

const api = new URLSearchParams(location.search).get('api') ?? 'http://127.0.0.1:8787'
const log = document.querySelector<HTMLDivElement>('#log')!
const status = document.querySelector<HTMLElement>('#status')!
let passed = 0
const failures: string[] = []

function check(ok: boolean, text: string): void {
  const line = document.createElement('div')
  line.className = ok ? 'ok' : 'fail'
  line.textContent = `${ok ? '✔' : '✘'} ${text}`
  log.append(line)
  if (ok) passed++
  else failures.push(text)
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}

async function main(): Promise<void> {
  check(window.isSecureContext && crypto.subtle !== undefined, `secure context with WebCrypto (${location.origin})`)

  // 1. A key for this session only, issued by the server. Imported as a non-extractable CryptoKey:
  //    page scripts can sign with it but cannot read it back.
  const session = (await (await fetch(`${api}/session`, { method: 'POST' })).json()) as { id: string; secret: string; expiresAt: string }
  const secret = await crypto.subtle.importKey('raw', fromBase64(session.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
  const signedFetch = createSignedFetch({ key: { id: session.id, secret }, verifyResponse: true })
  check(true, `session key ${session.id} (expires ${session.expiresAt})`)

  // 2. A signed POST to another origin; the answer is verified before we see it.
  const created = await signedFetch(`${api}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sku: 'A1', qty: 2 }),
  })
  const order = (await created.json()) as { ok?: boolean; covered?: string[]; error?: string }
  check(created.status === 200 && order.ok === true, `POST /orders → ${created.status}, covers ${order.covered?.join(' ') ?? order.error}`)

  // 3. A signed GET with a query string.
  const list = await signedFetch(`${api}/orders?status=open&limit=5`)
  const listed = (await list.json()) as { ok?: boolean; covered?: string[] }
  check(list.status === 200 && listed.covered?.includes('@query') === true, `GET /orders?status=open&limit=5 → ${list.status}, response signature verified`)

  // 4. An answer changed on the way back is rejected, never handed to the page.
  try {
    await signedFetch(`${api}/orders?tamper`)
    check(false, 'a tampered answer was handed over')
  } catch (err) {
    check(isSignetError(err, 'digest_mismatch'), `a tampered answer is rejected: ${isSignetError(err) ? err.code : String(err)}`)
  }

  // 5. The same request replayed is refused by the server's replay store.
  const captured: { url: string; init: RequestInit }[] = []
  const recording = createSignedFetch({
    key: { id: session.id, secret },
    fetch: async (input, init) => {
      const request = new Request(input, init)
      const body = await request.clone().text()
      captured.push({ url: request.url, init: { method: request.method, headers: request.headers, body } })
      return fetch(request)
    },
  })
  const first = await recording(`${api}/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":5}' })
  const again = await fetch(captured[0]!.url, captured[0]!.init)
  const refused = (await again.json()) as { error?: string }
  check(first.status === 200 && again.status === 401 && refused.error === 'replayed', `the same signed request sent twice → ${first.status}, then ${again.status} ${refused.error}`)
}

main()
  .catch((err: unknown) => check(false, `unexpected error: ${isSignetError(err) ? `${err.code}: ${err.message}` : String(err)}`))
  .finally(() => {
    status.textContent = failures.length === 0 ? `PASS: ${passed} checks` : `FAIL: ${failures.join('; ')}`
  })
