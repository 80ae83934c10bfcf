/**
 * docs/cli.md proves itself: its walk-through (the ```sh block after `<!-- walkthrough`) runs as
 * is, with a `signet` on PATH that is the built binary, against `signet serve` (the server the doc
 * tells the reader to start; its address is the only thing replaced), and must print exactly the
 * output the doc shows (`<!-- walkthrough-output -->`), byte offsets aside (they depend on the
 * port's length). The doc's `$ signet explain …` example must print exactly what it shows.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, DOCS, hasProgram, registerSecret, requireBuild, sh, tempDir } from './support/cli.ts'

const T = 60_000

function after(text: string, marker: string, fence: string): string {
  const at = text.indexOf(marker)
  if (at < 0) throw new Error(`docs/cli.md has no ${marker}`)
  const start = text.indexOf(fence, at) + fence.length
  return text.slice(start, text.indexOf('\n```', start) + 1)
}

/** Byte offsets depend on the server's port, which the test cannot choose. */
const normalize = (s: string) => s.replace(/\(byte \d+\)/g, '(byte N)')

describe('docs/cli.md', () => {
  let docs: string
  let dir: { path: string; remove(): Promise<void> }
  let bin: string
  let server: ChildProcess | undefined
  let serverUrl = ''
  let serverLog = ''
  let secret = ''

  beforeAll(async () => {
    requireBuild()
    docs = await readFile(DOCS, 'utf8')
    secret = /export SIGNET_SECRET='([^']*)'/.exec(after(docs, '<!-- walkthrough', '```sh\n'))![1]!
    registerSecret(secret)
    dir = await tempDir('docs')
    bin = join(dir.path, 'bin')
    await mkdir(bin)
    await writeFile(join(bin, 'signet'), `#!/bin/sh\nexec node ${JSON.stringify(CLI)} "$@"\n`)
    await chmod(join(bin, 'signet'), 0o755)
    // The server the doc asks the reader to start in another terminal.
    const child = spawn('node', [CLI, 'serve', '--key-id', 'demo', '--port', '0', '--json'], { env: { PATH: process.env.PATH ?? '', SIGNET_SECRET: secret }, stdio: ['ignore', 'pipe', 'pipe'] })
    server = child
    serverUrl = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (c: Uint8Array) => {
        out += new TextDecoder().decode(c)
        serverLog += new TextDecoder().decode(c)
        const m = /"url":"([^"]+)"/.exec(out)
        if (m) resolve(m[1]!)
      })
      child.stderr!.on('data', (c: Uint8Array) => {
        serverLog += new TextDecoder().decode(c)
      })
      child.on('exit', (code) => reject(new Error(`signet serve exited with ${code}: ${serverLog}`)))
    })
  })
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve))
      server.kill('SIGTERM')
      await exited
    }
    await dir?.remove()
  })

  it('the walk-through runs as written and prints what the doc shows', async () => {
    if (!(await hasProgram('curl'))) return // step 2 is a curl command
    const script = after(docs, '<!-- walkthrough', '```sh\n')
    const expected = after(docs, '<!-- walkthrough-output -->', '```text\n')
    expect(script).toContain('signet sign')
    expect(script).toContain('signet diff')
    const run = await sh(script.replaceAll('http://127.0.0.1:8787', serverUrl), { cwd: dir.path, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } })
    expect(run.code).toBe(1)
    expect(run.stderr).toBe('')
    expect(normalize(run.stdout)).toBe(normalize(expected))
    expect(serverLog).toContain('"status":401,"code":"signature_mismatch"')
    expect(serverLog).not.toContain(secret)
  }, T)

  it('the explain example prints exactly what the doc shows', async () => {
    const block = after(docs, 'run `explain` on the', '```\n')
    const [command, ...output] = block.split('\n')
    expect(command).toMatch(/^\$ signet explain /)
    const run = await sh(command!.slice(2), { cwd: dir.path, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } })
    expect(run.code).toBe(0)
    const shown = output.join('\n')
    expect(run.stdout.startsWith(shown)).toBe(true)
  }, T)

  it('the exit codes the doc lists are the ones the binary documents', async () => {
    const help = await sh('signet --help', { env: { PATH: `${bin}:${process.env.PATH ?? ''}` } })
    for (const code of ['0 signed / valid / accepted / identical', '1 invalid / refused / different', '2 usage error', '3 network or internal error']) expect(help.stdout).toContain(code)
    for (const row of ['| 0 | signed; valid;', '| 1 | invalid signature;', '| 2 | usage error:', '| 3 | could not complete:']) expect(docs).toContain(row)
  }, T)
})
