/**
 * Runs the real, built `signet` binary (`node packages/cli/dist/cli.js`) as a subprocess, from
 * any test runtime (Node, Deno, Bun all spawn `node`). Every run's stdout and stderr are checked
 * for every secret the tests use, in every form (text, base64, hex): a secret in any output fails
 * the run on the spot.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))
export const CLI_PACKAGE = fileURLToPath(new URL('../../', import.meta.url))
export const DOCS = fileURLToPath(new URL('../../../../docs/cli.md', import.meta.url))

export function requireBuild(): void {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: build first with  cd /work/main && pnpm -r --filter ./packages/core --filter ./packages/cli run build`)
  }
}

export interface Run {
  code: number
  stdout: string
  stderr: string
  /** stdout and stderr together. */
  all: string
}

/** Every secret the tests hand to the CLI, in every form it could leak in. */
const secrets = new Set<string>()

function b64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

export function registerSecret(secret: string): void {
  secrets.add(secret)
  const bytes = new TextEncoder().encode(secret)
  secrets.add(b64(bytes))
  secrets.add([...bytes].map((b) => b.toString(16).padStart(2, '0')).join(''))
  // A base64 secret's decoded bytes, as text forms.
  if (/^[A-Za-z0-9+/]+=*$/.test(secret) && secret.length % 4 === 0) {
    const raw = Uint8Array.from(atob(secret), (c) => c.charCodeAt(0))
    secrets.add([...raw].map((b) => b.toString(16).padStart(2, '0')).join(''))
  }
}

/** How many runs were checked for secrets (reported by the tests). */
export const checked = { runs: 0 }

export class SecretLeak extends Error {}

function assertNoSecret(args: readonly string[], run: Run): void {
  for (const s of secrets) {
    if (run.all.includes(s)) throw new SecretLeak(`a secret appeared in the output of: signet ${args.join(' ')}`)
  }
  checked.runs++
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  stdin?: string | Uint8Array
  cwd?: string
  /** Node options before the script (e.g. an --import hook). */
  nodeArgs?: string[]
  timeoutMs?: number
}

const decoder = new TextDecoder()

function text(parts: readonly Uint8Array[]): string {
  let size = 0
  for (const p of parts) size += p.byteLength
  const all = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    all.set(p, at)
    at += p.byteLength
  }
  return decoder.decode(all)
}

/** `signet …args` with a clean environment (only PATH, HOME and `env`). */
export function signet(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  for (const a of args) for (const s of secrets) if (a.includes(s)) throw new Error('a test passed a secret on the command line')
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v
  return new Promise((resolve, reject) => {
    const child = spawn('node', [...(options.nodeArgs ?? []), CLI, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Uint8Array[] = []
    const err: Uint8Array[] = []
    child.stdout.on('data', (c: Uint8Array) => out.push(c))
    child.stderr.on('data', (c: Uint8Array) => err.push(c))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      const run: Run = { code: code ?? -1, stdout: text(out), stderr: text(err), all: '' }
      run.all = run.stdout + run.stderr
      try {
        assertNoSecret(args, run)
      } catch (e) {
        reject(e)
        return
      }
      resolve(run)
    })
    if (options.stdin !== undefined) child.stdin.end(options.stdin)
    else child.stdin.end()
  })
}

/** `signet …` parsed as JSON (stdout). */
export async function signetJson<T = Record<string, unknown>>(args: readonly string[], options: RunOptions = {}): Promise<{ run: Run; json: T }> {
  const run = await signet(args, options)
  let json: T
  try {
    json = JSON.parse(run.stdout) as T
  } catch {
    throw new Error(`signet ${args.join(' ')} did not print JSON (exit ${run.code}):\n${run.all}`)
  }
  return { run, json }
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `signet-cli-${prefix}-`))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** Runs a shell command line (for the printed curl commands and the docs' walkthrough). */
export function sh(script: string, options: { env?: Record<string, string>; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Uint8Array[] = []
    const err: Uint8Array[] = []
    child.stdout.on('data', (c: Uint8Array) => out.push(c))
    child.stderr.on('data', (c: Uint8Array) => err.push(c))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const run: Run = { code: code ?? -1, stdout: text(out), stderr: text(err), all: '' }
      run.all = run.stdout + run.stderr
      try {
        assertNoSecret(['(sh)', script], run)
      } catch (e) {
        reject(e)
        return
      }
      resolve(run)
    })
  })
}

/** Whether a program is on PATH. */
export async function hasProgram(name: string): Promise<boolean> {
  const r = await sh(`command -v ${name} >/dev/null 2>&1 && echo yes || echo no`)
  return r.stdout.trim() === 'yes'
}
