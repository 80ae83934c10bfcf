#!/usr/bin/env node
// Signet end to end: a local server that verifies signed requests and signs its responses, and a
// client that shows what is accepted and what is refused, and why. Exits 1 if any step does not
// behave as shown. `node demo.mjs --scheme <name>` tells the same story with another scheme.
import { createServer } from 'node:http'
import {
  clockOffsetFromDate,
  isSignetError,
  memoryReplayStore,
  rfc9421,
  signRequest,
  signResponse,
  verifyRequest,
  verifyResponse,
} from '@signet/core'

const color = process.stdout.isTTY && !process.env.NO_COLOR && !process.env.CI
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s)
const green = paint(32)
const red = paint(31)
const dim = paint(2)
const bold = paint(1)

const schemes = {
  rfc9421: { make: () => rfc9421(), key: { id: 'demo-key', secret: 'correct horse battery staple' }, responses: true, replay: true },
}

const args = process.argv.slice(2)
const schemeArg = args.includes('--scheme') ? args[args.indexOf('--scheme') + 1] : 'rfc9421'
const preset = schemes[schemeArg]
if (!preset) {
  console.error(`unknown scheme ${JSON.stringify(schemeArg)}; choose one of: ${Object.keys(schemes).join(', ')}`)
  process.exit(2)
}
const scheme = preset.make()
const key = preset.key

// ---------------------------------------------------------------- the server
const SERVER_SKEW_MS = 10 * 60 * 1000
const replayStore = memoryReplayStore()

async function handle(request) {
  const url = new URL(request.url)
  // /skewed is a server whose clock runs 10 minutes ahead of the client's.
  const now = url.pathname === '/skewed' ? () => Date.now() + SERVER_SKEW_MS : Date.now
  const date = new Date(now()).toUTCString()
  let status = 200
  let payload
  try {
    const verified = await verifyRequest(request, { keys: [key], scheme, replayStore, now })
    payload = { accepted: true, keyId: verified.keyId, covered: verified.covered }
  } catch (err) {
    if (!isSignetError(err)) throw err
    status = 401
    // The verifier's base is safe to return (it never contains the secret): it is what a client
    // needs to find out why a signature does not match.
    payload = { accepted: false, code: err.code, message: err.message, details: err.details }
  }
  const body = JSON.stringify(payload)
  const headers = { 'content-type': 'application/json', date }
  if (preset.responses) Object.assign(headers, (await signResponse({ status, headers, body }, { key, scheme, request })).headers)
  // ?tamper-response plays a proxy that changes one byte of the signed body on the way back.
  const sent = url.searchParams.has('tamper-response') ? body.replace('"accepted":true', '"accepted":fals') : body
  return new Response(sent, { status, headers })
}

const server = createServer(async (req, res) => {
  const chunks = []
  for await (const c of req) chunks.push(c)
  const body = Buffer.concat(chunks)
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers: Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
  })
  const response = await handle(request)
  res.writeHead(response.status, Object.fromEntries(response.headers))
  res.end(Buffer.from(await response.arrayBuffer()))
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`

// ---------------------------------------------------------------- the client
let failures = 0
function step(ok, title, lines = []) {
  console.log(`${ok ? green('✔') : red('✘')} ${bold(title)}`)
  for (const l of lines) console.log(`    ${l}`)
  if (!ok) failures++
}

async function send(method, path, { body, headers = {}, clockOffsetMs = 0, now } = {}) {
  const url = base + path
  const signed = await signRequest({ method, url, headers, body }, { key, scheme, clockOffsetMs, ...(now ? { now } : {}) })
  const allHeaders = { ...headers, ...signed.headers }
  const response = await fetch(url, { method, headers: allHeaders, body })
  const json = await response.clone().json().catch(() => ({}))
  return { response, signed, request: { method, url, headers: allHeaders }, json }
}

console.log(dim(`Signet demo — scheme ${schemeArg}, server ${base}\n`))

{
  const { response, json } = await send('GET', '/orders?status=open')
  step(response.status === 200 && json.accepted, 'a signed GET is accepted', [dim(`200, key ${json.keyId}, covers ${json.covered?.join(' ')}`)])
}

const order = JSON.stringify({ item: 'book', qty: 1 })
{
  const { response, json } = await send('POST', '/orders', { body: order, headers: { 'content-type': 'application/json' } })
  step(response.status === 200 && json.accepted, 'a signed POST is accepted', [dim(`200, covers ${json.covered?.join(' ')}`)])
}

{
  const url = `${base}/orders`
  const headers = { 'content-type': 'application/json' }
  const signed = await signRequest({ method: 'POST', url, headers, body: order }, { key, scheme })
  const tampered = order.replace('"qty":1', '"qty":9')
  const response = await fetch(url, { method: 'POST', headers: { ...headers, ...signed.headers }, body: tampered })
  const json = await response.json()
  const lines = [`${response.status} ${json.code}: ${json.message}`]
  if (json.details?.expected && json.details?.received) {
    lines.push(`diff of the ${json.details.component} line of the signature base:`)
    lines.push(red(`- "${json.details.component}": ${json.details.expected}   (what was signed)`))
    lines.push(green(`+ "${json.details.component}": ${json.details.received}   (what the received body hashes to)`))
  } else if (json.details?.base) {
    lines.push(...diffLines(signed.base, json.details.base))
  }
  step(response.status === 401 && (json.code === 'digest_mismatch' || json.code === 'signature_mismatch'), 'the same POST with one byte of the body changed is rejected', lines)
}

if (preset.replay) {
  const url = `${base}/orders`
  const signed = await signRequest({ method: 'POST', url, body: order }, { key, scheme })
  const first = await fetch(url, { method: 'POST', headers: signed.headers, body: order })
  const again = await fetch(url, { method: 'POST', headers: signed.headers, body: order })
  const json = await again.json()
  step(first.status === 200 && again.status === 401 && json.code === 'replayed', 'a replayed request is rejected', [dim(`first ${first.status}, replay ${again.status} ${json.code}: ${json.message}`)])
}

if (preset.responses) {
  const { response, request } = await send('GET', '/orders/42')
  try {
    const verified = await verifyResponse(response, { keys: [key], scheme, request })
    step(true, 'the signed response is verified', [dim(`covers ${verified.covered.join(' ')}`)])
  } catch (err) {
    step(false, 'the signed response is verified', [red(String(err))])
  }
  const tampered = await send('GET', '/orders/42?tamper-response')
  try {
    await verifyResponse(tampered.response, { keys: [key], scheme, request: tampered.request })
    step(false, 'a tampered response is rejected', [red('it was accepted')])
  } catch (err) {
    step(isSignetError(err), 'a tampered response is rejected', [dim(`${err.code}: ${err.message}`)])
  }
}

{
  const first = await send('GET', '/skewed')
  const offset = clockOffsetFromDate(first.response.headers.get('date'))
  const retry = await send('GET', '/skewed', { clockOffsetMs: offset })
  step(first.response.status === 401 && retry.response.status === 200, 'clock skew is corrected from the server\'s Date header', [
    dim(`server clock ${Math.round(offset / 1000)} s ahead: first try ${first.response.status} ${first.json.code}, retry with clockOffsetMs ${retry.response.status}`),
  ])
}

function diffLines(a, b) {
  const x = a.split('\n')
  const y = b.split('\n')
  const out = []
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === y[i]) out.push(dim(`  ${x[i]}`))
    else {
      if (x[i] !== undefined) out.push(red(`- ${x[i]}`))
      if (y[i] !== undefined) out.push(green(`+ ${y[i]}`))
    }
  }
  return out
}

server.close()
console.log(failures === 0 ? green('\nevery step behaved as shown') : red(`\n${failures} step(s) did not behave as shown`))
process.exit(failures === 0 ? 0 : 1)
