/**
 * Every scheme, end to end through the real binary against a real loopback server that verifies
 * with @signet/core: sign → send (--send, and the printed curl command), verify of the captured
 * request (valid, then invalid once changed), explain, and diff of a request a middlebox changed.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../core/test/support/server.ts'
import { CASES, rawRequest, schemeApp, type SchemeApp, type SchemeId } from './support/apps.ts'
import { checked, hasProgram, requireBuild, sh, signet, signetJson, tempDir } from './support/cli.ts'

const BODY = '{"hello": "world"}'
const T = 60_000

interface SignJson {
  ok: boolean
  headers: Record<string, string>
  base: string
  response?: { status: number; body: string; signature: { checked: boolean; valid?: boolean } }
}

/** What explain must show for POST /orders?page=2 with the 18-byte JSON body, signed at 1700000000. */
const EXPLAINED: Record<SchemeId, string[]> = {
  rfc9421: ['"@method": POST', '← request method (-X)', '"@path": /orders', '← URL path, as sent', '"@query": ?page=2', '"content-digest": sha-256=:', '← SHA-256 of the 18-byte body (body.json)', 'created 1700000000 is 2023-11-14T22:13:20Z'],
  sigv4: ['/orders', '← URL path, normalized, then percent-encoded once more', 'page=2', '← query parameters, each RFC 3986-encoded', 'x-amz-date:20231114T221320Z', '← X-Amz-Date, the signing time, added by the signer', '← hex SHA-256 of the 18-byte body (body.json)', '20231114/us-east-1/execute-api/aws4_request'],
  authorizationContentHmac: ['path: /orders', '← URL path, percent-decoded', 'query: page=2', '← the raw query, exactly as sent', 'timestamp: 1700000000', 'secret: <secret>'],
  djangoHmac: ['date: 2023-11-14T22:13:19.000+00:00', "← base64 hash of the body as Python's json.dumps re-serializes it"],
  pipeCanonical: ['method: POST', 'path: /orders', '← URL path, percent-decoded (the query is not signed)', 'headers: content-type:application/json|x-request-timestamp:1700000000', 'body: {"hello": "world"}', '← the 18-byte body (body.json) as UTF-8 text'],
  aspnetWebApiHmac: ['POST', 'Tuesday, November 14, 2023 10:13:20 PM', '← the Timestamp header', '← URL path, lower-cased, then percent-decoded', 'page=2'],
  bodyNonceHmac: ['body: {"hello": "world"}', '← the 18-byte body (body.json), raw: only the body is signed'],
}

/** The mismatch each scheme is diffed on: the request, and the first component that must differ. */
const MISMATCH: Record<SchemeId, { args: string[]; component: string; ours?: string; server?: string; hint: RegExp }> = {
  rfc9421: { args: ['/reencode/search?q=a b'], component: '"@query"', ours: "'%' (0x25)", server: "'+' (0x2b)", hint: /a space is %20 in your query and \+ in the server's/ },
  sigv4: { args: ['/extra-param/items?page=2'], component: 'canonical query', ours: 'line feed (0x0a)', server: "'&' (0x26)", hint: /the query reached the server in another form/ },
  authorizationContentHmac: { args: ['/reencode/search?q=a b'], component: 'query', ours: "'%' (0x25)", server: "'+' (0x2b)", hint: /a space is %20/ },
  djangoHmac: { args: ['-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@body.json', '/mutate-body/orders'], component: 'body', hint: /re-serialization differs/ },
  pipeCanonical: { args: ['-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@body.json', '/reserialize/orders'], component: 'body', hint: /the same JSON, other bytes/ },
  aspnetWebApiHmac: { args: ['/extra-param/items?page=2'], component: 'params', hint: /the query reached the server in another form/ },
  bodyNonceHmac: { args: ['-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@body.json', '/reserialize/orders'], component: 'body', hint: /the same JSON, other bytes/ },
}

function withUrl(args: string[], base: string): string[] {
  return args.map((a) => (a.startsWith('/') ? base + a : a))
}

for (const c of CASES) {
  describe(`signet with ${c.id}`, () => {
    let server: RunningServer
    let app: SchemeApp
    let dir: { path: string; remove(): Promise<void> }
    const post = (url: string) => ['-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@body.json', url]
    const run = (args: string[], extra: { env?: Record<string, string> } = {}) => signet(args, { cwd: dir.path, env: { ...c.env, ...extra.env } })

    beforeAll(async () => {
      requireBuild()
      app = schemeApp(c)
      server = await startServer(app.handler)
      dir = await tempDir(c.id)
      await writeFile(join(dir.path, 'body.json'), BODY)
    })
    afterAll(async () => {
      await server?.close()
      await dir?.remove()
    })

    it('sign --send: the server accepts the request' + (c.responses ? ' and its response signature verifies' : ''), async () => {
      const { run: r, json } = await signetJson<SignJson>(['sign', ...c.flags, ...post(`${server.url}/orders?page=2`), '--send', '--json'], { cwd: dir.path, env: c.env })
      expect(r.code).toBe(0)
      expect(json.response?.status).toBe(200)
      expect(JSON.parse(json.response!.body).ok).toBe(true)
      expect(json.response?.signature.checked).toBe(c.responses)
      if (c.responses) expect(json.response?.signature.valid).toBe(true)
      // Human output: the body on stdout, the status (and response verdict) on stderr.
      const human = await run(['sign', ...c.flags, ...post(`${server.url}/orders?page=2`), '--send'])
      expect(human.code).toBe(0)
      expect(human.stderr).toContain('HTTP 200')
      expect(human.stderr).toMatch(c.responses ? /response signature: valid/ : /does not sign responses/)
      expect(JSON.parse(human.stdout).ok).toBe(true)
    }, T)

    it('sign --curl: the printed curl command, run by a shell, is accepted', async () => {
      if (!(await hasProgram('curl'))) return // no curl on this machine: nothing to run the command with
      const r = await run(['sign', ...c.flags, ...post(`${server.url}/orders?page=2`), '--curl'])
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/^curl -X POST /)
      expect(r.stdout).toContain('--data-binary @body.json')
      const sent = await sh(`${r.stdout.trim()} -s`, { cwd: dir.path })
      expect(JSON.parse(sent.stdout).ok).toBe(true)
    }, T)

    it('verify: the captured request is valid; changed, it is invalid with the reason', async () => {
      expect((await run(['sign', ...c.flags, ...post(`${server.url}/orders?page=2`), '--send'])).code).toBe(0)
      const captured = app.received[app.received.length - 1]!
      await writeFile(join(dir.path, 'request.http'), rawRequest(captured))
      const ok = await run(['verify', ...c.verifyFlags, 'request.http'])
      expect(ok.stdout).toContain(`request: valid (${c.id}`)
      expect(ok.code).toBe(0)
      const { json } = await signetJson<{ ok: boolean; results: { valid: boolean; keyId: string }[] }>(['verify', ...c.verifyFlags, 'request.http', '--json'], { cwd: dir.path, env: c.env })
      expect(json.results[0]!.valid).toBe(true)
      expect(json.results[0]!.keyId).toBe(c.keys[0]!.id)

      const tampered = { ...captured, target: captured.target.replace('page=2', 'page=3') }
      await writeFile(join(dir.path, 'tampered.http'), rawRequest(tampered, { body: new TextEncoder().encode(BODY.replace('world', 'World')) }))
      const bad = await run(['verify', ...c.verifyFlags, 'tampered.http'])
      expect(bad.code).toBe(1)
      expect(bad.stdout).toContain('request: INVALID: signature_mismatch')
      expect(bad.stdout).toMatch(/hint: /)
      // With another secret, the captured request does not verify either.
      const wrongKey = await run(['verify', ...c.verifyFlags, 'request.http'], { env: { SIGNET_SECRET: c.id === 'djangoHmac' ? 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' : 'another secret entirely' } })
      expect(wrongKey.code).toBe(1)
    }, T)

    it('explain: prints the base component by component, with where each comes from', async () => {
      const fixedNonce = c.id === 'rfc9421' ? ['--nonce', 'fixed-nonce'] : []
      const args = ['explain', ...c.flags, ...fixedNonce, ...post('https://api.example.com/orders?page=2'), '--now', '1700000000']
      const out = await run(args)
      expect(out.code).toBe(0)
      for (const expected of EXPLAINED[c.id]) expect(out.stdout).toContain(expected)
      // --raw is the exact base; --json lists the components, which put together are that base.
      const raw = await run([...args, '--raw'])
      const { json } = await signetJson<{ base: string; components: { component: string; text: string; origin: string }[] }>([...args, '--json'], { cwd: dir.path, env: c.env })
      expect(raw.stdout).toBe(json.base)
      expect(json.components.length).toBeGreaterThan(0)
      for (const part of json.components) expect(json.base).toContain(part.text)
    }, T)

    it(`diff: a request changed on the way shows ${MISMATCH[c.id].component} as the first difference`, async () => {
      const m = MISMATCH[c.id]
      const args = [...c.flags, ...withUrl(m.args, server.url)]
      const sent = await run(['sign', ...args, '--send'])
      expect(sent.code).toBe(1)
      expect(sent.stderr).toContain('HTTP 401')
      await writeFile(join(dir.path, 'answer.json'), sent.stdout)
      const diff = await run(['diff', '--server-base', 'answer.json', ...args])
      expect(diff.code).toBe(1)
      expect(diff.stdout).toContain(`in ${m.component}`)
      expect(diff.stdout).toMatch(m.hint)
      const { json } = await signetJson<{ identical: boolean; first: { component: string; ours: { byte: string }; server: { byte: string } } }>(['diff', '--server-base', 'answer.json', ...args, '--json'], { cwd: dir.path, env: c.env })
      expect(json.identical).toBe(false)
      expect(json.first.component).toBe(m.component)
      if (m.ours) expect(json.first.ours.byte).toBe(m.ours)
      if (m.server) expect(json.first.server.byte).toBe(m.server)
    }, T)
  })
}

describe('every run above', () => {
  it('was checked for secrets, and none printed one', () => {
    expect(checked.runs).toBeGreaterThan(CASES.length * 8)
  })
})

