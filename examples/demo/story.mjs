// The story the demo tells for one scheme, step by step, from the client's side: @signet/fetch's
// createSignedFetch signs every request (and verifies responses when the scheme signs them). A
// small "wire" fetch under it plays the network: it records what was sent, and can change a byte
// on the way, as a proxy or an attacker could.
import { clockOffsetFromDate, isSignetError } from '@signet/core'
import { createSignedFetch } from '@signet/fetch'
import { SERVER_SKEW_MS } from './server.mjs'
import { bold, clip, diffLines, dim, green, printStep, red, yellow } from './output.mjs'

const text = new TextDecoder()
const bytes = new TextEncoder()

/** A fetch that sends what it is given through the real fetch, records the exchange, and can alter the body. */
function wire({ alterBody } = {}) {
  const log = []
  const send = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init)
    let body = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer())
    if (body && alterBody) body = bytes.encode(alterBody(text.decode(body)))
    const headers = Object.fromEntries(request.headers)
    const response = await fetch(request.url, { method: request.method, headers, body, redirect: 'manual' })
    const code = response.ok ? undefined : (await response.clone().json().catch(() => ({}))).code
    log.push({ method: request.method, url: request.url, headers, body, status: response.status, code, date: response.headers.get('date'), receivedAt: Date.now() })
    return response
  }
  return { send, log }
}

/** The client of one step: a signed fetch over its own wire, remembering each signature base. */
function client(preset, { alterBody, clock } = {}) {
  const net = wire({ alterBody })
  const bases = []
  const signedFetch = createSignedFetch({
    key: preset.key,
    scheme: preset.scheme(),
    verifyResponse: !preset.noResponses,
    fetch: net.send,
    onSigned: (info) => bases.push(info.base),
    ...(clock ? { clock } : {}),
  })
  return { signedFetch, log: net.log, bases }
}

const path = (url) => {
  const u = new URL(url)
  return u.pathname + u.search
}

/** The headers the scheme added to a request (the ones the caller did not set). */
function signatureHeaders(sent, own) {
  const added = Object.entries(sent.headers).filter(([name]) => !(name in own) && name !== 'content-type')
  return added.map(([name, value]) => dim(`${name}: ${clip(value, 110)}`))
}

async function readJson(response) {
  return response.json().catch(() => ({}))
}

/**
 * Runs every step against `base` (a server from server.mjs for the same preset). Returns one
 * `{ step, status }` per step, status being 'ok', 'fail' or 'skip'.
 */
export async function tellStory(preset, base) {
  const results = []
  const record = (step, status, title, lines) => {
    printStep(status, title, lines)
    results.push({ step, status })
  }
  const post = (body = preset.post.body) => ({ method: 'POST', headers: { 'content-type': preset.post.contentType }, body })
  const guard = async (step, title, fn) => {
    try {
      await fn()
    } catch (err) {
      record(step, 'fail', title, [red(isSignetError(err) ? `${err.code}: ${err.message}` : String(err?.stack ?? err))])
    }
  }

  // 1. A signed GET.
  await guard('GET', 'a signed GET is accepted', async () => {
    const { signedFetch, log } = client(preset)
    const res = await signedFetch(`${base}/orders?status=open`)
    const json = await readJson(res)
    const ok = res.status === 200 && json.accepted === true
    record('GET', ok ? 'ok' : 'fail', 'a signed GET is accepted', [
      `GET /orders?status=open → ${res.status} ${ok ? green('accepted') : red(json.code ?? 'refused')}, key ${json.keyId ?? '?'}, covers ${json.covered?.join(' ') || '(nothing)'}`,
      ...signatureHeaders(log[0], {}),
    ])
  })

  // 2. A signed POST.
  await guard('POST', 'a signed POST is accepted', async () => {
    const { signedFetch, log } = client(preset)
    const res = await signedFetch(`${base}/orders`, post())
    const json = await readJson(res)
    const ok = res.status === 200 && json.accepted === true
    record('POST', ok ? 'ok' : 'fail', 'a signed POST is accepted', [
      `POST /orders ${preset.post.body} → ${res.status} ${ok ? green('accepted') : red(json.code ?? 'refused')}, covers ${json.covered?.join(' ') || '(nothing)'}`,
      ...signatureHeaders(log[0], { 'content-type': true }),
    ])
  })

  // 3. The same kind of POST, one byte of its body changed between the client and the server.
  const tamperTitle = 'a POST with one byte of its body changed on the way is rejected'
  await guard('tamper', tamperTitle, async () => {
    const { signedFetch, bases } = client(preset, { alterBody: preset.post.tamper })
    const res = await signedFetch(`${base}/carts`, post())
    const json = await readJson(res)
    const changed = `a proxy changed ${preset.post.body} into ${preset.post.tamper(preset.post.body)}`
    if (preset.bodyNotCovered) {
      // Nothing to detect: show that the changed body goes through, as the scheme's docs say.
      const asDocumented = res.status === 200 && json.accepted === true && json.body === preset.post.tamper(preset.post.body)
      record('tamper', asDocumented ? 'skip' : 'fail', tamperTitle, [
        yellow(`cannot be shown: ${preset.bodyNotCovered}`),
        dim(`${changed}: the server ${asDocumented ? 'accepted it' : `answered ${res.status} ${json.code ?? ''}`}`),
      ])
      return
    }
    const ok = res.status === 401 && (json.code === 'signature_mismatch' || json.code === 'digest_mismatch')
    const lines = [dim(changed), `POST /carts → ${res.status} ${red(json.code ?? '?')}: ${json.message ?? ''}`]
    const signed = bases.at(-1)
    if (json.details?.base !== undefined) {
      lines.push(bold('signature base: - as signed by the client, + as rebuilt by the server from what it received'), ...diffLines(signed, json.details.base))
    } else if (json.code === 'digest_mismatch' && json.details?.component) {
      // The body no longer matches its digest: the server stops there. Its view of the base is
      // the signed one with the digest of the body it received.
      const name = json.details.component
      const rebuilt = signed
        .split('\n')
        .map((line) => (line.startsWith(`"${name}": `) ? `"${name}": ${json.details.received}` : line))
        .join('\n')
      lines.push(bold(`signature base: - as signed by the client, + with the ${name} of the body the server received`), ...diffLines(signed, rebuilt))
    }
    record('tamper', ok ? 'ok' : 'fail', tamperTitle, lines)
  })

  // 4. A captured request sent again, byte for byte.
  await guard('replay', 'a replayed request is rejected', async () => {
    const { signedFetch, log } = client(preset)
    const first = await signedFetch(`${base}/payments`, post())
    const captured = log.at(-1)
    const again = await fetch(captured.url, { method: captured.method, headers: captured.headers, body: captured.body })
    const json = await readJson(again)
    const ok = first.status === 200 && again.status === 401 && json.code === 'replayed'
    const outcome = json.accepted ? 'accepted' : `${json.code}: ${json.message ?? ''}`
    const lines = [`POST /payments → ${first.status}; the same bytes sent again → ${again.status} ${ok ? red(outcome) : outcome}`]
    if (preset.note?.startsWith('no nonce')) lines.push(dim(preset.note))
    let status = ok ? 'ok' : 'fail'
    if (preset.scheme().name === 'bodyNonceHmac') {
      // The reference layout does not sign the timestamp or the nonce: show what that means.
      const fresh = { ...captured.headers, 'x-request-nonce': crypto.randomUUID(), 'x-request-timestamp': String(Math.floor(Date.now() / 1000)) }
      const forged = await fetch(captured.url, { method: captured.method, headers: fresh, body: captured.body })
      const accepted = forged.status === 200
      lines.push(
        yellow(`but the captured signature with a fresh X-Request-Nonce and X-Request-Timestamp → ${forged.status} ${accepted ? 'accepted' : (await readJson(forged)).code}`),
        dim('(the reference layout signs the body only; bodyNonceHmac({ bound: true }) on both sides signs timestamp and nonce too)'),
      )
      if (!accepted) status = 'fail'
    }
    record('replay', status, 'a replayed request is rejected', lines)
  })

  // 5. and 6. Responses.
  if (preset.noResponses) {
    record('response', 'skip', 'a signed response is verified', [yellow(`cannot be shown: ${preset.noResponses}`)])
    record('tampered response', 'skip', 'a tampered response is rejected', [yellow(`cannot be shown: ${preset.noResponses}`)])
  } else {
    await guard('response', 'a signed response is verified', async () => {
      const { signedFetch } = client(preset)
      const res = await signedFetch(`${base}/orders/42`)
      const json = await readJson(res)
      record('response', res.status === 200 && json.accepted ? 'ok' : 'fail', 'a signed response is verified', [
        `GET /orders/42 → ${res.status}, response signature ${green('verified')} by createSignedFetch({ verifyResponse: true }) before it was handed over`,
        ...preset.responseHeaders.map((h) => dim(`${h}: ${clip(res.headers.get(h), 110)}`)),
      ])
    })
    const title = 'a tampered response is rejected'
    try {
      const { signedFetch } = client(preset)
      await signedFetch(`${base}/orders/43?tamper-response`)
      record('tampered response', 'fail', title, [red('the tampered response was handed over as if it were genuine')])
    } catch (err) {
      const ok = isSignetError(err) && (err.code === 'digest_mismatch' || err.code === 'signature_mismatch')
      record('tampered response', ok ? 'ok' : 'fail', title, [
        dim('a proxy changed "accepted":true into "accepted":7rue in the signed response body'),
        `GET /orders/43 → the signed fetch rejected with ${red(isSignetError(err) ? err.code : 'an error')}: ${err.message}`,
      ])
    }
  }

  // 7. A server whose clock is ahead: clock.autoCorrect learns the offset from Date and retries once.
  await guard('clock skew', 'clock skew is corrected (clock: { autoCorrect: true })', async () => {
    const { signedFetch, log } = client(preset, { clock: { autoCorrect: true } })
    const res = await signedFetch(`${base}/skewed/orders`, post())
    const json = await readJson(res)
    const [first, retry] = log
    const learned = first?.date ? clockOffsetFromDate(first.date, first.receivedAt) : undefined
    const ok = log.length === 2 && first.status === 401 && retry.status === 200 && res.status === 200 && json.accepted === true && Math.abs(learned - SERVER_SKEW_MS) < 2000
    record('clock skew', ok ? 'ok' : 'fail', 'clock skew is corrected (clock: { autoCorrect: true })', [
      `the server's clock is ${SERVER_SKEW_MS / 60000} min ahead: POST /skewed/orders → ${first?.status} ${first?.code ?? ''} (Date: ${first?.date})`,
      `learned offset ${learned === undefined ? '?' : `${learned >= 0 ? '+' : ''}${(learned / 1000).toFixed(1)} s`} from that Date; the retry, signed afresh with it → ${retry?.status ?? '(none)'} ${json.accepted ? green('accepted') : red(json.code ?? '')}`,
    ])
  })

  return results
}
