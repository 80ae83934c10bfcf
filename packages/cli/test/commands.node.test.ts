/**
 * The binary's contract beyond the per-scheme round trips: exit codes, usage errors that name the
 * fix, where the secret may come from (and that it never comes out), --json everywhere, shell
 * quoting, captures (raw and curl -v), old captures (--now), response binding, presigned URLs,
 * server reports in their several forms, and what diff finds in a changed body.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../core/test/support/server.ts'
import { CASES, rawRequest, schemeApp, SECRET, type SchemeApp } from './support/apps.ts'
import { checked, CLI_PACKAGE, hasProgram, registerSecret, requireBuild, sh, signet, signetJson, tempDir } from './support/cli.ts'

const T = 60_000
const ENV = { SIGNET_SECRET: SECRET }
const WRONG_SECRET = 'a different secret, also never printed'
registerSecret(WRONG_SECRET)
const rfc = CASES.find((c) => c.id === 'rfc9421')!
const v4 = CASES.find((c) => c.id === 'sigv4')!
const KEY = ['--key-id', 'cli-key']
const SIGN = ['sign', ...KEY]
const FIXED = ['--now', '1700000000', '--nonce', 'fixed']

let rfcServer: RunningServer
let rfcApp: SchemeApp
let v4Server: RunningServer
let v4App: SchemeApp
let dir: { path: string; remove(): Promise<void> }
const inDir = (args: string[], env: Record<string, string> = ENV, stdin?: string) => signet(args, { cwd: dir.path, env, ...(stdin !== undefined ? { stdin } : {}) })

// One outer suite: the Deno shim runs hooks of suites only (not top-level ones).
describe('signet commands', () => {
  beforeAll(async () => {
    requireBuild()
    rfcApp = schemeApp(rfc)
    rfcServer = await startServer(rfcApp.handler)
    v4App = schemeApp(v4)
    v4Server = await startServer(v4App.handler)
    dir = await tempDir('commands')
    await writeFile(join(dir.path, 'body.json'), '{"hello": "world"}')
  })
  afterAll(async () => {
    await rfcServer?.close()
    await v4Server?.close()
    await dir?.remove()
  })

  describe('help, version and exit codes', () => {
    it('every command has --help with examples, exit 0', async () => {
      for (const command of ['sign', 'verify', 'explain', 'diff', 'serve']) {
        const r = await inDir([command, '--help'])
        expect(r.code).toBe(0)
        expect(r.stdout).toContain(`signet ${command}`)
        expect(r.stdout).toMatch(/Examples?:/)
        expect(r.stdout).toContain('Exit codes')
      }
      const main = await inDir(['--help'])
      expect(main.code).toBe(0)
      for (const command of ['sign', 'verify', 'explain', 'diff', 'serve']) expect(main.stdout).toContain(`  ${command} `)
    }, T)

    it('--version prints the package version', async () => {
      const pkg = JSON.parse(await readFile(join(CLI_PACKAGE, 'package.json'), 'utf8')) as { version: string }
      const r = await inDir(['--version'])
      expect(r.stdout.trim()).toBe(pkg.version)
    }, T)

    it('no command, or an unknown one, is a usage error (exit 2)', async () => {
      expect((await inDir([])).code).toBe(2)
      const r = await inDir(['sing'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('unknown command "sing"')
    }, T)
  })

  describe('usage errors exit 2 and name the fix', () => {
    it('no secret', async () => {
      const r = await inDir([...SIGN, 'https://api.example.com/x'], {})
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('no secret: set SIGNET_SECRET or pass --secret-file')
      const named = await inDir([...SIGN, '--secret-env', 'MY_KEY', 'https://api.example.com/x'], {})
      expect(named.stderr).toContain('MY_KEY')
    }, T)

    it('a secret on the command line is refused without echoing it', async () => {
      const r = await inDir([...SIGN, '--secret=hunter2-on-the-command-line', 'https://api.example.com/x'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('--secret is not accepted')
      expect(r.stderr).toContain('SIGNET_SECRET')
      expect(r.all).not.toContain('hunter2')
    }, T)

    it('unknown options suggest the right one; unsupported curl options say why', async () => {
      const typo = await inDir([...SIGN, '--heder', 'A: b', 'https://api.example.com/x'])
      expect(typo.code).toBe(2)
      expect(typo.stderr).toContain('did you mean --header?')
      const curlOnly = await inDir([...SIGN, '--data-urlencode', 'a=b c', 'https://api.example.com/x'])
      expect(curlOnly.code).toBe(2)
      expect(curlOnly.stderr).toContain("curl's --data-urlencode is not supported")
    }, T)

    it('bad scheme, misplaced scheme option, missing sigv4 scope, missing key id, missing URL', async () => {
      const cases: [string[], string][] = [
        [[...SIGN, '--scheme', 'hmac', 'https://a.example/'], 'unknown --scheme "hmac"'],
        [[...SIGN, '--region', 'us-east-1', 'https://a.example/'], '--region applies to --scheme sigv4'],
        [['sign', '--scheme', 'sigv4', '--key-id', 'AKID', 'https://a.example/'], 'sigv4 needs --region and --service'],
        [['sign', 'https://a.example/'], 'rfc9421 sends the key id with the signature: pass --key-id'],
        [[...SIGN], 'no URL'],
        [[...SIGN, 'api.example.com/x'], 'has no scheme'],
        [[...SIGN, '--data-binary', '@missing.bin', 'https://a.example/'], 'cannot read --data-binary file missing.bin'],
        [[...SIGN, '-H', 'no colon', 'https://a.example/'], 'is not a header'],
      ]
      for (const [args, message] of cases) {
        const r = await inDir(args)
        expect(r.code).toBe(2)
        expect(r.stderr).toContain(message)
        expect(r.stderr).toMatch(/^signet sign: /)
      }
    }, T)

    it('verify: input that is not an HTTP message, and a curl -v capture without the body it needs', async () => {
      const junk = await inDir(['verify', '-'], ENV, 'this is not http\n')
      expect(junk.code).toBe(2)
      expect(junk.stderr).toContain('neither a request line')
      const curlv = '> POST /x HTTP/1.1\n> Host: a.example\n> Content-Length: 5\n> Signature-Input: sig1=("@method");created=1;keyid="k"\n> Signature: sig1=:AA==:\n> \n'
      const r = await inDir(['verify', '-'], ENV, curlv)
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('pass the exact bytes that were sent with --body FILE')
    }, T)

    it('--json reports usage errors as JSON on stdout', async () => {
      const { run, json } = await signetJson<{ ok: boolean; error: { kind: string; message: string; fix: string } }>(['sign', 'https://a.example/', '--json'], { cwd: dir.path, env: ENV })
      expect(run.code).toBe(2)
      expect(json.ok).toBe(false)
      expect(json.error.kind).toBe('usage')
      expect(json.error.fix).toMatch(/--key-id/)
    }, T)

    it('a network error exits 3', async () => {
      const closed = await startServer(() => new Response('x'))
      const url = closed.url
      await closed.close()
      const r = await inDir([...SIGN, `${url}/x`, '--send'])
      expect(r.code).toBe(3)
      expect(r.stderr).toContain('could not send the request')
    }, T)
  })

  describe('the secret', () => {
    it('from a file (trailing newline ignored) or the environment gives the same signature', async () => {
      await writeFile(join(dir.path, 'secret.txt'), `${SECRET}\n`)
      const fromEnv = await signetJson<{ headers: Record<string, string> }>([...SIGN, ...FIXED, 'https://a.example/x', '--json'], { cwd: dir.path, env: ENV })
      const fromFile = await signetJson<{ headers: Record<string, string> }>([...SIGN, ...FIXED, '--secret-file', 'secret.txt', 'https://a.example/x', '--json'], { cwd: dir.path, env: {} })
      expect(fromFile.json.headers.signature).toBe(fromEnv.json.headers.signature)
      const named = await signetJson<{ headers: Record<string, string> }>([...SIGN, ...FIXED, '--secret-env', 'OTHER', 'https://a.example/x', '--json'], { cwd: dir.path, env: { OTHER: SECRET } })
      expect(named.json.headers.signature).toBe(fromEnv.json.headers.signature)
    }, T)

    it('base64 and hex encodings give the bytes they encode', async () => {
      const bytes = new TextEncoder().encode(SECRET)
      const b64 = btoa(String.fromCharCode(...bytes))
      const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
      const plain = await signetJson<{ headers: Record<string, string> }>([...SIGN, ...FIXED, 'https://a.example/x', '--json'], { cwd: dir.path, env: ENV })
      const asB64 = await signetJson<{ headers: Record<string, string> }>([...SIGN, ...FIXED, '--secret-encoding', 'base64', 'https://a.example/x', '--json'], { cwd: dir.path, env: { SIGNET_SECRET: b64 } })
      const asHex = await signetJson<{ headers: Record<string, string> }>([...SIGN, ...FIXED, '--secret-encoding', 'hex', 'https://a.example/x', '--json'], { cwd: dir.path, env: { SIGNET_SECRET: hex } })
      expect(asB64.json.headers.signature).toBe(plain.json.headers.signature)
      expect(asHex.json.headers.signature).toBe(plain.json.headers.signature)
      const bad = await inDir([...SIGN, '--secret-encoding', 'hex', 'https://a.example/x'], { SIGNET_SECRET: 'not hex at all' })
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain('is not hex text')
    }, T)

    it('a server that echoes the secret is shown <secret>', async () => {
      const r = await inDir([...SIGN, `${rfcServer.url}/echo-secret`, '--send'])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('the server echoes <secret> back')
    }, T)
  })

  describe('sign output', () => {
    it('--curl quotes every argument so that a shell passes it unchanged', async () => {
      const tricky = `it's "quoted" $HOME \`x\` \\ & ; | * ?`
      const r = await inDir([...SIGN, '-X', 'PUT', '-H', `X-Note: ${tricky}`, '--data-raw', `it's $PATH`, "https://a.example/a b?q=it's", '--curl'])
      expect(r.code).toBe(0)
      // A shell function in place of curl prints the arguments it received, one per line.
      const printed = await sh(`curl() { for a in "$@"; do printf '%s\\n' "$a"; done; }\n${r.stdout}`)
      const args = printed.stdout.split('\n')
      expect(args).toContain(`X-Note: ${tricky}`)
      expect(args).toContain(`it's $PATH`)
      expect(args).toContain("https://a.example/a%20b?q=it%27s")
      expect(args.slice(0, 2)).toEqual(['-X', 'PUT'])
      // Brackets in the URL: curl would read them as a glob pattern without --globoff.
      const brackets = await inDir([...SIGN, 'https://a.example/x?ids[]=1&ids[]=2', '--curl'])
      expect(brackets.stdout).toMatch(/^curl --globoff -X GET 'https:\/\/a\.example\/x\?ids\[\]=1&ids\[\]=2'/)
    }, T)

    it('curl -d semantics: @file loses CR/LF, Content-Type defaults to form, several -d join with &', async () => {
      await writeFile(join(dir.path, 'lines.txt'), 'a=1\r\nb=2\n')
      const { json } = await signetJson<{ base: string; curl: string }>(['explain', '--key-id', 'k', ...FIXED, '-d', '@lines.txt', '-d', 'c=3', 'https://a.example/x', '--json'], { cwd: dir.path, env: ENV })
      expect(json.base).toContain('"content-type": application/x-www-form-urlencoded')
      const direct = await signetJson<{ base: string }>(['explain', '--key-id', 'k', ...FIXED, '-H', 'Content-Type: application/x-www-form-urlencoded', '--data-raw', 'a=1b=2&c=3', 'https://a.example/x', '--json'], { cwd: dir.path, env: ENV })
      expect(json.base).toBe(direct.json.base)
    }, T)

    it('sigv4 --presign prints a URL the server accepts', async () => {
      const r = await inDir(['sign', ...v4.flags, '--presign', '--expires-in', '300', `${v4Server.url}/items?page=2`])
      expect(r.code).toBe(0)
      const url = r.stdout.trim()
      expect(url).toContain('X-Amz-Signature=')
      expect(url).toContain('X-Amz-Expires=300')
      const res = await fetch(url)
      expect(((await res.json()) as { ok: boolean }).ok).toBe(true)
      const send = await inDir(['sign', ...v4.flags, '--presign', `${v4Server.url}/items`, '--send'])
      expect(send.code).toBe(0)
    }, T)
  })

  describe('verify', () => {
    it('an old capture is expired, with a hint to verify it at its own time; --now makes it valid', async () => {
      const signed = await signetJson<{ headers: Record<string, string> }>([...SIGN, '--now', '1700000000', `${rfcServer.url}/old?x=1`, '--json'], { cwd: dir.path, env: ENV })
      const host = new URL(rfcServer.url).host
      const raw = `GET /old?x=1 HTTP/1.1\nHost: ${host}\n${Object.entries(signed.json.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`
      await writeFile(join(dir.path, 'old.http'), raw)
      const r = await inDir(['verify', 'old.http'])
      expect(r.code).toBe(1)
      expect(r.stdout).toContain('request: INVALID: expired')
      expect(r.stdout).toContain('--now 1700000000')
      const ok = await inDir(['verify', '--now', '1700000010', 'old.http'])
      expect(ok.code).toBe(0)
      expect(ok.stdout).toContain('created: 2023-11-14T22:13:20Z (10 s before the verification time)')
      const wrongId = await inDir(['verify', '--now', '1700000010', '--key-id', 'someone-else', 'old.http'])
      expect(wrongId.code).toBe(1)
      expect(wrongId.stdout).toContain('unknown_key')
      expect(wrongId.stdout).toContain('pass --key-id cli-key')
    }, T)

    it('recognizes the scheme from the headers, and says so', async () => {
      await inDir(['sign', ...v4.flags, `${v4Server.url}/detect`, '--send'])
      await writeFile(join(dir.path, 'v4.http'), rawRequest(v4App.received[v4App.received.length - 1]!))
      const r = await inDir(['verify', '--region', 'us-east-1', '--service', 'execute-api', 'v4.http'])
      expect(r.code).toBe(0)
      expect(r.stderr).toContain('scheme: sigv4 (from the message')
    }, T)

    it('a response with its request (--request): valid; a changed response body: digest_mismatch', async () => {
      const { json } = await signetJson<{ headers: Record<string, string>; response: { status: number; headers: Record<string, string>; body: string } }>(
        [...SIGN, `${rfcServer.url}/bound?x=1`, '--send', '--json'],
        { cwd: dir.path, env: ENV },
      )
      const received = rfcApp.received[rfcApp.received.length - 1]!
      await writeFile(join(dir.path, 'req.http'), rawRequest(received))
      const head = `HTTP/1.1 ${json.response.status} OK\n${Object.entries(json.response.headers).filter(([k]) => k !== 'content-length' && k !== 'transfer-encoding').map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`
      await writeFile(join(dir.path, 'res.http'), head + json.response.body)
      await writeFile(join(dir.path, 'res-changed.http'), head + json.response.body.replace('true', 'TRUE'))
      const ok = await inDir(['verify', '--request', 'req.http', 'res.http'])
      expect(ok.code).toBe(0)
      expect(ok.stdout).toContain('response: valid (rfc9421, key cli-key)')
      expect(ok.stdout).toContain('"signature";req;key="sig1"')
      const unbound = await inDir(['verify', 'res.http'])
      expect(unbound.code).toBe(1)
      expect(unbound.stdout).toContain('--request FILE')
      const bad = await inDir(['verify', '--request', 'req.http', 'res-changed.http'])
      expect(bad.code).toBe(1)
      expect(bad.stdout).toContain('response: INVALID: digest_mismatch')
    }, T)

    it('reads curl -v output: "> " request, "< " response, "* " notes', async () => {
      const signed = await signetJson<{ headers: Record<string, string> }>([...SIGN, '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@body.json', 'https://api.example.com/v?x=1', '--json'], { cwd: dir.path, env: ENV })
      const lines = [
        '*   Trying 93.184.216.34:443...',
        '* Connected to api.example.com (93.184.216.34) port 443',
        '> POST /v?x=1 HTTP/1.1',
        '> Host: api.example.com',
        '> User-Agent: curl/8.5.0',
        '> Accept: */*',
        '> Content-Type: application/json',
        ...Object.entries(signed.json.headers).map(([k, v]) => `> ${k}: ${v}`),
        '> Content-Length: 18',
        '> ',
        '} [18 bytes data]',
        '< HTTP/1.1 200 OK',
        '< Content-Type: text/plain',
        '< ',
        '* Connection #0 to host api.example.com left intact',
      ]
      await writeFile(join(dir.path, 'curl-v.txt'), lines.map((l) => `${l}\r`).join('\n'))
      const r = await inDir(['verify', '--body', 'body.json', 'curl-v.txt'])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('request: valid (rfc9421, key cli-key)')
      // The origin comes from "port 443": https, which @authority does not show but @target-uri would.
      const explained = await inDir(['explain', '--message', 'curl-v.txt'])
      expect(explained.stdout).toContain('"@authority": api.example.com')
      expect(explained.stdout).toContain('a verifier rebuilds from POST https://api.example.com/v?x=1')
    }, T)

    it('reads real curl -v output when curl is installed', async () => {
      if (!(await hasProgram('curl'))) return
      const headers = await inDir([...SIGN, '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@body.json', `${rfcServer.url}/curl-v`])
      await writeFile(join(dir.path, 'headers.txt'), headers.stdout)
      const trace = await sh(`curl -sv -H @headers.txt -H 'Content-Type: application/json' --data-binary @body.json ${rfcServer.url}/curl-v -o response.json 2> trace.txt; echo $?`, { cwd: dir.path })
      expect(trace.stdout.trim()).toBe('0')
      const r = await inDir(['verify', '--body', 'body.json', '--response-body', 'response.json', 'trace.txt'])
      expect(r.stdout).toContain('request: valid (rfc9421, key cli-key)')
      expect(r.stdout).toContain('response: valid (rfc9421, key cli-key)')
      expect(r.code).toBe(0)
    }, T)
  })

  describe('explain', () => {
    it('of a request that carries its signature, or of a captured message, shows the verifier\'s base', async () => {
      const signed = await signetJson<{ headers: Record<string, string>; base: string }>([...SIGN, ...FIXED, 'https://api.example.com/z', '--json'], { cwd: dir.path, env: ENV })
      const withHeaders = Object.entries(signed.json.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`])
      const r = await inDir(['explain', ...withHeaders, 'https://api.example.com/z', '--raw'])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(signed.json.base)
      expect(r.stderr).toContain('already carries a signature')
    }, T)

    it('keyed-hash schemes show <secret> and need no secret at all', async () => {
      const r = await inDir(['explain', '--scheme', 'authorizationContentHmac', '--now', '1700000000', 'https://a.example/p?q=1', '--raw'], {})
      expect(r.code).toBe(0)
      expect(r.stdout).toBe('/p?q=11700000000<secret>')
    }, T)
  })

  describe('diff', () => {
    it('reads a sigv4 AWS error (XML) and names the differing header', async () => {
      const signed = await signetJson<{ base: string }>(['sign', ...v4.flags, '-H', 'X-Note: a  b', `${v4Server.url}/xml`, '--json'], { cwd: dir.path, env: ENV })
      const serverBase = signed.json.base.replace('x-note:a b', 'x-note:a b c')
      const [cr, sts] = serverBase.split('\n\nAWS4-HMAC-SHA256\n')
      const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><StringToSign>AWS4-HMAC-SHA256\n${esc(sts!)}</StringToSign><CanonicalRequest>${esc(cr!)}</CanonicalRequest></Error>`
      await writeFile(join(dir.path, 'aws.xml'), xml)
      const { run, json } = await signetJson<{ first: { component: string }; hints: string[] }>(['diff', '--server-base', 'aws.xml', ...v4.flags, '-H', 'X-Note: a  b', `${v4Server.url}/xml`, '--json'], { cwd: dir.path, env: ENV })
      expect(run.code).toBe(1)
      expect(json.first.component).toBe('header x-note')
      expect(json.hints[0]).toContain('x-note changed between signing and sending')
    }, T)

    it('--base FILE against the server base as text; identical bases blame the key', async () => {
      const sent = await signetJson<{ response: { body: string } }>([...SIGN, `${rfcServer.url}/key?x=1`, '--send', '--json'], { cwd: dir.path, env: { SIGNET_SECRET: WRONG_SECRET } })
      const answer = JSON.parse(sent.json.response.body) as { code: string; details: { base: string } }
      expect(answer.code).toBe('signature_mismatch')
      await writeFile(join(dir.path, 'server-base.txt'), `${answer.details.base}\n`)
      await writeFile(join(dir.path, 'answer-key.json'), sent.json.response.body)
      const fromFlags = await inDir(['diff', '--server-base', 'answer-key.json', ...KEY, `${rfcServer.url}/key?x=1`])
      expect(fromFlags.code).toBe(0)
      expect(fromFlags.stdout).toContain('the bases are identical')
      expect(fromFlags.stdout).toContain('the MAC differs because of the key')
      await writeFile(join(dir.path, 'signer-base.txt'), answer.details.base.replace('?x=1', '?x=2'))
      const r = await inDir(['diff', '--server-base', 'server-base.txt', '--base', 'signer-base.txt'])
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/first difference: line 4, column 14 \(byte \d+\), in "@query"/)
      expect(r.stdout).toContain(`'2' (0x32) in yours, '1' (0x31) in the server's`)
      expect(r.stderr).toContain('ignored the newline at the end')
    }, T)

    it('a digest_mismatch report: finds that the body was re-serialized', async () => {
      const sent = await inDir([...SIGN, '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@body.json', `${rfcServer.url}/reserialize/orders`, '--send'])
      expect(sent.code).toBe(1)
      await writeFile(join(dir.path, 'answer-digest.json'), sent.stdout)
      const r = await inDir(['diff', '--server-base', 'answer-digest.json', ...KEY, '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@body.json', `${rfcServer.url}/reserialize/orders`])
      expect(r.code).toBe(1)
      expect(r.stdout).toContain('the server received another body than the one signed (digest_mismatch)')
      expect(r.stdout).toContain('your JSON re-serialized compactly (JSON.stringify of the parsed body)')
      expect(r.stdout).toContain('(17 bytes instead of 18)')
    }, T)

    it('a digest_mismatch from curl -d @file: finds the stripped newlines', async () => {
      await writeFile(join(dir.path, 'pretty.json'), '{\n  "a": 1\n}\n')
      const signed = await inDir([...SIGN, '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@pretty.json', `${rfcServer.url}/orders`])
      const headers = Object.fromEntries(signed.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]))
      // What curl -d @pretty.json sends: the file without its newlines.
      const res = await fetch(`${rfcServer.url}/orders`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{  "a": 1}' })
      await writeFile(join(dir.path, 'answer-curl-d.json'), await res.text())
      const { json } = await signetJson<{ change: { name: string } }>(['diff', '--server-base', 'answer-curl-d.json', ...KEY, '-X', 'POST', '-H', 'Content-Type: application/json', '--data-binary', '@pretty.json', `${rfcServer.url}/orders`, '--json'], { cwd: dir.path, env: ENV })
      expect(json.change.name).toBe('curl-d')
    }, T)

    it('--message: the request as it was sent (a capture) against what the server rebuilt', async () => {
      const sent = await inDir([...SIGN, `${rfcServer.url}/reencode/find?q=a b&n=1`, '--send'])
      expect(sent.code).toBe(1)
      await writeFile(join(dir.path, 'answer-msg.json'), sent.stdout)
      await writeFile(join(dir.path, 'sent.http'), rawRequest(rfcApp.received[rfcApp.received.length - 1]!))
      const { run, json } = await signetJson<{ source: string; first: { component: string }; differences: { component: string }[] }>(['diff', '--server-base', 'answer-msg.json', '--message', 'sent.http', '--json'], { cwd: dir.path, env: ENV })
      expect(run.code).toBe(1)
      expect(json.source).toBe('captured-message')
      expect(json.first.component).toBe('"@query"')
      expect(json.differences).toHaveLength(1)
    }, T)

    it('explain --message of a request not signed yet shows what a signer would build', async () => {
      await writeFile(join(dir.path, 'unsigned.http'), 'PUT /items/7 HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello\n')
      const r = await inDir(['explain', '--message', 'unsigned.http', '--key-id', 'cli-key', '--now', '1700000000'])
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('(captured, not signed yet)')
      expect(r.stdout).toContain('← SHA-256 of the 5-byte body (from the capture)')
      expect(r.stdout).toContain('"content-type": text/plain')
      expect(r.stderr).toContain('ignored 1 byte(s) after the request\'s Content-Length (5)')
    }, T)

    it('a refusal without a base (expired) is explained, exit 1', async () => {
      await writeFile(join(dir.path, 'expired.json'), JSON.stringify({ ok: false, code: 'expired', message: 'the signature is 400 s old', details: { component: 'created', received: '1700000000' } }))
      const r = await inDir(['diff', '--server-base', 'expired.json', ...KEY, 'https://a.example/'])
      expect(r.code).toBe(1)
      expect(r.stdout).toContain('the server refused the request with expired')
      expect(r.stdout).toContain("the signer's clock is off")
    }, T)
  })

  describe('every run above', () => {
    it('was checked for secrets, and none printed one', () => {
      expect(checked.runs).toBeGreaterThan(40)
    })
  })
})
